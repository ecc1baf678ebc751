/** Reads `AWS::ApiGateway::RestApi`: endpoint type, VPC endpoints, resource policy, key source, OpenAPI body. */
import { isUnresolved } from '../intrinsics';
import { NormalizedPolicy, normalizePolicy } from '../policy-eval';
import { openApiAuthorizers, openApiMethods } from './openapi';
import { TemplateReader } from './reader';
import type { ApiModel, TemplateModel } from './types';

export function readRestApis(reader: TemplateReader, model: TemplateModel): void {
  for (const [id, res] of reader.byType('AWS::ApiGateway::RestApi')) {
    model.apis.push(readRestApi(reader, id, res.Properties ?? {}));
  }
}

function readRestApi(reader: TemplateReader, id: string, props: any): ApiModel {
  const resolver = reader.resolver;
  const notes: string[] = [];
  const body = readBody(reader, props, notes);
  const endpoint = resolver.resolve(props.EndpointConfiguration ?? {});
  const types = endpoint && Array.isArray(endpoint.Types) ? endpoint.Types : [];
  const endpointType = types.length > 0 && typeof types[0] === 'string' ? types[0].toUpperCase() : 'EDGE';
  if (body?.['x-amazon-apigateway-endpoint-configuration'] && types.length === 0) {
    notes.push('endpoint configuration taken from the RestApi resource (EDGE unless set there)');
  }
  const vpcEndpointIds: string[] = [];
  if (endpoint && Array.isArray(endpoint.VpcEndpointIds)) {
    vpcEndpointIds.push(...endpoint.VpcEndpointIds.filter((x: any) => typeof x === 'string'));
  }
  const bodyVpce = body?.['x-amazon-apigateway-endpoint-configuration']?.vpcEndpointIds;
  if (Array.isArray(bodyVpce)) vpcEndpointIds.push(...bodyVpce.filter((x: any) => typeof x === 'string'));
  const apiId: string = resolver.resolve({ Ref: id });
  const policy = readPolicy(reader, props, body, notes);
  const keySource = resolver.resolve(props.ApiKeySourceType ?? body?.['x-amazon-apigateway-api-key-source']);
  return {
    logicalId: id,
    id: apiId,
    name: typeof props.Name === 'string' ? props.Name : undefined,
    endpointType,
    vpcEndpointIds,
    policy: policy?.policy,
    policySource: policy?.source,
    apiKeySource: typeof keySource === 'string' && keySource.toUpperCase() === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
    methods: body ? openApiMethods(body, notes) : [],
    stages: [],
    authorizers: body ? openApiAuthorizers(body) : [],
    notes,
  };
}

function readBody(reader: TemplateReader, props: any, notes: string[]): any {
  const body = props.Body !== undefined ? reader.resolver.resolve(props.Body) : undefined;
  if (props.BodyS3Location !== undefined) {
    notes.push('the OpenAPI definition is in S3 (BodyS3Location): its methods and policy are not simulated');
  }
  if (isUnresolved(body)) {
    notes.push(`the OpenAPI Body cannot be resolved (${body.why}): its methods and policy are not simulated`);
    return undefined;
  }
  return body && typeof body === 'object' ? body : undefined;
}

function readPolicy(
  reader: TemplateReader,
  props: any,
  body: any,
  notes: string[],
): { policy: NormalizedPolicy; source: string; raw: unknown } | undefined {
  if (props.Policy !== undefined) {
    const raw = reader.resolver.resolve(props.Policy);
    if (raw === '' || (raw && typeof raw === 'object' && !isUnresolved(raw) && Object.keys(raw).length === 0)) {
      notes.push('Policy is empty: the API has no resource policy');
      return undefined;
    }
    return { policy: normalizePolicy(raw), source: 'Policy', raw };
  }
  if (body && body['x-amazon-apigateway-policy'] !== undefined) {
    const raw = body['x-amazon-apigateway-policy'];
    return { policy: normalizePolicy(raw), source: 'Body', raw };
  }
  return undefined;
}
