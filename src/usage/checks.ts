/**
 * Pure checks of usage-tier input: plain data in, problems out (no constructs), so that unit and property
 * tests can drive them directly. The construct turns errors into `propError`s and warnings into
 * `addWarningV2` annotations. Not exported from the package.
 */
import { Token } from 'aws-cdk-lib';
import type { PropProblem } from '../private/errors';

/** A problem with one prop; `warning` set means "the user may mean it": a warning with that id, not an error. */
export interface UsageProblem extends PropProblem {
  /** Warning id suffix (`cdk-api-gatekeeper:<warning>`); absent for errors. */
  readonly warning?: string;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'];

/** Tier names and key ids name constructs, so they must be literal and contain no separator we use. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_FORM = 'a literal of 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** API Gateway's documented key length [V UP, KEYCSV]. */
export const KEY_VALUE_MIN = 20;
export const KEY_VALUE_MAX = 128;

/** Usage plans per key (adjustable) [V LIM]. */
export const MAX_PLANS_PER_KEY = 10;
/** Usage plans per account and region (adjustable) [V LIM]. */
export const MAX_PLANS = 300;
/** API keys per account and region (not adjustable) [V LIM]. */
export const MAX_KEYS = 10_000;
/** Method-throttle entries per stage in a plan (adjustable) [V archived LIM]. */
export const MAX_METHOD_THROTTLES = 20;

function isNum(x: unknown): x is number {
  return typeof x === 'number';
}

function unresolved(x: unknown): boolean {
  return Token.isUnresolved(x);
}

/** A tier name or key id. */
export function checkName(prop: string, name: unknown): UsageProblem[] {
  if (typeof name !== 'string' || unresolved(name) || !NAME_PATTERN.test(name)) {
    return [{ prop, value: name, problem: 'is not a valid name', expected: NAME_FORM }];
  }
  return [];
}

/** A rate limit: a finite number ≥ 0 (CloudFormation type Double). */
export function checkRate(prop: string, v: unknown): UsageProblem[] {
  if (unresolved(v)) return [];
  if (!isNum(v) || !Number.isFinite(v) || v < 0) {
    return [{ prop, value: v, problem: 'is out of range', expected: 'a number of requests per second ≥ 0' }];
  }
  return [];
}

/** A burst limit: an integer ≥ 0 (CloudFormation type Integer). */
export function checkBurst(prop: string, v: unknown): UsageProblem[] {
  if (unresolved(v)) return [];
  if (!isNum(v) || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) {
    return [{ prop, value: v, problem: 'is out of range', expected: 'an integer number of requests ≥ 0' }];
  }
  return [];
}

export interface ThrottleData {
  readonly rateLimit?: unknown;
  readonly burstLimit?: unknown;
}

/** Not an object (null, a number, a list…) where a struct is expected. */
function notAnObject(prop: string, v: unknown, expected: string): UsageProblem[] {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? []
    : [{ prop, value: v, problem: 'is not an object', expected }];
}

export function checkThrottle(prop: string, t: ThrottleData | undefined): UsageProblem[] {
  if (t === undefined) return [];
  const shape = notAnObject(prop, t, '{ rateLimit, burstLimit }, or leave it unset');
  if (shape.length) return shape;
  return [...checkRate(`${prop}.rateLimit`, t.rateLimit), ...checkBurst(`${prop}.burstLimit`, t.burstLimit)];
}

export interface QuotaData {
  readonly limit?: unknown;
  readonly period?: unknown;
  readonly offset?: unknown;
}

export function checkQuota(prop: string, q: QuotaData | undefined): UsageProblem[] {
  if (q === undefined) return [];
  const shape = notAnObject(prop, q, '{ limit, period }, or leave it unset');
  if (shape.length) return shape;
  const out: UsageProblem[] = [];
  const { limit, period, offset } = q;
  if (!unresolved(limit) && (!isNum(limit) || !Number.isInteger(limit) || limit <= 0 || limit > 2 ** 31 - 1)) {
    out.push({
      prop: `${prop}.limit`,
      value: limit,
      problem: 'is out of range',
      expected: 'an integer number of requests > 0',
    });
  }
  if (!unresolved(period) && period !== 'DAY' && period !== 'WEEK' && period !== 'MONTH') {
    out.push({
      prop: `${prop}.period`,
      value: period,
      problem: 'is invalid',
      expected: 'Period.DAY, Period.WEEK or Period.MONTH',
    });
  }
  if (offset !== undefined && !unresolved(offset)) {
    if (!isNum(offset) || !Number.isInteger(offset) || offset < 0) {
      out.push({
        prop: `${prop}.offset`,
        value: offset,
        problem: 'is out of range',
        expected: 'an integer ≥ 0 (0 is the only verified value)',
      });
    } else if (offset !== 0) {
      out.push({
        prop: `${prop}.offset`,
        value: offset,
        problem:
          'is not verified: API Gateway documents two meanings for the quota offset (requests subtracted in the first period, or the day the period starts) and no valid range',
        expected: '0 or unset, unless you have checked the behaviour in your account',
        warning: 'usageQuotaOffset',
      });
    }
  }
  return out;
}

export interface MethodThrottleData extends ThrottleData {
  readonly method?: unknown;
  readonly path?: unknown;
}

/** `/`, or `/seg(/seg)*` where a segment is a literal, `{param}` or a final `{proxy+}`. */
export function isValidResourcePath(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/') || path.endsWith('/')) return false;
  const segs = path.slice(1).split('/');
  return segs.every((s, i) => {
    if (s === '') return false;
    if (/^\{[A-Za-z0-9._-]+\+\}$/.test(s)) return i === segs.length - 1;
    if (/^\{[A-Za-z0-9._-]+\}$/.test(s)) return true;
    return /^[A-Za-z0-9._~:@!$&'()*+,;=-]+$/.test(s);
  });
}

/** The method throttles of one tier. `hasPlanThrottle`: API Gateway needs a plan throttle to hold method throttles. */
export function checkMethodThrottles(
  prop: string,
  list: readonly MethodThrottleData[] | undefined,
  hasPlanThrottle: boolean,
): UsageProblem[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    return [
      { prop, value: list, problem: 'is not a list', expected: 'a list of { method, path, rateLimit, burstLimit }' },
    ];
  }
  if (list.length === 0) return [];
  const out: UsageProblem[] = [];
  if (!hasPlanThrottle) {
    out.push({
      prop,
      value: list,
      problem: 'needs a plan throttle',
      expected: "a 'throttle' on the same tier as well (API Gateway applies method throttles inside the plan's)",
    });
  }
  const seen = new Set<string>();
  list.forEach((m, i) => {
    const p = `${prop}[${i}]`;
    const shape = notAnObject(p, m, '{ method, path, rateLimit, burstLimit }');
    if (shape.length) {
      out.push(...shape);
      return;
    }
    const method = typeof m.method === 'string' ? m.method.toUpperCase() : m.method;
    if (typeof method !== 'string' || !HTTP_METHODS.includes(method)) {
      out.push({
        prop: `${p}.method`,
        value: m.method,
        problem: 'is not an HTTP method',
        expected: HTTP_METHODS.join(', '),
      });
    }
    if (typeof m.path !== 'string' || unresolved(m.path) || !isValidResourcePath(m.path)) {
      out.push({
        prop: `${p}.path`,
        value: m.path,
        problem: 'is not a resource path',
        expected: "a literal path such as '/', '/orders' or '/orders/{id}' (no trailing slash)",
      });
    }
    out.push(...checkRate(`${p}.rateLimit`, m.rateLimit), ...checkBurst(`${p}.burstLimit`, m.burstLimit));
    const k = `${String(m.path)} ${String(method)}`;
    if (seen.has(k)) {
      out.push({
        prop: p,
        value: { method: m.method, path: m.path },
        problem: 'is a duplicate',
        expected: 'one throttle per method and path',
      });
    }
    seen.add(k);
  });
  if (list.length > MAX_METHOD_THROTTLES) {
    out.push({
      prop,
      value: `${list.length} entries`,
      problem: `exceeds API Gateway's default quota of ${MAX_METHOD_THROTTLES} method throttles per stage in a plan`,
      expected: `at most ${MAX_METHOD_THROTTLES}, or a raised quota`,
      warning: 'usageMethodThrottleQuota',
    });
  }
  return out;
}

/** The optional fields of a tier other than throttle, quota and method throttles. */
export function checkTierFields(prop: string, tier: { readonly description?: unknown }): UsageProblem[] {
  if (tier.description !== undefined && typeof tier.description !== 'string') {
    return [
      {
        prop: `${prop}.description`,
        value: tier.description,
        problem: 'is not a string',
        expected: 'a description, or leave it unset',
      },
    ];
  }
  return [];
}

/** The optional fields of addKey's options other than the value. */
export function checkKeyOptions(
  prop: string,
  o: { enabled?: unknown; customerId?: unknown; description?: unknown },
): UsageProblem[] {
  const out: UsageProblem[] = [];
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') {
    out.push({
      prop: `${prop}.enabled`,
      value: o.enabled,
      problem: 'is not a boolean',
      expected: 'true or false, or leave it unset',
    });
  }
  for (const f of ['customerId', 'description'] as const) {
    if (o[f] !== undefined && typeof o[f] !== 'string') {
      out.push({
        prop: `${prop}.${f}`,
        value: o[f],
        problem: 'is not a string',
        expected: 'a string, or leave it unset',
      });
    }
  }
  return out;
}

/** Never show a key value: only its length. */
export function redact(value: string): string {
  return `<redacted: ${value.length} characters>`;
}

/** A literal key value: 20–128 characters [V]; alphanumeric is documented but enforcement is [U] (warning). */
export function checkKeyValue(prop: string, value: string | undefined): UsageProblem[] {
  if (value === undefined || unresolved(value)) return [];
  if (value.length < KEY_VALUE_MIN || value.length > KEY_VALUE_MAX) {
    return [
      {
        prop,
        value: redact(value),
        problem: 'has the wrong length',
        expected: `${KEY_VALUE_MIN} to ${KEY_VALUE_MAX} characters`,
      },
    ];
  }
  if (!/^[A-Za-z0-9]+$/.test(value)) {
    return [
      {
        prop,
        value: redact(value),
        problem:
          'contains characters other than letters and digits; API Gateway documents keys as alphanumeric (whether it rejects others is unverified)',
        expected: 'letters and digits only',
        warning: 'usageKeyValueCharacters',
      },
    ];
  }
  return [];
}

/**
 * The construct id of the binding of key `keyId` to tier `tier`. It depends on both and on nothing else
 * (no position, no count), so a key that moves tiers gets a new binding (a clean replacement of the
 * UsagePlanKey) and every other binding keeps its id. Key ids and tier names cannot contain `@`.
 */
export function bindingId(keyId: string, tier: string): string {
  return `Key:${keyId}@${tier}`;
}

/** The construct id of a key (created or imported): depends on the key id alone. */
export function keyConstructId(keyId: string): string {
  return `Key:${keyId}`;
}

/** The construct id of a tier's usage plan: depends on the tier name alone. */
export function planConstructId(tier: string): string {
  return tier;
}
