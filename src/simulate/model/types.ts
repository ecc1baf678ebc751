/**
 * The simulator's model of a template: plain data read from CloudFormation by the readers beside this file.
 */
import type { DomainModel } from '../domain';
import type { Resolver } from '../intrinsics';
import type { NormalizedPolicy } from '../policy-eval';

export type AuthType = 'NONE' | 'AWS_IAM' | 'CUSTOM' | 'COGNITO_USER_POOLS';

export interface MethodModel {
  /** template path, e.g. `/pets/{id}`; `/` for the root */
  readonly path: string;
  /** upper case; `ANY` for any method */
  readonly httpMethod: string;
  readonly authorizationType: AuthType;
  /** logical id or name of the authorizer, if any */
  readonly authorizer?: string;
  readonly apiKeyRequired: boolean;
  /** notes about what was assumed while reading this method */
  readonly notes: string[];
}

/** A Lambda (TOKEN, REQUEST) or Cognito authorizer (`AWS::ApiGateway::Authorizer` or an OpenAPI scheme). */
export interface AuthorizerModel {
  /** logical id (or the OpenAPI security scheme's name) */
  readonly logicalId: string;
  readonly name?: string;
  /** TOKEN, REQUEST or COGNITO_USER_POOLS */
  readonly type: string;
  /** e.g. `method.request.header.Authorization`, `stageVariables.tenant` */
  readonly identitySources: string[];
  /** result cache TTL in seconds (API Gateway's default is 300); 0 = caching off */
  readonly ttlSeconds: number;
  /** Cognito user pool ARNs, when given */
  readonly providerArns: string[];
  readonly notes: string[];
}

export interface ThrottleModel {
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** what was assumed (e.g. a missing burst) */
  readonly notes: string[];
}

export interface MethodSettingModel {
  /** `/*` or a resource path */
  readonly path: string;
  /** `*` or a method */
  readonly httpMethod: string;
  readonly throttle?: ThrottleModel;
}

export interface StageModel {
  readonly name: string;
  readonly logicalId?: string;
  readonly methodSettings: MethodSettingModel[];
  /** stage variables (`Variables`) whose values resolve to strings */
  readonly variables: Record<string, string>;
}

export interface ApiModel {
  readonly logicalId: string;
  /** placeholder of the API id CloudFormation generates */
  readonly id: string;
  readonly name?: string;
  /** EDGE, REGIONAL or PRIVATE */
  readonly endpointType: string;
  readonly vpcEndpointIds: string[];
  /** undefined = no resource policy */
  readonly policy?: NormalizedPolicy;
  /** where the policy came from: `Policy`, `Body` (x-amazon-apigateway-policy) */
  readonly policySource?: string;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly methods: MethodModel[];
  readonly stages: StageModel[];
  readonly authorizers: AuthorizerModel[];
  readonly notes: string[];
}

export interface QuotaModel {
  readonly limit: number;
  readonly period: 'DAY' | 'WEEK' | 'MONTH';
  readonly offset: number;
}

export interface PlanStageModel {
  readonly apiLogicalId: string;
  readonly stage: string;
  /** per-method throttles keyed `/path/METHOD` */
  readonly methodThrottles: Record<string, ThrottleModel>;
}

export interface PlanModel {
  readonly logicalId: string;
  readonly name: string;
  readonly apiStages: PlanStageModel[];
  readonly throttle?: ThrottleModel;
  readonly quota?: QuotaModel;
  readonly notes: string[];
}

export interface KeyModel {
  readonly logicalId: string;
  readonly name?: string;
  /** the key's value when the template fixes it; undefined when CloudFormation generates it */
  readonly value?: string;
  readonly enabled: boolean;
  /** the key's `CustomerId` when it resolves to a string */
  readonly customerId?: string;
  /** logical ids of the plans the key is in (through UsagePlanKey) */
  readonly planIds: string[];
}

/** An interface VPC endpoint defined in the template. */
export interface VpcEndpointModel {
  readonly logicalId: string;
  /** placeholder of the `vpce-…` id */
  readonly id: string;
  /** the endpoint's VPC (`VpcId` resolved), when it resolves: `aws:SourceVpc` of requests through it */
  readonly vpcId?: string;
  /** undefined = no PolicyDocument (the default endpoint policy allows everything) */
  readonly policy?: NormalizedPolicy;
}

export interface TemplateModel {
  readonly apis: ApiModel[];
  readonly vpcEndpoints: VpcEndpointModel[];
  readonly plans: PlanModel[];
  readonly keys: KeyModel[];
  /** private custom domain names (`AWS::ApiGateway::DomainNameV2` PRIVATE) with their mappings */
  readonly domains: DomainModel[];
  /** template-level notes: what was not simulated and why */
  readonly notes: string[];
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** the resolver used (maps placeholders back to logical ids) */
  readonly resolver: Resolver;
}

export interface ModelOptions {
  readonly account?: string;
  readonly region?: string;
  readonly parameters?: Record<string, string>;
  readonly stackName?: string;
}
