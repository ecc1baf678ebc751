/**
 * Small CloudFormation templates for the rules' compliant and non-compliant examples: one REST API with
 * methods on its root or on one-level resources, an optional stage, usage plan and key.
 */
import { ExampleTemplate } from './finding';

/** One method of an example API. */
export interface ExampleMethod {
  /** `/` or `/name` */
  readonly path?: string;
  readonly verb?: string;
  /** NONE (default), AWS_IAM, CUSTOM, COGNITO_USER_POOLS */
  readonly auth?: string;
  readonly apiKeyRequired?: boolean;
}

/** An example API and what surrounds it. */
export interface ExampleApi {
  /** EDGE (default), REGIONAL or PRIVATE */
  readonly endpoint?: string;
  /** the RestApi's Policy property */
  readonly policy?: any;
  readonly methods?: ExampleMethod[];
  /** stage name; null = no stage (default `prod`) */
  readonly stage?: string | null;
  /** a usage plan on the stage (with these properties besides ApiStages) */
  readonly plan?: { [key: string]: any };
  /** the plan is bound to no stage */
  readonly planWithoutStages?: boolean;
  /** an API key: in the plan (default), enabled (default) */
  readonly key?: { inPlan?: boolean; enabled?: boolean };
}

/** A policy statement admitting everyone (`Principal: "*"`) to `execute-api:/*`, with an optional condition. */
export function allowAll(condition?: any): any {
  return {
    Effect: 'Allow',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: 'execute-api:/*',
    ...(condition ? { Condition: condition } : {}),
  };
}

/** A policy document of the given statements. */
export function policyOf(...statements: any[]): any {
  return { Version: '2012-10-17', Statement: statements };
}

function methodResources(methods: ExampleMethod[]): ExampleTemplate {
  const out: ExampleTemplate = {};
  const root = { 'Fn::GetAtt': ['Api', 'RootResourceId'] };
  methods.forEach((m, i) => {
    const part = (m.path ?? '/').replace(/^\//, '');
    let resourceId: any = root;
    if (part !== '') {
      const resId = `Res${part.replace(/[^A-Za-z0-9]/g, '')}`;
      out[resId] = {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { RestApiId: { Ref: 'Api' }, ParentId: root, PathPart: part },
      };
      resourceId = { Ref: resId };
    }
    out[`Method${i}`] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResourceId: resourceId,
        HttpMethod: m.verb ?? 'GET',
        AuthorizationType: m.auth ?? 'NONE',
        ApiKeyRequired: m.apiKeyRequired ?? false,
        Integration: { Type: 'MOCK' },
      },
    };
  });
  return out;
}

function usageResources(spec: ExampleApi, stage: string | null): ExampleTemplate {
  const out: ExampleTemplate = {};
  if (spec.plan) {
    const stages = spec.planWithoutStages || stage === null ? [] : [{ ApiId: { Ref: 'Api' }, Stage: { Ref: 'Stage' } }];
    out.Plan = { Type: 'AWS::ApiGateway::UsagePlan', Properties: { ...spec.plan, ApiStages: stages } };
  }
  if (spec.key) {
    out.Key = { Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: spec.key.enabled ?? true } };
    if (spec.plan && (spec.key.inPlan ?? true)) {
      out.PlanKey = {
        Type: 'AWS::ApiGateway::UsagePlanKey',
        Properties: { KeyId: { Ref: 'Key' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } },
      };
    }
  }
  return out;
}

/** A template with one REST API `Api` as described. */
export function exampleTemplate(spec: ExampleApi = {}): ExampleTemplate {
  const methods = spec.methods ?? [{}];
  const stage = spec.stage === undefined ? 'prod' : spec.stage;
  const resources: ExampleTemplate = {
    Api: {
      Type: 'AWS::ApiGateway::RestApi',
      Properties: {
        Name: 'Api',
        EndpointConfiguration: { Types: [spec.endpoint ?? 'EDGE'] },
        ...(spec.policy !== undefined ? { Policy: spec.policy } : {}),
      },
    },
    ...methodResources(methods),
    ...usageResources(spec, stage),
  };
  if (stage !== null) {
    resources.Deployment = {
      Type: 'AWS::ApiGateway::Deployment',
      Properties: { RestApiId: { Ref: 'Api' } },
      DependsOn: methods.map((_, i) => `Method${i}`),
    };
    resources.Stage = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: stage },
    };
  }
  return { Resources: resources };
}
