/**
 * Step 2: a private custom domain name (docs/SEMANTICS.md "Private custom domain names"). A request sent to
 * `https://{domainName}/…` is routed by the domain's base path mapping before the steps run (the API and
 * stage it addresses come from there: `routeDomain`, used by the setup); this step then refuses what the
 * domain refuses: no such domain or no mapping (403, route [I]), an endpoint without an access association
 * or the domain's own policy (403, resource policy). Admitted, the request carries
 * `execute-api:viaDomainArn` into the VPC endpoint policy and the API's policy.
 */
import { decideDomain } from '../domain';
import { ApiModel, TemplateModel, domainsModelOf } from '../model';
import { DecidedBy, PipelineRequest, SimulationInputError } from '../request';
import { DecisionContext, DomainRoute, PASS, StepResult, callerName, deniedMessage, refuse } from './context';

/** Where a request through a domain goes: the API, stage and path of its mapping (when the domain admits it). */
export interface RoutedRequest {
  readonly route: DomainRoute;
  readonly api?: ApiModel;
  readonly stage?: string;
  readonly path?: string;
}

/**
 * Routes a request through its domain. Throws a SimulationInputError when the mapping names an API the
 * template does not hold (nothing to simulate).
 */
export function routeDomain(model: TemplateModel, request: PipelineRequest): RoutedRequest {
  const domainName = request.domainName!;
  const decision = decideDomain(domainsModelOf(model), {
    domainName,
    path: request.path,
    vpcEndpointId: request.vpcEndpointId,
    vpcId: request.vpcId,
    sourceIp: request.sourceIp,
    caller: request.caller ? { account: request.caller.account, arn: request.caller.arn } : undefined,
  });
  if (decision.statusCode) return { route: { domainName, decision } };
  const api = model.apis.find((a) => a.logicalId === decision.api);
  if (!api) {
    throw new SimulationInputError(
      `the base path mapping of domain ${decision.domain} ('domainName' ${domainName}) maps to API ${decision.api ?? '(unresolved)'}, which is not a RestApi of the template`,
    );
  }
  const viaDomainArn = decision.context ? Object.values(decision.context)[0][0] : undefined;
  const stage = decision.stage;
  const stageProblem =
    stage === undefined
      ? `the base path mapping of ${decision.domain} names no stage and the path ${request.path} leaves none [I: 403]`
      : api.stages.some((s) => s.name === stage)
        ? undefined
        : `API ${api.logicalId} has no stage '${stage}' (from the base path mapping of ${decision.domain}) [I: 403]`;
  return { route: { domainName, decision, stageProblem, viaDomainArn }, api, stage, path: decision.path };
}

export function privateDomain(ctx: DecisionContext): StepResult {
  const route = ctx.domain;
  if (!route) return PASS;
  const d = route.decision;
  if (d.statusCode && d.refusedBy === 'route') {
    return refuse(403, DecidedBy.ROUTE, 'Forbidden', ...d.reasons, 'the status and message are inferred [I]');
  }
  if (d.statusCode) {
    const name = route.domainName.toLowerCase();
    const domain =
      ctx.model.domains.find((x) => x.logicalId === d.domain) ??
      ctx.model.domains.find((x) => x.domainName.toLowerCase() === name);
    const arn = domain?.viaDomainArn ?? route.domainName;
    return refuse(
      403,
      DecidedBy.RESOURCE_POLICY,
      deniedMessage(callerName(ctx), arn, false),
      ...d.reasons,
      'the exact message of a refusal by a private domain is inferred [I]',
    );
  }
  if (route.stageProblem) {
    return refuse(403, DecidedBy.ROUTE, 'Forbidden', ...d.reasons, route.stageProblem);
  }
  return {
    reasons: [...d.reasons, `execute-api:viaDomainArn is ${route.viaDomainArn} for the policies that follow`],
  };
}
