/**
 * The decision pipeline of docs/SEMANTICS.md "Request pipeline": route → (VPC endpoint and) resource
 * policy with the outcome tables per authorization type → API key → usage-plan throttle and quota →
 * stage and account throttles.
 * Plain functions over the model and a mutable state of token buckets and quota counters.
 */
import { ApiModel, KeyModel, MethodModel, PlanModel, TemplateModel, ThrottleModel } from './model';
import { PolicyEvaluation, PolicyPrincipal, PolicyRequest, evaluatePolicy } from './policy-eval';
import type { SimulatedRequest } from './simulator';

/** Bad simulator input (unknown API, stage, key reference…): the CLI exits 2 with its message. */
export class SimulationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationInputError';
    Object.setPrototypeOf(this, SimulationInputError.prototype);
  }
}

export interface PipelineCaller {
  readonly account: string;
  readonly arn?: string;
  readonly orgId?: string;
  readonly orgPaths?: readonly string[];
  /** what the caller's own IAM policies say: allow (default), deny or none */
  readonly identityPolicy?: string;
}

/** The public request, checked and with its caller and time settled (see `RequestSimulator.invoke`). */
export interface PipelineRequest extends Omit<SimulatedRequest, 'caller' | 'at'> {
  readonly caller?: PipelineCaller;
  /** ms since epoch */
  readonly at: number;
}

export interface Decision {
  readonly statusCode: number;
  readonly decidedBy: string;
  readonly message: string;
  readonly reasons: string[];
}

export interface PipelineOptions {
  /** Cognito: require an explicit Allow in the resource policy (docs/SEMANTICS.md "Policy evaluation" [U]). */
  readonly cognitoRequiresExplicitAllow: boolean;
  /** skip API keys, throttles and quotas (used by `explain`) */
  readonly authorizationOnly?: boolean;
}

interface Bucket {
  tokens: number;
  last: number;
}

interface QuotaCounter {
  window: number;
  used: number;
  first: boolean;
}

/** Token buckets and quota counters, advanced by request time. */
export class PipelineState {
  public readonly buckets = new Map<string, Bucket>();
  public readonly quotas = new Map<string, QuotaCounter>();

  /** Takes one token if there is one (refilling at `rate`/s up to `burst` since the last look). */
  public take(key: string, t: ThrottleModel, at: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: t.burstLimit, last: at };
      this.buckets.set(key, b);
    }
    if (at > b.last) {
      b.tokens = Math.min(t.burstLimit, b.tokens + (t.rateLimit * (at - b.last)) / 1000);
      b.last = at;
    }
    if (b.tokens >= 1 - 1e-9) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  public reset(): void {
    this.buckets.clear();
    this.quotas.clear();
  }
}

const DAY_MS = 86_400_000;

/** Index of the UTC quota window that holds `at`. WEEK windows start on Sunday 00:00 UTC [U]. */
export function quotaWindow(period: string, at: number): number {
  const day = Math.floor(at / DAY_MS);
  if (period === 'DAY') return day;
  if (period === 'WEEK') return day - ((((day + 4) % 7) + 7) % 7);
  const d = new Date(at);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Account-level throttle per region (docs/SEMANTICS.md "Quotas"). */
export function accountThrottle(region: string): ThrottleModel {
  if (region === 'af-south-1' || region === 'eu-south-1') return { rateLimit: 2500, burstLimit: 1250, notes: [] };
  return { rateLimit: 10000, burstLimit: 5000, notes: [] };
}

function segs(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** Score of a template path against a request path: undefined when it does not match; higher = more specific. */
function routeScore(template: string, request: string[]): number[] | undefined {
  const t = segs(template);
  const score: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const s = t[i];
    if (/^\{[^}]+\+\}$/.test(s)) {
      if (i !== t.length - 1 || request.length <= i) return undefined;
      score.push(0);
      return score;
    }
    if (i >= request.length) return undefined;
    if (/^\{[^}]+\}$/.test(s)) score.push(1);
    else if (s === request[i]) score.push(2);
    else return undefined;
  }
  return t.length === request.length ? score : undefined;
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x > y;
  }
  return false;
}

/** The method a request reaches, or a reason why none. */
export function findMethod(api: ApiModel, verb: string, path: string): { method?: MethodModel; reason: string } {
  const req = segs(path);
  let bestPath: string | undefined;
  let bestScore: number[] | undefined;
  const paths = Array.from(new Set(api.methods.map((m) => m.path)));
  for (const p of paths) {
    const s = routeScore(p, req);
    if (s && (!bestScore || better(s, bestScore))) {
      bestScore = s;
      bestPath = p;
    }
  }
  if (bestPath === undefined) {
    return { reason: `no resource of API ${api.logicalId} matches ${path}` };
  }
  const onPath = api.methods.filter((m) => m.path === bestPath);
  const exact = onPath.find((m) => m.httpMethod === verb) ?? onPath.find((m) => m.httpMethod === 'ANY');
  if (!exact) {
    return {
      reason: `resource ${bestPath} has no ${verb} or ANY method (it has ${onPath.map((m) => m.httpMethod).join(', ')}); no fallback to a less specific resource is assumed [U]`,
    };
  }
  return { method: exact, reason: `route ${exact.httpMethod} ${exact.path}` };
}

export function executeApiArn(model: TemplateModel, api: ApiModel, stage: string, verb: string, path: string): string {
  const p = path === '/' ? '' : path.replace(/^\//, '');
  return `arn:${model.partition}:execute-api:${model.region}:${model.account}:${api.id}/${stage}/${verb}/${p}`;
}

function deniedMessage(user: string, arn: string, explicit: boolean): string {
  return `User: ${user} is not authorized to perform: execute-api:Invoke on resource: ${arn}${explicit ? ' with an explicit deny' : ''}`;
}

function normalizeRequestPath(path: string): string {
  let p = (path || '/').split('?')[0];
  if (!p.startsWith('/')) p = '/' + p;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

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

/** Condition context of a request, per docs/SEMANTICS.md "Condition keys" and "IP keys". */
export function requestContext(
  req: PipelineRequest,
  viaVpce: boolean,
  sigv4: PipelineCaller | undefined,
): Record<string, string[]> {
  const ctx: Record<string, string[]> = {
    'aws:CurrentTime': [new Date(req.at).toISOString().replace(/\.\d{3}Z$/, 'Z')],
    'aws:EpochTime': [String(Math.floor(req.at / 1000))],
    'aws:SecureTransport': ['true'],
  };
  if (viaVpce) {
    ctx['aws:SourceVpce'] = [req.vpcEndpointId!];
    if (req.vpcId) ctx['aws:SourceVpc'] = [req.vpcId];
    if (req.sourceIp) ctx['aws:VpcSourceIp'] = [req.sourceIp];
  } else if (req.sourceIp) {
    ctx['aws:SourceIp'] = [req.sourceIp];
  }
  if (req.userAgent) ctx['aws:UserAgent'] = [req.userAgent];
  if (req.referer) ctx['aws:Referer'] = [req.referer];
  if (sigv4) {
    ctx['aws:PrincipalAccount'] = [sigv4.account];
    ctx['aws:PrincipalArn'] = [sigv4.arn ?? `arn:aws:iam::${sigv4.account}:root`];
    if (sigv4.orgId) ctx['aws:PrincipalOrgID'] = [sigv4.orgId];
    if (sigv4.orgPaths && sigv4.orgPaths.length > 0) ctx['aws:PrincipalOrgPaths'] = [...sigv4.orgPaths];
  }
  return ctx;
}

function policyLine(e: PolicyEvaluation): string[] {
  return e.reasons.map((r) => `resource policy: ${r}`);
}

/** Runs one request through the pipeline. Mutates `state` (buckets, quotas). */
export function decide(
  model: TemplateModel,
  state: PipelineState,
  input: PipelineRequest,
  opts: PipelineOptions,
): Decision {
  const reasons: string[] = [];
  const api = selectApi(model, input.api);
  const stage = selectStage(api, input.stage);
  const verb = String(input.method || '').toUpperCase();
  if (!/^[A-Z]+$/.test(verb)) {
    throw new SimulationInputError(`'method' must be an HTTP method such as GET, got '${input.method}'`);
  }
  const path = normalizeRequestPath(input.path);
  const isPrivate = api.endpointType === 'PRIVATE';
  const viaVpce = isPrivate && !!input.vpcEndpointId;
  if (isPrivate && !input.vpcEndpointId) {
    reasons.push(
      'the request reaches a PRIVATE API from outside any VPC endpoint (no aws:SourceVpce); the resource policy decides',
    );
  }
  if (!isPrivate && input.vpcEndpointId) {
    reasons.push(
      `vpcEndpointId ignored: API ${api.logicalId} is ${api.endpointType}, not PRIVATE, so the call carries aws:SourceIp, not aws:SourceVpce`,
    );
  }

  // VPC endpoint policy, when the endpoint is in the template (evaluated first; identity = the SigV4 caller if any)
  if (viaVpce) {
    const vpce = model.vpcEndpoints.find((v) => v.id === input.vpcEndpointId);
    if (vpce?.policy) {
      const vArn = executeApiArn(model, api, stage, verb, normalizeRequestPath(input.path));
      const caller = input.caller;
      const vUser = caller ? (caller.arn ?? `arn:${model.partition}:iam::${caller.account}:root`) : 'anonymous';
      const bad = vpce.policy.fatal.length > 0;
      const ev = bad
        ? undefined
        : evaluatePolicy(
            vpce.policy,
            {
              principal: caller ? { account: caller.account, arn: caller.arn } : undefined,
              action: 'execute-api:Invoke',
              resource: vArn,
              context: requestContext(input, true, caller),
            },
            { partition: model.partition, region: model.region, account: model.account, apiId: api.id },
          );
      if (!ev || ev.verdict !== 'allow') {
        return {
          statusCode: 403,
          decidedBy: 'resource-policy',
          message: deniedMessage(vUser, vArn, ev?.verdict === 'deny'),
          reasons: [
            ...reasons,
            ...(bad
              ? vpce.policy.fatal.map((f) => `VPC endpoint policy of ${vpce.logicalId} invalid: ${f}`)
              : ev!.reasons.map((r) => `VPC endpoint policy of ${vpce.logicalId}: ${r}`)),
            'the VPC endpoint policy is evaluated before the API and must allow the call (the exact error text is unverified [U])',
          ],
        };
      }
      reasons.push(`VPC endpoint policy of ${vpce.logicalId} allows (${ev.allows.join(', ')})`);
    } else if (!vpce) {
      reasons.push(
        `VPC endpoint ${input.vpcEndpointId} is not in the template: its endpoint policy is not simulated (assumed to allow)`,
      );
    }
  }

  // route lookup (its position before the policy is [U])
  const route = findMethod(api, verb, path);
  const arn = executeApiArn(model, api, stage, verb, path);
  if (!route.method) {
    return {
      statusCode: 403,
      decidedBy: 'route',
      message: 'Missing Authentication Token',
      reasons: [
        ...reasons,
        route.reason,
        'unknown resource or method: 403 Missing Authentication Token (its place before the resource policy is unverified [U])',
      ],
    };
  }
  const method = route.method;
  reasons.push(`${route.reason} in API ${api.logicalId}, stage ${stage}, authorization ${method.authorizationType}`);
  reasons.push(...method.notes);
  if (method.httpMethod === 'ANY') {
    reasons.push(`ANY method: the policy is checked against the verb sent (${verb}) [U]`);
  }

  const sigv4 = method.authorizationType === 'AWS_IAM' ? input.caller : undefined;
  if (input.caller && method.authorizationType !== 'AWS_IAM') {
    reasons.push(
      `the method's authorization is ${method.authorizationType}, so the SigV4 caller is ignored: the policy sees an anonymous caller`,
    );
  }
  const user = sigv4 ? (sigv4.arn ?? `arn:${model.partition}:iam::${sigv4.account}:root`) : 'anonymous';

  /** A 403 from the resource-policy step without an explicit Deny, with the reasons that decided it. */
  const refuseByPolicy = (why: string[]): Decision => ({
    statusCode: 403,
    decidedBy: 'resource-policy',
    message: deniedMessage(user, arn, false),
    reasons: [...reasons, ...why],
  });

  // private API without a resource policy: cannot be deployed, every call fails
  if (isPrivate && !api.policy) {
    return refuseByPolicy([
      `PRIVATE API ${api.logicalId} has no resource policy: API Gateway refuses to deploy it and every call fails`,
    ]);
  }
  if (api.policy && api.policy.fatal.length > 0) {
    return refuseByPolicy([
      ...api.policy.fatal.map((f) => `resource policy invalid: ${f}`),
      'an invalid resource policy is rejected by API Gateway (the deployment fails), so no request is admitted (conservative reading)',
    ]);
  }

  const env = { partition: model.partition, region: model.region, account: model.account, apiId: api.id };
  const preq: PolicyRequest = {
    principal: sigv4 ? ({ account: sigv4.account, arn: sigv4.arn } as PolicyPrincipal) : undefined,
    action: 'execute-api:Invoke',
    resource: arn,
    context: requestContext(input, viaVpce, sigv4),
  };
  const evaluation = api.policy ? evaluatePolicy(api.policy, preq, env) : undefined;
  if (api.policy) {
    for (const st of api.policy.statements) {
      for (const p of st.problems) if (!reasons.includes(p)) reasons.push(`resource policy: ${p}`);
    }
  }
  const pv = evaluation?.verdict ?? 'neither';
  const explicitDeny = (by: string): Decision => ({
    statusCode: 403,
    decidedBy: by,
    message: deniedMessage(user, arn, true),
    reasons: [...reasons, ...policyLine(evaluation!)],
  });
  /** The resource policy is silent where this authorization type needs an explicit Allow. */
  const implicitDeny = (why: string): Decision => refuseByPolicy([...policyLine(evaluation!), why]);
  /** A refusal by the authorization step, with the reason that decided it. */
  const refuse = (statusCode: number, message: string, why: string): Decision => ({
    statusCode,
    decidedBy: 'authorization',
    message,
    reasons: [...reasons, why],
  });

  switch (method.authorizationType) {
    case 'NONE': {
      if (!evaluation) {
        reasons.push('no resource policy and no authorization: the method is open');
        break;
      }
      if (pv === 'deny') return explicitDeny('resource-policy');
      if (pv === 'neither') {
        return implicitDeny('authorization NONE needs an explicit Allow in the resource policy');
      }
      reasons.push(...policyLine(evaluation));
      break;
    }
    case 'AWS_IAM': {
      if (!sigv4) {
        return refuse(
          403,
          'Missing Authentication Token',
          'AWS_IAM method called without a SigV4 signature (no caller)',
        );
      }
      const idp = (sigv4.identityPolicy ?? 'allow').toLowerCase();
      const identity = idp === 'deny' ? 'deny' : idp === 'none' || idp === 'neither' ? 'neither' : 'allow';
      if (sigv4.identityPolicy === undefined) {
        reasons.push(
          "the caller's own IAM policies are not in the template: assumed to allow execute-api:Invoke (set caller.identityPolicy)",
        );
      }
      const same = sigv4.account === model.account;
      if (evaluation) reasons.push(...policyLine(evaluation));
      else reasons.push('no resource policy');
      if (identity === 'deny') {
        return refuse(403, deniedMessage(user, arn, true), "explicit Deny in the caller's IAM policy");
      }
      if (pv === 'deny') {
        return { statusCode: 403, decidedBy: 'resource-policy', message: deniedMessage(user, arn, true), reasons };
      }
      if (same) {
        // Table A
        if (identity === 'allow' || pv === 'allow') {
          reasons.push(
            `same-account caller: ${identity === 'allow' ? 'IAM allows' : 'the resource policy allows'} (outcome table A)`,
          );
          const rootOnly =
            evaluation &&
            api
              .policy!.statements.filter((st) => evaluation.allows.includes(st.label))
              .every((st) => JSON.stringify(st.principal ?? '').match(/:root"|"\d{12}"/));
          if (identity === 'neither' && evaluation && evaluation.allows.length > 0 && rootOnly) {
            reasons.push(
              'a policy Allow naming only the account root may still need an identity Allow under generic IAM rules [I]',
            );
          }
          break;
        }
        return refuse(
          403,
          deniedMessage(user, arn, false),
          'same-account caller: neither IAM nor the resource policy allows (table A)',
        );
      }
      // Table B
      if (identity === 'allow' && pv === 'allow') {
        reasons.push('cross-account caller: both IAM and the resource policy allow (outcome table B)');
        break;
      }
      return {
        statusCode: 403,
        decidedBy: pv === 'allow' ? 'authorization' : 'resource-policy',
        message: deniedMessage(user, arn, false),
        reasons: [
          ...reasons,
          `cross-account caller from ${sigv4.account}: both the caller's IAM policy and the resource policy must allow (outcome table B)`,
        ],
      };
    }
    case 'CUSTOM': {
      // phase 1: explicit deny only, before the authorizer runs
      if (pv === 'deny') {
        return {
          ...explicitDeny('resource-policy'),
          reasons: [
            ...explicitDeny('resource-policy').reasons,
            'the Lambda authorizer is not invoked: the resource policy denies first',
          ],
        };
      }
      const a = input.authorizer?.toLowerCase();
      if (a === undefined || a === '') {
        return {
          statusCode: 401,
          decidedBy: 'authorization',
          message: 'Unauthorized',
          reasons: [
            ...reasons,
            `no identity source for Lambda authorizer ${method.authorizer ?? ''}: 401 and the authorizer is not invoked`.replace(
              '  ',
              ' ',
            ),
          ],
        };
      }
      if (a !== 'allow' && a !== 'deny') {
        throw new SimulationInputError(`'authorizer' must be 'allow' or 'deny', got '${input.authorizer}'`);
      }
      if (a === 'deny') {
        return {
          statusCode: 403,
          decidedBy: 'authorization',
          message: 'User is not authorized to access this resource with an explicit deny',
          reasons: [
            ...reasons,
            'the Lambda authorizer returned Deny (newer AWS wording appends "in an identity-based policy" [U])',
          ],
        };
      }
      if (evaluation) reasons.push(...policyLine(evaluation));
      reasons.push('the Lambda authorizer allows; combined with the resource policy by outcome table A');
      break;
    }
    case 'COGNITO_USER_POOLS': {
      const a = input.authorizer?.toLowerCase();
      if (a === undefined || a === '') {
        return refuse(401, 'Unauthorized', 'no Cognito token (identity source missing): 401');
      }
      if (a !== 'allow' && a !== 'deny') {
        throw new SimulationInputError(`'authorizer' must be 'allow' or 'deny', got '${input.authorizer}'`);
      }
      if (a === 'deny') {
        return refuse(401, 'Unauthorized', 'the Cognito token is not valid for this user pool: 401');
      }
      if (!evaluation) {
        reasons.push('Cognito authenticated the caller; no resource policy');
        break;
      }
      if (pv === 'deny') return explicitDeny('resource-policy');
      if (pv === 'neither') {
        if (opts.cognitoRequiresExplicitAllow) {
          return implicitDeny(
            'Cognito: an explicit Allow in the resource policy is required — AWS docs contradict each other here [U]; the conservative reading is used (option cognitoRequiresExplicitAllow)',
          );
        }
        reasons.push(
          ...policyLine(evaluation),
          'Cognito: a silent resource policy admits the caller (table A reading, cognitoRequiresExplicitAllow=false) [U]',
        );
        break;
      }
      reasons.push(...policyLine(evaluation));
      break;
    }
  }

  if (opts.authorizationOnly) return { statusCode: 200, decidedBy: 'ok', message: 'OK', reasons };

  // API key
  let key: KeyModel | undefined;
  let plan: PlanModel | undefined;
  if (method.apiKeyRequired) {
    const forbidden = (why: string): Decision => ({
      statusCode: 403,
      decidedBy: 'api-key',
      message: 'Forbidden',
      reasons: [...reasons, why],
    });
    if (api.apiKeySource === 'AUTHORIZER') {
      reasons.push(
        'API key source AUTHORIZER: the key is the usageIdentifierKey the Lambda authorizer returns (taken from apiKey / apiKeyRef)',
      );
    }
    if (input.apiKeyRef !== undefined) {
      key = model.keys.find((k) => k.logicalId === input.apiKeyRef);
      if (!key) {
        throw new SimulationInputError(
          `unknown apiKeyRef '${input.apiKeyRef}'; the template's API keys: ${model.keys.map((k) => k.logicalId).join(', ') || 'none'}`,
        );
      }
    } else if (input.apiKey !== undefined && input.apiKey !== '') {
      key = model.keys.find((k) => k.value === input.apiKey);
      if (!key) {
        return forbidden(
          'no API key in the template has this value (keys with generated values are named by apiKeyRef)',
        );
      }
    } else {
      return forbidden(`method ${method.httpMethod} ${method.path} requires an API key and none was sent`);
    }
    if (!key.enabled) return forbidden(`API key ${key.logicalId} is disabled`);
    const plans = model.plans.filter(
      (p) =>
        key!.planIds.includes(p.logicalId) &&
        p.apiStages.some((s) => s.apiLogicalId === api.logicalId && s.stage === stage),
    );
    if (plans.length === 0) {
      return forbidden(`API key ${key.logicalId} is in no usage plan bound to ${api.logicalId} stage ${stage}`);
    }
    plan = plans[0];
    if (plans.length > 1) {
      reasons.push(
        `API key ${key.logicalId} is in several plans for this stage (AWS forbids it); ${plan.logicalId} is used`,
      );
    }
    reasons.push(`API key ${key.logicalId} accepted in usage plan ${plan.logicalId}`);
  } else if (input.apiKey !== undefined || input.apiKeyRef !== undefined) {
    reasons.push(
      'the method does not require an API key: usage-plan throttle and quota are bypassed even though a key was sent',
    );
  }

  const tooMany = (why: string): Decision => ({
    statusCode: 429,
    decidedBy: 'throttle',
    message: 'Too Many Requests',
    reasons: [...reasons, why],
  });
  const at = input.at;
  if (plan && key) {
    if (plan.throttle) {
      reasons.push(...plan.throttle.notes);
      if (!state.take(`plan:${plan.logicalId}:${key.logicalId}`, plan.throttle, at)) {
        return tooMany(
          `usage plan ${plan.logicalId} throttle (rate ${plan.throttle.rateLimit}/s, burst ${plan.throttle.burstLimit}) is exhausted for key ${key.logicalId}`,
        );
      }
    }
    const ps = plan.apiStages.find((s) => s.apiLogicalId === api.logicalId && s.stage === stage)!;
    const mkey = `${method.path === '/' ? '/' : method.path}/${method.httpMethod}`;
    const mt =
      ps.methodThrottles[mkey] ??
      (method.httpMethod === 'ANY'
        ? ps.methodThrottles[`${method.path === '/' ? '/' : method.path}/${verb}`]
        : undefined);
    if (mt) {
      if (plan.throttle) {
        reasons.push(
          'plan throttle and per-method throttle both applied (whether one replaces the other is unverified [U]; the stricter reading is used)',
        );
      }
      if (!state.take(`planmethod:${plan.logicalId}:${key.logicalId}:${stage}:${mkey}`, mt, at)) {
        return tooMany(
          `usage plan ${plan.logicalId} throttle for ${mkey} (rate ${mt.rateLimit}/s, burst ${mt.burstLimit}) is exhausted for key ${key.logicalId}`,
        );
      }
    }
    if (plan.quota) {
      const q = plan.quota;
      const qk = `quota:${plan.logicalId}:${key.logicalId}`;
      const w = quotaWindow(q.period, at);
      let c = state.quotas.get(qk);
      if (!c) {
        c = { window: w, used: 0, first: true };
        state.quotas.set(qk, c);
      } else if (c.window !== w) {
        c.window = w;
        c.used = 0;
        c.first = false;
      }
      let limit = q.limit;
      if (q.offset && c.first) {
        limit = Math.max(0, q.limit - q.offset);
        reasons.push(
          `quota offset ${q.offset}: its meaning is unverified [U]; read as requests subtracted from the limit in the first period (conservative)`,
        );
      }
      if (q.period === 'WEEK') reasons.push('WEEK quota windows are assumed to start on Sunday 00:00 UTC [U]');
      if (c.used >= limit) {
        return {
          statusCode: 429,
          decidedBy: 'quota',
          message: 'Limit Exceeded',
          reasons: [
            ...reasons,
            `usage plan ${plan.logicalId} quota ${limit} per ${q.period} is used up for key ${key.logicalId}`,
          ],
        };
      }
      c.used++;
    }
  }

  // stage method throttles
  const st = api.stages.find((s) => s.name === stage);
  if (st) {
    const setting =
      st.methodSettings.find((m) => m.path === method.path && m.httpMethod === method.httpMethod && m.throttle) ??
      st.methodSettings.find((m) => m.path === method.path && m.httpMethod === '*' && m.throttle) ??
      [...st.methodSettings].reverse().find((m) => m.path === '/*' && m.httpMethod === '*' && m.throttle);
    if (setting?.throttle) {
      reasons.push(...setting.throttle.notes);
      if (!state.take(`stage:${api.logicalId}:${stage}:${method.path}:${method.httpMethod}`, setting.throttle, at)) {
        return tooMany(
          `stage ${stage} throttle for ${method.httpMethod} ${method.path} (rate ${setting.throttle.rateLimit}/s, burst ${setting.throttle.burstLimit}) is exhausted`,
        );
      }
    }
  }
  const acct = accountThrottle(model.region);
  if (!state.take(`account:${model.region}`, acct, at)) {
    return tooMany(
      `account throttle in ${model.region} (rate ${acct.rateLimit}/s, burst ${acct.burstLimit}) is exhausted`,
    );
  }
  return { statusCode: 200, decidedBy: 'ok', message: 'OK', reasons };
}
