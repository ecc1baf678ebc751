/** Builds small CloudFormation templates for simulator tests. */
export interface MiniMethod {
  readonly path: string;
  readonly method: string;
  readonly auth?: string;
  readonly apiKeyRequired?: boolean;
}

export interface MiniApi {
  readonly policy?: any;
  readonly endpointType?: string;
  readonly methods?: MiniMethod[];
  readonly stage?: string;
  readonly extra?: Record<string, any>;
  readonly apiProps?: Record<string, any>;
}

export function miniTemplate(opts: MiniApi = {}): Record<string, any> {
  const resources: Record<string, any> = {
    Api: {
      Type: 'AWS::ApiGateway::RestApi',
      Properties: {
        Name: 'mini',
        ...(opts.policy ? { Policy: opts.policy } : {}),
        ...(opts.endpointType ? { EndpointConfiguration: { Types: [opts.endpointType] } } : {}),
        ...(opts.apiProps ?? {}),
      },
    },
    Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' } } },
    Stage: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: opts.stage ?? 'prod' },
    },
  };
  const made = new Map<string, string>();
  const resourceFor = (path: string): any => {
    if (path === '/') return { 'Fn::GetAtt': ['Api', 'RootResourceId'] };
    if (made.has(path)) return { Ref: made.get(path) };
    const parts = path.split('/').filter(Boolean);
    const parentPath = '/' + parts.slice(0, -1).join('/');
    const parent = resourceFor(parentPath);
    const id = 'Res' + parts.map((p) => p.replace(/[^A-Za-z0-9]/g, '')).join('') + made.size;
    resources[id] = {
      Type: 'AWS::ApiGateway::Resource',
      Properties: { RestApiId: { Ref: 'Api' }, ParentId: parent, PathPart: parts[parts.length - 1] },
    };
    made.set(path, id);
    return { Ref: id };
  };
  (opts.methods ?? [{ path: '/items', method: 'GET' }]).forEach((m, i) => {
    resources[`Method${i}`] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResourceId: resourceFor(m.path),
        HttpMethod: m.method,
        AuthorizationType: m.auth ?? 'NONE',
        ...(m.auth === 'CUSTOM' || m.auth === 'COGNITO_USER_POOLS' ? { AuthorizerId: { Ref: 'Authz' } } : {}),
        ApiKeyRequired: m.apiKeyRequired ?? false,
      },
    };
  });
  Object.assign(resources, opts.extra ?? {});
  return { Resources: resources };
}

export const ALLOW_ALL = { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };
export const DENY_ALL = { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };

export function policy(...statements: any[]): any {
  return { Version: '2012-10-17', Statement: statements };
}
