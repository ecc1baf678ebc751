/**
 * The simulator's request, result and decision types. Everything else in simulate/ imports these; this
 * file imports nothing of the simulator, so no cycle can pass through it.
 */

/** The step of API Gateway's request path that decided a simulated request (its JSON value is the string). */
export enum DecidedBy {
  /** Unknown resource or method (403 Missing Authentication Token), or a method ARN too long (414). */
  ROUTE = 'route',
  /** The resource policy, the VPC endpoint policy or the private endpoint (403). */
  RESOURCE_POLICY = 'resource-policy',
  /** IAM, a Lambda authorizer or Cognito (401, or 403). */
  AUTHORIZATION = 'authorization',
  /** The API key: missing, unknown, disabled or in no plan of the stage (403 Forbidden). */
  API_KEY = 'api-key',
  /** A usage-plan, stage or account throttle (429 Too Many Requests). */
  THROTTLE = 'throttle',
  /** A usage-plan quota (429 Limit Exceeded). */
  QUOTA = 'quota',
  /** Admitted: the request reaches the integration (200). */
  OK = 'ok',
}

/** What a method's Lambda or Cognito authorizer decides for a request. */
export enum AuthorizerDecision {
  /** The authorizer allows (a Lambda policy allowing the method, or a valid Cognito token). */
  ALLOW = 'allow',
  /** The authorizer denies (a Lambda Deny policy, or an invalid Cognito token). */
  DENY = 'deny',
}

/** What a SigV4 caller's own IAM (identity) policies say about `execute-api:Invoke` on the API. */
export enum IdentityPolicy {
  /** An identity policy allows the call. */
  ALLOW = 'allow',
  /** An identity policy denies the call explicitly. */
  DENY = 'deny',
  /** No identity policy speaks about the call. */
  NONE = 'none',
}

/**
 * Bad simulator input (unknown API, stage or key, a malformed address…): the CLI exits 2 with its message.
 * (A class extending `Error` cannot cross jsii, so it is exported to TypeScript and JavaScript as a value
 * and a type; other languages see the error's message.)
 */
class SimulationInputErrorClass extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationInputError';
    Object.setPrototypeOf(this, SimulationInputErrorClass.prototype);
  }
}

/** Bad simulator input: `err instanceof SimulationInputError` tells it from a defect. */
export const SimulationInputError = SimulationInputErrorClass;
/** Bad simulator input (the type of {@link SimulationInputError}). */
export type SimulationInputError = SimulationInputErrorClass;

/**
 * A caller signing with SigV4 (an IAM principal). Absent on a request = an anonymous caller.
 */
export interface CallerIdentity {
  /** The caller's AWS account id. */
  readonly account: string;
  /**
   * The caller's ARN (a role, an assumed-role session `arn:aws:sts::…:assumed-role/R/s` or a user). For a
   * role session, `aws:PrincipalArn` is the role's ARN (docs/SEMANTICS.md "Condition keys").
   * @default - the account root, `arn:aws:iam::<account>:root`
   */
  readonly arn?: string;
  /**
   * The caller's AWS Organizations id (`aws:PrincipalOrgID`).
   * @default - the caller is in no organization
   */
  readonly orgId?: string;
  /**
   * The caller's organization paths (`aws:PrincipalOrgPaths`), e.g. `o-a1b2c3/r-ab12/ou-ab12-11111111/`.
   * @default - none
   */
  readonly orgPaths?: string[];
  /**
   * What the caller's own IAM (identity) policies say about `execute-api:Invoke` on this API. The
   * template does not hold them, so the simulator assumes `allow`.
   * @default IdentityPolicy.ALLOW
   */
  readonly identityPolicy?: IdentityPolicy;
}

/**
 * One request to simulate.
 */
export interface SimulatedRequest {
  /**
   * Logical id (or name) of the RestApi; needed when the template has several.
   * @default - the template's only RestApi
   */
  readonly api?: string;
  /**
   * Stage name; needed when the API has several stages.
   * @default - the API's only stage
   */
  readonly stage?: string;
  /** HTTP method, e.g. `GET`. */
  readonly method: string;
  /**
   * Request path with path parameters filled in, e.g. `/items/42`. With `domainName`, the path on the
   * domain (base path included), e.g. `/v1/items/42`.
   */
  readonly path: string;
  /**
   * A private custom domain name of the template (`AWS::ApiGateway::DomainNameV2`, PRIVATE): the request
   * is sent to `https://{domainName}/{basePath}/{path}`. `path` is then the path on the domain, and the
   * API and stage come from the domain's base path mapping (so `api` and `stage` are not given). The
   * domain's policy, its access associations and the API's policy (with `execute-api:viaDomainArn`)
   * all decide (docs/SEMANTICS.md "Private custom domain names").
   * @default - sent to the API's own execute-api endpoint
   */
  readonly domainName?: string;
  /**
   * Client IP address (IPv4 or IPv6): `aws:SourceIp` on public APIs, `aws:VpcSourceIp` through a VPC endpoint.
   * @default - no source IP in the request context
   */
  readonly sourceIp?: string;
  /**
   * The interface VPC endpoint the request comes through: a `vpce-` id (`vpce-` and hexadecimal digits),
   * the logical id of an `AWS::EC2::VPCEndpoint` in the template, or a CDK token such as
   * `vpce.vpcEndpointId`. Only used for PRIVATE APIs; a PRIVATE API is reachable only through one.
   * @default - not through a VPC endpoint
   */
  readonly vpcEndpointId?: string;
  /**
   * The VPC the request comes from (`aws:SourceVpc`; an id, a logical id or a token).
   * @default - the VPC of the endpoint when the endpoint is in the template, else none
   */
  readonly vpcId?: string;
  /**
   * A SigV4 caller.
   * @default - an anonymous caller
   */
  readonly caller?: CallerIdentity;
  /**
   * What the method's Lambda or Cognito authorizer decides.
   * @default - no identity source: 401 Unauthorized on a method whose authorizer needs one
   */
  readonly authorizer?: AuthorizerDecision;
  /**
   * The API key value sent in `x-api-key` (or returned by the authorizer when the key source is AUTHORIZER).
   * @default - no key, unless `apiKeyRef` is given
   */
  readonly apiKey?: string;
  /**
   * Logical id (or a CDK token such as `key.keyId`) of an `AWS::ApiGateway::ApiKey` in the template, for keys
   * whose value CloudFormation generates.
   * @default - no key, unless `apiKey` is given
   */
  readonly apiKeyRef?: string;
  /**
   * Request time in milliseconds since the epoch (throttles, quotas, `aws:CurrentTime`).
   * @default - the simulator's clock: its start time, or the latest `at` seen
   */
  readonly at?: number;
  /**
   * `User-Agent` header (`aws:UserAgent`).
   * @default - none
   */
  readonly userAgent?: string;
  /**
   * `Referer` header (`aws:Referer`).
   * @default - none
   */
  readonly referer?: string;
}

/**
 * What a simulated request gets, and why.
 */
export interface SimulationResult {
  /** HTTP status: 200, 401, 403, 414 or 429. */
  readonly statusCode: number;
  /** The step that decided (see `DecidedBy`). */
  readonly decidedBy: DecidedBy;
  /** The `message` API Gateway's default gateway response would carry. */
  readonly message: string;
  /** Why, step by step; assumptions on unverified behaviour are marked [U]. */
  readonly reasons: string[];
}

/**
 * One line of the usage ledger the simulated requests would produce: what one API key used on one UTC day
 * in one usage plan. The same fields, in the same order and with the same meaning, as the `UsageMeter`
 * ledger line (`LedgerLine`), so `UsageLedger.renderLine` renders it byte for byte as the exporter would.
 *
 * A request is counted (`used`) once the usage plan meters it: its key was accepted (a 403 for a missing,
 * unknown or disabled key is not counted) and it passed the plan's throttle and quota. Requests the plan
 * throttles, or refuses for an exhausted quota (429), are not counted, as the simulator's quota step
 * does not count them; a request the stage or account throttle refuses afterwards is counted, since the
 * quota step already counted it (whether API Gateway counts it is unverified [U]; docs/SEMANTICS.md
 * "Metering" 18).
 */
export interface SimulatedLedgerLine {
  /** The UTC day of the requests, `YYYY-MM-DD`. */
  readonly date: string;
  /** The tier: the usage plan's `UsagePlanName`, or its logical id when it has none. */
  readonly tier: string;
  /** The usage plan's id (the simulator's stable placeholder for the id CloudFormation generates). */
  readonly usagePlanId: string;
  /** The API key's id (the simulator's placeholder), never its value. */
  readonly keyId: string;
  /**
   * The key's `CustomerId`.
   * @default - the key has none, and the rendered line has no `customerId` field
   */
  readonly customerId?: string;
  /** Requests the plan counted for this key on this day. */
  readonly used: number;
  /**
   * What was left of the quota period's limit after the day's last request (never below 0). -1 when the
   * plan has no quota: what GetUsage reports then is not documented [U].
   */
  readonly remaining: number;
}

/**
 * The outcome of many identical requests.
 */
export interface SimulationSummary {
  /** Number of requests per status code, e.g. `{ "200": 10, "429": 90 }`. */
  readonly counts: { [statusCode: string]: number };
  /** Number of requests per `decidedBy` value. */
  readonly decidedBy: { [step: string]: number };
  /** The first result. */
  readonly first: SimulationResult;
  /** The last result. */
  readonly last: SimulationResult;
  /**
   * The ledger lines these requests reached: one per usage plan, key and UTC day, with that day's totals
   * since the last `reset` (earlier calls on the same day included), sorted by date, tier and key id.
   * Empty when no request got as far as a plan's quota (no key, a refused key, a method without a key).
   */
  readonly ledger: SimulatedLedgerLine[];
}

// ---- internal: the request once the front door has checked it and settled its references and time

/** A SigV4 caller as the decision steps see it. */
export interface PipelineCaller {
  readonly account: string;
  readonly arn?: string;
  readonly orgId?: string;
  readonly orgPaths?: readonly string[];
  /** what the caller's own IAM policies say: allow (default), deny or none */
  readonly identityPolicy?: string;
}

/** The request with its references resolved and its time settled (see `RequestSimulator.invoke`). */
export interface PipelineRequest {
  readonly api?: string;
  readonly stage?: string;
  readonly method: string;
  readonly path: string;
  /** a private custom domain name: `path` is then the path on the domain */
  readonly domainName?: string;
  readonly sourceIp?: string;
  readonly vpcEndpointId?: string;
  readonly vpcId?: string;
  readonly caller?: PipelineCaller;
  /** allow or deny */
  readonly authorizer?: string;
  readonly apiKey?: string;
  readonly apiKeyRef?: string;
  readonly userAgent?: string;
  readonly referer?: string;
  /** ms since epoch */
  readonly at: number;
}

/** A decision of the steps (`decidedBy` as its JSON string). */
export interface Decision {
  readonly statusCode: number;
  readonly decidedBy: DecidedBy;
  readonly message: string;
  readonly reasons: string[];
}

export interface PipelineOptions {
  /** Cognito: require an explicit Allow in the resource policy (docs/SEMANTICS.md "Policy evaluation" [U]). */
  readonly cognitoRequiresExplicitAllow: boolean;
  /** skip API keys, throttles and quotas (used by `explain`) */
  readonly authorizationOnly?: boolean;
}
