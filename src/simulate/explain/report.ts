/** The `explain` report as data: what `--format json` prints and the Markdown renders. No logic here. */
import { Finding } from '../findings';

/** One method of a stage and what each probe gets on it. */
export interface MatrixRow {
  readonly method: string;
  readonly path: string;
  /** display text: the type, and the authorizer's name in parentheses */
  readonly authorization: string;
  /** NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS */
  readonly authorizationType: string;
  /** id of the authorizer (see `ExplainReport.authorizers`), if any */
  readonly authorizer?: string;
  readonly apiKeyRequired: boolean;
  /** probe label → status code (200 = admitted; 0 = undecided; -1 = not applicable: a SigV4 probe on a non-IAM method) */
  readonly cells: Record<string, number>;
}

/** Who may call what on one stage of an API. */
export interface StageReport {
  readonly api: string;
  readonly stage: string;
  readonly endpointType: string;
  readonly probes: string[];
  readonly rows: MatrixRow[];
}

/** An API with no stage: its methods, which no request reaches until it is deployed. */
export interface UndeployedApiReport {
  readonly api: string;
  readonly endpointType: string;
  readonly rows: Omit<MatrixRow, 'cells'>[];
}

/** One usage plan. */
export interface TierReport {
  readonly plan: string;
  readonly name: string;
  /** `Api/stage`, with method throttles in parentheses */
  readonly stages: string[];
  readonly throttle?: string;
  readonly quota?: string;
  readonly keys: string[];
}

/** One Lambda or Cognito authorizer. */
export interface AuthorizerReport {
  readonly api: string;
  /** logical id (AWS::ApiGateway::Authorizer) or security scheme name (OpenAPI) */
  readonly id: string;
  readonly name: string;
  /** TOKEN, REQUEST or COGNITO_USER_POOLS */
  readonly type: string;
  /** e.g. `method.request.header.Authorization`; empty when none is given */
  readonly identitySources: string[];
  /** result caching in seconds (0 = off) */
  readonly ttlSeconds: number;
  /** true when the template leaves the TTL to API Gateway's default (300 s) */
  readonly ttlDefaulted: boolean;
  /** OAuth scopes the methods using this authorizer require */
  readonly scopes: string[];
  /** user pool ARNs (Cognito) */
  readonly providerArns: string[];
  /** `AWS::ApiGateway::Authorizer` or `OpenAPI` */
  readonly definedIn: string;
}

/** A custom domain name and the stages mapped to it, as the template has it (private ones: see `privateDomains`). */
export interface DomainReport {
  readonly logicalId: string;
  /** AWS::ApiGateway::DomainName or AWS::ApiGateway::DomainNameV2 */
  readonly type: string;
  readonly domainName?: string;
  readonly endpointType?: string;
  readonly mappings: { api?: string; stage?: string; basePath?: string; logicalId: string }[];
}

/** A private custom domain name (simulated: requests with `domainName`) and who may call through it. */
export interface PrivateDomainReport {
  /** logical id of the `AWS::ApiGateway::DomainNameV2` */
  readonly domain: string;
  readonly domainName: string;
  /** what a call through it carries in `execute-api:viaDomainArn` */
  readonly viaDomainArn: string;
  /** base path (`''` = the root) → API logical id and stage (no stage: the path's next segment) */
  readonly mappings: ReadonlyArray<{ readonly basePath: string; readonly api?: string; readonly stage?: string }>;
  /** per associated VPC endpoint: whether the domain's own policy admits an anonymous call from it */
  readonly endpoints: ReadonlyArray<{
    readonly vpcEndpointId: string;
    readonly admitted: boolean;
    readonly reasons: string[];
  }>;
  readonly notes: string[];
}

/** A WAF web ACL associated with a stage (not simulated: WAF runs before the resource policy). */
export interface WafReport {
  readonly logicalId: string;
  readonly api?: string;
  readonly stage?: string;
  /** the ACL's ARN or reference as far as it resolves */
  readonly webAcl: string;
}

/** The whole `explain` report of one template. */
export interface ExplainReport {
  readonly stages: StageReport[];
  readonly undeployed: UndeployedApiReport[];
  readonly tiers: TierReport[];
  readonly authorizers: AuthorizerReport[];
  readonly customDomains: DomainReport[];
  /** the private custom domains the simulator routes requests through */
  readonly privateDomains: PrivateDomainReport[];
  readonly wafAssociations: WafReport[];
  readonly findings: Finding[];
  readonly notes: string[];
}
