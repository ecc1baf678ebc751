/**
 * IAM evaluation of an API Gateway resource policy: pure functions over plain data
 * (docs/SEMANTICS.md "Policy evaluation"). Explicit deny first, then allow, else neither ("implicit deny").
 */
import { Unresolved, isUnresolved, firstUnresolved } from './intrinsics';
import { Cidr, parseCidr, ipInCidr } from '../private/cidr';

/** The verdict of a resource policy on one request. */
export type PolicyVerdict = 'allow' | 'deny' | 'neither';

/** A SigV4 caller; absent = anonymous. */
export interface PolicyPrincipal {
  readonly account: string;
  readonly arn?: string;
}

export interface PolicyRequest {
  /** undefined = anonymous caller */
  readonly principal?: PolicyPrincipal;
  readonly action: string;
  /** full execute-api ARN */
  readonly resource: string;
  /** condition context; keys in any case, values always lists (single-valued keys have one value) */
  readonly context: Record<string, readonly string[]>;
}

/** Values for expanding `execute-api:/…` shorthand. */
export interface PolicyEnv {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly apiId: string;
}

/**
 * How a statement the evaluator cannot decide (an unresolved value, an unknown operator, no Resource) is
 * read. `refuse` (the default) answers "is this request certainly admitted?": an uncertain Deny applies and
 * an uncertain Allow does not. `admit` answers "could this request be admitted?" (e.g. "is this private API
 * open to any endpoint?"): an uncertain Deny does not apply and an uncertain Allow does.
 */
export type UncertainReading = 'refuse' | 'admit';

/** Options of {@link evaluatePolicy}. */
export interface EvaluateOptions {
  /** @default 'refuse' */
  readonly uncertain?: UncertainReading;
}

export interface PolicyEvaluation {
  readonly verdict: PolicyVerdict;
  readonly reasons: string[];
  /** labels of the matching Deny statements */
  readonly denies: string[];
  /** labels of the matching Allow statements */
  readonly allows: string[];
}

/** One statement after normalisation. */
export interface NormalizedStatement {
  readonly label: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: any;
  readonly notPrincipal?: any;
  readonly action?: string[];
  readonly notAction?: string[];
  readonly resource?: any[];
  readonly notResource?: any[];
  readonly condition?: Record<string, Record<string, any>>;
  /** problems that make this statement uncertain (treated conservatively per effect) */
  readonly problems: string[];
}

export interface NormalizedPolicy {
  readonly statements: NormalizedStatement[];
  /** problems that make the whole policy invalid (API Gateway would reject it) */
  readonly fatal: string[];
  /** non-fatal remarks */
  readonly notes: string[];
}

function asList(v: any): any[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * Normalises a (resolved) policy document: `Statement` as object or list, string or list values.
 * A statement without `Effect` or without `Principal`/`NotPrincipal` (e.g. SAM's pass-through of
 * CustomStatements) makes the policy invalid: API Gateway refuses such a document.
 */
export function normalizePolicy(doc: any): NormalizedPolicy {
  const fatal: string[] = [];
  const notes: string[] = [];
  if (isUnresolved(doc)) return { statements: [], fatal: [`the policy cannot be resolved: ${doc.why}`], notes };
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return { statements: [], fatal: ['the policy is a string that is not JSON'], notes };
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { statements: [], fatal: ['the policy is not a JSON object'], notes };
  }
  if (isUnresolved(doc.Statement)) {
    return { statements: [], fatal: [`the policy's Statement cannot be resolved: ${doc.Statement.why}`], notes };
  }
  const raw = asList(doc.Statement);
  const statements: NormalizedStatement[] = [];
  raw.forEach((st: any, i: number) => {
    const label = st && typeof st.Sid === 'string' && st.Sid ? `"${st.Sid}"` : `#${i + 1}`;
    if (!st || typeof st !== 'object' || Array.isArray(st)) {
      if (isUnresolved(st)) fatal.push(`statement ${label} cannot be resolved: ${st.why}`);
      else fatal.push(`statement ${label} is not an object`);
      return;
    }
    const problems: string[] = [];
    const effect = st.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') {
      fatal.push(
        effect === undefined
          ? `statement ${label} has no Effect (API Gateway rejects such a policy)`
          : `statement ${label} has Effect ${JSON.stringify(effect)}`,
      );
      return;
    }
    if (st.Principal === undefined && st.NotPrincipal === undefined) {
      fatal.push(`statement ${label} has no Principal (a resource policy needs one; API Gateway rejects it)`);
      return;
    }
    if (st.Action === undefined && st.NotAction === undefined) {
      fatal.push(`statement ${label} has no Action`);
      return;
    }
    if (st.Resource === undefined && st.NotResource === undefined) {
      problems.push(`statement ${label} has no Resource`);
    }
    const u = firstUnresolved(st);
    if (u) problems.push(`statement ${label} has an unresolved value (${u.why})`);
    statements.push({
      label,
      effect,
      principal: st.Principal,
      notPrincipal: st.NotPrincipal,
      action: st.Action === undefined ? undefined : asList(st.Action).map(String),
      notAction: st.NotAction === undefined ? undefined : asList(st.NotAction).map(String),
      resource: st.Resource === undefined ? undefined : asList(st.Resource),
      notResource: st.NotResource === undefined ? undefined : asList(st.NotResource),
      condition: st.Condition && typeof st.Condition === 'object' ? st.Condition : undefined,
      problems,
    });
  });
  if (raw.length === 0) notes.push('the policy has no statements');
  return { statements, fatal, notes };
}

const regexCache = new Map<string, RegExp>();

/** IAM wildcard match: `*` any run (including `/` and `:`), `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  const key = (ignoreCase ? 'i:' : 's:') + pattern;
  let re = regexCache.get(key);
  if (!re) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (regexCache.size > 10000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re.test(value);
}

function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let rest = arn;
  for (let i = 0; i < 5; i++) {
    const c = rest.indexOf(':');
    if (c < 0) return undefined;
    parts.push(rest.slice(0, c));
    rest = rest.slice(c + 1);
  }
  parts.push(rest);
  return parts[0] === 'arn' ? parts : undefined;
}

/** ARN match: each of the six colon-separated parts compared separately, with wildcards. */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return false;
  for (let i = 0; i < 6; i++) if (!wildcardMatch(p[i], a[i])) return false;
  return true;
}

/** Expands the `execute-api:/…` shorthand to the API's own ARN (done by API Gateway when the policy is saved). */
export function expandResource(r: string, env: PolicyEnv): string {
  if (r.startsWith('execute-api:/')) {
    return `arn:${env.partition}:execute-api:${env.region}:${env.account}:${env.apiId}/${r.slice('execute-api:/'.length)}`;
  }
  return r;
}

/** The account of an AWS principal entry: a bare account id or an account root ARN. */
function principalEntryMatches(entry: string, p: PolicyPrincipal | undefined): boolean {
  if (entry === '*') return true;
  if (!p) return false;
  if (/^\d+$/.test(entry)) return entry === p.account;
  const m = /^arn:[^:]+:iam::(\d+):root$/.exec(entry);
  if (m) return m[1] === p.account;
  if (!p.arn) return false;
  if (entry === p.arn) return true;
  // a role principal also matches the sessions of that role
  const role = /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(entry);
  const session = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(p.arn);
  return !!role && !!session && role[1] === session[1] && role[2] === session[2] && role[3] === session[3];
}

/** Does a `Principal` element cover the caller? `"*"` and `{"AWS":"*"}` cover anonymous callers too. */
export function principalMatches(principal: any, p: PolicyPrincipal | undefined): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  for (const [kind, value] of Object.entries(principal)) {
    const entries = asList(value).map(String);
    if (kind === 'AWS') {
      if (entries.some((e) => principalEntryMatches(e, p))) return true;
    } else if (entries.includes('*') && kind !== 'Service') {
      // {"Federated": "*"} etc. are not wildcards for client calls
      continue;
    }
    // Service, Federated, CanonicalUser principals never match a client call
  }
  return false;
}

function actionMatches(patterns: string[], action: string): boolean {
  return patterns.some((pat) => wildcardMatch(pat, action, true));
}

function resourceMatches(patterns: any[], arn: string, env: PolicyEnv | undefined): boolean | 'unknown' {
  let unknown = false;
  for (const pat of patterns) {
    if (isUnresolved(pat) || typeof pat !== 'string') {
      unknown = true;
      continue;
    }
    const full = env ? expandResource(pat, env) : pat;
    if (full === '*' || arnMatch(full, arn)) return true;
  }
  return unknown ? 'unknown' : false;
}

const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

const POSITIVE = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'NumericEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'ArnEquals',
  'ArnLike',
]);

function parseNumber(s: string): number {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s) ? Number(s) : NaN;
}

function parseDate(s: string): number {
  if (/^\s*[-+]?\d+(\.\d+)?\s*$/.test(s)) return Number(s) * 1000;
  return Date.parse(s);
}

const cidrCache = new Map<string, Cidr | undefined>();
function cidrOf(s: string): Cidr | undefined {
  if (!cidrCache.has(s)) {
    if (cidrCache.size > 10000) cidrCache.clear();
    cidrCache.set(s, parseCidr(s));
  }
  return cidrCache.get(s);
}

/** One positive comparison of a request value against a policy value. */
function compare(op: string, rv: string, pv: string): boolean {
  switch (op) {
    case 'StringEquals':
      return rv === pv;
    case 'StringEqualsIgnoreCase':
      return rv.toLowerCase() === pv.toLowerCase();
    case 'StringLike':
      return wildcardMatch(pv, rv);
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals':
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const parse = op.startsWith('Numeric') ? parseNumber : parseDate;
      const a = parse(rv);
      const b = parse(pv);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      const rel = op.replace(/^(Numeric|Date)/, '');
      if (rel === 'Equals') return a === b;
      if (rel === 'LessThan') return a < b;
      if (rel === 'LessThanEquals') return a <= b;
      if (rel === 'GreaterThan') return a > b;
      return a >= b;
    }
    case 'Bool':
      return rv.toLowerCase() === pv.toLowerCase();
    case 'BinaryEquals':
      return rv === pv;
    case 'IpAddress': {
      const c = cidrOf(pv);
      return !!c && ipInCidr(rv, c);
    }
    case 'ArnEquals':
    case 'ArnLike':
      return arnMatch(pv, rv);
    default:
      return false;
  }
}

function lookup(context: Record<string, readonly string[]>, key: string): readonly string[] | undefined {
  if (key in context) return context[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(context)) if (k.toLowerCase() === lower) return context[k];
  return undefined;
}

/** Result of one condition clause: true, false, or unknown (an operator or value we cannot evaluate). */
export type Tri = boolean | 'unknown';

/**
 * Evaluates one operator on one key (IAM rules: a missing key makes positive operators false and negated
 * ones true; `…IfExists` is true when the key is missing; `ForAnyValue` is false and `ForAllValues` true on
 * a missing key).
 */
export function evalClause(
  operator: string,
  key: string,
  policyValues: any,
  context: Record<string, readonly string[]>,
): Tri {
  let op = operator;
  let set: 'any' | 'all' | undefined;
  if (op.startsWith('ForAnyValue:')) {
    set = 'any';
    op = op.slice('ForAnyValue:'.length);
  } else if (op.startsWith('ForAllValues:')) {
    set = 'all';
    op = op.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  if (op.endsWith('IfExists') && op !== 'IfExists') {
    ifExists = true;
    op = op.slice(0, -'IfExists'.length);
  }
  const raw = asList(policyValues);
  if (raw.some((v) => isUnresolved(v) || (v !== null && typeof v === 'object'))) return 'unknown';
  const pvs = raw.map((v) => String(v));
  const rvs = lookup(context, key);
  const present = rvs !== undefined && rvs.length > 0;
  if (op === 'Null') {
    if (set || ifExists) return 'unknown';
    const want = pvs.map((v) => v.toLowerCase());
    // Null: "true" = the key is absent
    return want.some((w) => (w === 'true' ? !present : w === 'false' ? present : false));
  }
  const negatedOf = NEGATED[op];
  const base = negatedOf ?? op;
  if (!POSITIVE.has(base)) return 'unknown';
  // A value that is not a CIDR in an IP condition (e.g. a reference whose value is not known here).
  if (base === 'IpAddress' && pvs.some((v) => cidrOf(v) === undefined)) return 'unknown';
  const anyPv = (rv: string) => pvs.some((pv) => compare(base, rv, pv));
  const holds = (rv: string) => (negatedOf ? !anyPv(rv) : anyPv(rv));
  if (!present) {
    if (ifExists) return true;
    if (set === 'any') return false;
    if (set === 'all') return true;
    return !!negatedOf;
  }
  if (set === 'any') return rvs.some(holds);
  if (set === 'all') return rvs.every(holds);
  // single-valued use: positive = some request value matches some policy value; negated = none does
  const positive = rvs.some(anyPv);
  return negatedOf ? !positive : positive;
}

function describeClause(op: string, key: string, context: Record<string, readonly string[]>): string {
  const rvs = lookup(context, key);
  const val = rvs === undefined || rvs.length === 0 ? `${key} is absent` : `${key} is ${rvs.join(', ')}`;
  return `${op} on ${key} (${val})`;
}

interface StatementMatch {
  readonly result: Tri;
  /** why it does (or does not) apply */
  readonly why: string;
}

function matchStatement(st: NormalizedStatement, req: PolicyRequest, env: PolicyEnv | undefined): StatementMatch {
  // principal
  if (st.principal !== undefined) {
    if (!principalMatches(st.principal, req.principal)) {
      return { result: false, why: 'principal does not cover the caller' };
    }
  } else if (st.notPrincipal !== undefined) {
    if (principalMatches(st.notPrincipal, req.principal)) return { result: false, why: 'caller is in NotPrincipal' };
  }
  if (st.action && !actionMatches(st.action, req.action)) return { result: false, why: `action is not ${req.action}` };
  if (st.notAction && actionMatches(st.notAction, req.action)) return { result: false, why: 'action is in NotAction' };
  let unknown: string | undefined;
  if (st.resource) {
    const r = resourceMatches(st.resource, req.resource, env);
    if (r === false) return { result: false, why: 'resource does not cover the request' };
    if (r === 'unknown') unknown = 'a Resource value is unresolved';
  } else if (st.notResource) {
    const r = resourceMatches(st.notResource, req.resource, env);
    if (r === true) return { result: false, why: 'resource is in NotResource' };
    if (r === 'unknown') unknown = 'a NotResource value is unresolved';
  } else {
    unknown = 'it has no Resource';
  }
  const holding: string[] = [];
  if (st.condition) {
    for (const [op, block] of Object.entries(st.condition)) {
      if (!block || typeof block !== 'object' || Array.isArray(block) || isUnresolved(block)) {
        unknown = unknown ?? `condition ${op} is malformed`;
        continue;
      }
      for (const [key, values] of Object.entries(block)) {
        const r = evalClause(op, key, values, req.context);
        if (r === false) {
          return { result: false, why: `condition ${describeClause(op, key, req.context)} does not hold` };
        }
        if (r === 'unknown') unknown = unknown ?? `condition ${op} on ${key} cannot be evaluated`;
        else holding.push(describeClause(op, key, req.context));
      }
    }
  }
  if (unknown) return { result: 'unknown', why: unknown };
  return { result: true, why: holding.length ? holding.join(' and ') : 'it covers the request' };
}

/**
 * Evaluates a normalised policy. An uncertain statement (unresolved value, unknown operator, no Resource)
 * is read as `options.uncertain` says: by default conservatively (an uncertain Deny applies, an uncertain
 * Allow does not).
 */
export function evaluatePolicy(
  policy: NormalizedPolicy,
  req: PolicyRequest,
  env?: PolicyEnv,
  options: EvaluateOptions = {},
): PolicyEvaluation {
  const admit = options.uncertain === 'admit';
  const reasons: string[] = [];
  const denies: string[] = [];
  const allows: string[] = [];
  const misses: string[] = [];
  for (const st of policy.statements) {
    const m = matchStatement(st, req, env);
    if (m.result === 'unknown') {
      const applies = st.effect === 'Deny' ? !admit : admit;
      const how = admit ? 'worst case' : 'conservative';
      if (st.effect === 'Deny' && applies) {
        denies.push(st.label);
        reasons.push(`explicit Deny in statement ${st.label} assumed to apply because ${m.why} (${how})`);
      } else if (st.effect === 'Allow' && applies) {
        allows.push(st.label);
        reasons.push(`Allow statement ${st.label} assumed to apply because ${m.why} (${how})`);
      } else {
        misses.push(`${st.effect} statement ${st.label} assumed not to apply because ${m.why} (${how})`);
      }
    } else if (m.result) {
      if (st.effect === 'Deny') {
        denies.push(st.label);
        reasons.push(`explicit Deny in statement ${st.label}: ${m.why}`);
      } else {
        allows.push(st.label);
      }
    } else if (st.effect === 'Allow') {
      misses.push(`Allow statement ${st.label} does not apply: ${m.why}`);
    }
  }
  if (denies.length > 0) return { verdict: 'deny', reasons, denies, allows };
  if (allows.length > 0) {
    reasons.push(`Allow in statement ${allows.join(', ')}`);
    return { verdict: 'allow', reasons, denies, allows };
  }
  reasons.push(`no statement allows ${req.action} on ${req.resource}`, ...misses.slice(0, 5));
  return { verdict: 'neither', reasons, denies, allows };
}

export { Unresolved };
