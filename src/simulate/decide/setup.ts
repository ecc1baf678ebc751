/** Settles what a request addresses (API, stage, verb, path, ARN, endpoint) before the steps run. */
import type { ApiModel, TemplateModel } from '../model';
import { PipelineOptions, PipelineRequest, SimulationInputError } from '../request';
import type { DecisionContext, DomainRoute } from './context';
import { routeDomain } from './private-domain';
import type { PipelineState } from './state';

export function selectApi(model: TemplateModel, name: string | undefined): ApiModel {
  if (name !== undefined) {
    const api = model.apis.find(
      (a) => a.logicalId === name || a.id === name || (a.name !== undefined && a.name === name),
    );
    if (!api) {
      throw new SimulationInputError(
        `unknown API '${name}'; the template has: ${model.apis.map((a) => a.logicalId).join(', ') || 'no REST API'}`,
      );
    }
    return api;
  }
  if (model.apis.length === 1) return model.apis[0];
  if (model.apis.length === 0) {
    throw new SimulationInputError('the template has no AWS::ApiGateway::RestApi to simulate');
  }
  throw new SimulationInputError(
    `the template has several APIs; choose one with 'api': ${model.apis.map((a) => a.logicalId).join(', ')}`,
  );
}

export function selectStage(api: ApiModel, name: string | undefined): string {
  const names = api.stages.map((s) => s.name);
  if (name !== undefined) {
    if (!names.includes(name)) {
      throw new SimulationInputError(
        `API ${api.logicalId} has no stage '${name}'; its stages: ${names.join(', ') || 'none'}`,
      );
    }
    return name;
  }
  if (names.length === 1) return names[0];
  if (names.length === 0) {
    throw new SimulationInputError(`API ${api.logicalId} has no stage in the template; give 'stage'`);
  }
  throw new SimulationInputError(
    `API ${api.logicalId} has several stages; choose one with 'stage': ${names.join(', ')}`,
  );
}

export function normalizeRequestPath(path: string): string {
  let p = (path || '/').split('?')[0];
  if (!p.startsWith('/')) p = '/' + p;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function executeApiArn(model: TemplateModel, api: ApiModel, stage: string, verb: string, path: string): string {
  const p = path === '/' ? '' : path.replace(/^\//, '');
  return `arn:${model.partition}:execute-api:${model.region}:${model.account}:${api.id}/${stage}/${verb}/${p}`;
}

interface Target {
  readonly api: ApiModel;
  readonly stage: string;
  readonly path: string;
  readonly route?: DomainRoute;
}

/** The API, stage and path a request addresses: its own, or those of its domain's base path mapping. */
function target(model: TemplateModel, request: PipelineRequest): Target {
  if (request.domainName === undefined) {
    const api = selectApi(model, request.api);
    return { api, stage: selectStage(api, request.stage), path: request.path };
  }
  const routed = routeDomain(model, request);
  // A request the domain refuses goes no further than its step; the first API only fills the context.
  const api = routed.api ?? model.apis[0] ?? selectApi(model, undefined);
  return { ...routed, api, stage: routed.stage ?? '', path: routed.path ?? request.path };
}

/** The context the first step sees. Throws a SimulationInputError for an unknown API or stage or a bad verb. */
export function initialContext(
  model: TemplateModel,
  state: PipelineState,
  request: PipelineRequest,
  options: PipelineOptions,
): DecisionContext {
  const { api, stage, path: rawPath, route } = target(model, request);
  const verb = String(request.method || '').toUpperCase();
  if (!/^[A-Z]+$/.test(verb)) {
    throw new SimulationInputError(`'method' must be an HTTP method such as GET, got '${request.method}'`);
  }
  const path = normalizeRequestPath(rawPath);
  const isPrivate = api.endpointType === 'PRIVATE';
  const viaVpce = isPrivate && !!request.vpcEndpointId;
  const vpcEndpoint = viaVpce ? model.vpcEndpoints.find((v) => v.id === request.vpcEndpointId) : undefined;
  return {
    model,
    state,
    request,
    options,
    api,
    stage,
    stageModel: api.stages.find((s) => s.name === stage),
    verb,
    path,
    arn: executeApiArn(model, api, stage, verb, path),
    isPrivate,
    viaVpce,
    vpcEndpoint,
    sourceVpc: vpcEndpoint?.vpcId ?? request.vpcId,
    user: 'anonymous',
    domain: route,
    viaDomainArn: route && !route.stageProblem ? route.viaDomainArn : undefined,
  };
}
