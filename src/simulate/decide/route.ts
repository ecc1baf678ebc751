/**
 * Step 3: the route. The most specific resource matching the path, then the verb or ANY on it; an unknown
 * path or method is 403 Missing Authentication Token. A method ARN over 1,600 bytes is 414
 * (docs/SEMANTICS.md "Request pipeline", "Quotas").
 */
import type { ApiModel, MethodModel } from '../model';
import { DecidedBy } from '../request';
import { DecisionContext, StepResult, refuse } from './context';

/** API Gateway's limit on a method ARN with authorization, in bytes. */
export const MAX_METHOD_ARN_BYTES = 1600;

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

export function route(ctx: DecisionContext): StepResult {
  const found = findMethod(ctx.api, ctx.verb, ctx.path);
  if (!found.method) {
    return refuse(
      403,
      DecidedBy.ROUTE,
      'Missing Authentication Token',
      found.reason,
      'unknown resource or method: 403 Missing Authentication Token (its place before the resource policy is unverified [U])',
    );
  }
  const method = found.method;
  const reasons = [
    `${found.reason} in API ${ctx.api.logicalId}, stage ${ctx.stage}, authorization ${method.authorizationType}`,
    ...method.notes,
  ];
  if (method.httpMethod === 'ANY') {
    reasons.push(`ANY method: the policy is checked against the verb sent (${ctx.verb}) [U]`);
  }
  if (ctx.request.caller && method.authorizationType !== 'AWS_IAM') {
    reasons.push(
      `the method's authorization is ${method.authorizationType}, so the SigV4 caller is ignored: the policy sees an anonymous caller`,
    );
  }
  const tooLong = arnTooLong(ctx, method);
  if (tooLong) return refuse(414, DecidedBy.ROUTE, 'Request URI too long', ...reasons, tooLong);
  return { reasons, facts: { method, ...callerFacts(ctx, method) } };
}

/**
 * The 1,600-byte limit holds for methods with authorization; a resource policy needs the ARN too, so on
 * an API with a policy it holds for every method [I]. Elsewhere it is not applied.
 */
function arnTooLong(ctx: DecisionContext, method: MethodModel): string | undefined {
  const bytes = Buffer.byteLength(ctx.arn, 'utf8');
  if (bytes <= MAX_METHOD_ARN_BYTES) return undefined;
  if (method.authorizationType === 'NONE' && !ctx.api.policy) return undefined;
  return `the method ARN is ${bytes} bytes, over API Gateway's limit of ${MAX_METHOD_ARN_BYTES} bytes for a method with authorization or a resource policy: 414 Request URI too long`;
}

/** Who the policy sees: the SigV4 caller on AWS_IAM methods, anonymous elsewhere. */
function callerFacts(ctx: DecisionContext, method: MethodModel) {
  const sigv4 = method.authorizationType === 'AWS_IAM' ? ctx.request.caller : undefined;
  const user = sigv4 ? (sigv4.arn ?? `arn:${ctx.model.partition}:iam::${sigv4.account}:root`) : 'anonymous';
  return { sigv4, user };
}
