/* eslint-disable no-bitwise */ // Subsets of scope groups are enumerated as bit masks.
/**
 * The access-policy compiler: rules in, an IAM policy document (plain JSON) out. Pure functions.
 *
 * Semantics to implement: a request q is admitted iff some allow rule covering q matches and no deny rule
 * covering q matches. Let C(q) be the set of allow scope groups covering q. The request must be denied iff
 * every rule of C(q) fails to match. For every set S of groups that can be some C(q) we emit
 *
 *   Deny  NotResource = scopes of the groups outside S   Condition = AND over the rules of S of NOT(rule)
 *
 * A request lies outside those NotResource patterns iff C(q) ⊆ S, so the statement never denies a request
 * that one of its covering rules admits (the statement only fires when all of S, hence all of C(q), fail),
 * and the statement with S = C(q) denies exactly the requests to be denied. NOT(rule) is a disjunction when
 * a rule has several conjuncts, so the condition is turned into disjunctive normal form: one Deny statement
 * per conjunction (statements are OR-ed). Deny rules compile to positive conditions. One `Allow *` statement
 * on the allow scopes makes the policy explicit for anonymous and cross-account callers; the Deny
 * statements make it exact for all of them, including same-account IAM callers admitted by silence.
 *
 * Resource patterns are exact: a `*` stage or method followed by a fixed part would also match paths that
 * contain `/GET/...` (IAM's `*` crosses `/`), so stages and methods are enumerated there.
 */
import { Token } from 'aws-cdk-lib';
import { Atom, ConditionKey, HTTP_METHODS, OPERATORS, RuleData, ScopeData, SourceData } from './model';
import { cidrContains, formatCidr, mergeCidrs, parseCidr } from '../../private/cidr';

/** One IAM statement as JSON. */
export interface StatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal: '*';
  Action: string;
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A policy document as JSON. */
export interface PolicyJson {
  Version: '2012-10-17';
  Statement: StatementJson[];
}

/** A deny rule: `source` refused on `scope`. */
export interface DenyRuleData {
  readonly scope: ScopeData;
  readonly source: SourceData;
}

/** What the compiler needs. */
/** One policy's rules. */
export interface PolicyPart {
  readonly allow: readonly RuleData[];
  readonly deny: readonly DenyRuleData[];
}

/**
 * What the compiler needs. `parts` are AND-ed: a request is admitted iff every part admits it. The
 * compiled form of an AND is the union of the parts' statements (each part's Deny statements deny exactly
 * what it does not admit; its Allow covers what it admits).
 */
export interface CompileInput {
  readonly parts: readonly PolicyPart[];
  /** PRIVATE endpoint: IP ranges test `aws:VpcSourceIp`, else `aws:SourceIp`. */
  readonly privateEndpoint: boolean;
  /** The API's stage names, used where "every stage" must be enumerated. */
  readonly stages?: readonly string[];
  /**
   * Prefix of full execute-api ARNs for `NotResource` (shorthand expansion there is not documented), e.g.
   * `arn:aws:execute-api:us-east-1:123456789012:??????????/` (an API id is 10 characters).
   */
  readonly arnPrefix: string;
  /** Most Deny statements one policy may get from DNF expansion. @default 64 */
  readonly maxDenyUnlessStatements?: number;
}

/** Thrown for policies that cannot be compiled exactly (the caller adds the construct path). */
export class CompileError extends Error {}

const ACTION = 'execute-api:Invoke';
const SHORTHAND = 'execute-api:/';

/** Canonical text of a scope (group key, sort key). */
export function scopeKey(s: ScopeData): string {
  const dim = (v?: readonly string[]) => (v === undefined ? '*' : [...v].sort().join(','));
  return `${dim(s.stages)}|${dim(s.methods)}|${dim(s.paths)}`;
}

function isWhole(s: ScopeData): boolean {
  return s.stages === undefined && s.methods === undefined && s.paths === undefined;
}

/**
 * The exact resource patterns (relative to `{api-id}/`) of a scope. Throws when every stage must be
 * enumerated and the stages are unknown.
 */
export function scopePatterns(s: ScopeData, knownStages?: readonly string[]): string[] {
  if (isWhole(s)) return ['*'];
  const needsStageList = s.methods !== undefined || s.paths !== undefined;
  let stages: readonly string[];
  if (s.stages !== undefined) {
    stages = s.stages;
  } else if (!needsStageList) {
    stages = ['*'];
  } else if (knownStages && knownStages.length > 0) {
    stages = knownStages;
  } else {
    throw new CompileError(
      "a scope with methods or paths but no stages needs the API's stage names (give ApiScope stages, or apply the policy to an API with a deployment stage)",
    );
  }
  const out: string[] = [];
  for (const stage of uniqSorted(stages)) {
    if (s.methods === undefined && s.paths === undefined) {
      out.push(`${stage}/*`);
      continue;
    }
    const methods = s.methods ?? (s.paths !== undefined ? HTTP_METHODS : undefined);
    for (const m of uniqSorted(methods ?? [])) {
      if (s.paths === undefined) out.push(`${stage}/${m}/*`);
      else for (const p of uniqSorted(s.paths)) out.push(`${stage}/${m}/${p.slice(1)}`);
    }
  }
  return out;
}

function uniqSorted(v: readonly string[]): string[] {
  return [...new Set(v)].sort();
}

// ---------------------------------------------------------------------------------------------------------
// Conditions

/** A conjunction of (negated or positive) atoms, merged per key: key → values. */
type Conj = Map<ConditionKey, string[]>;

function conjAdd(c: Conj, a: Atom): Conj {
  const out = new Map(c);
  out.set(a.key, [...(out.get(a.key) ?? []), ...a.values]);
  return out;
}

/** NOT(source) in DNF over negated atoms. `[]` = false (never), `[empty]` = true. */
function negSource(src: SourceData): Conj[] {
  if (src.anyone) return [];
  let dnf: Conj[] = [new Map()];
  // NOT(OR alts) = AND over alts of NOT(alt); NOT(alt) = OR over its atoms of NOT(atom).
  for (const alt of src.alternatives) {
    const next: Conj[] = [];
    for (const c of dnf) for (const a of alt) next.push(conjAdd(c, a));
    dnf = next;
  }
  return dnf;
}

/** NOT(rule) where rule = AND of sources: OR over sources of NOT(source). */
function negRule(rule: RuleData): Conj[] {
  return rule.sources.flatMap(negSource);
}

/** X implies Y (Y fires whenever X does) for conjunctions of negated atoms: Y's keys ⊆ X's, values ⊆. */
function implies(x: Conj, y: Conj): boolean {
  for (const [key, yv] of y) {
    const xv = x.get(key);
    if (!xv) return false;
    if (key === 'ip') {
      const xc = xv.map((v) => parseCidr(v));
      if (
        !yv.every((v) => {
          const c = parseCidr(v);
          return c && xc.some((o) => o && cidrContains(o, c));
        })
      ) {
        return false;
      }
    } else if (!yv.every((v) => xv.includes(v))) {
      return false;
    }
  }
  return true;
}

/** Drops conjunctions implied by another (their statement would never add a denial). */
function absorb(dnf: Conj[]): Conj[] {
  const out: Conj[] = [];
  dnf.forEach((x, i) => {
    const redundant = dnf.some((y, j) => j !== i && implies(x, y) && (!implies(y, x) || j < i));
    if (!redundant) out.push(x);
  });
  return out;
}

function andDnf(a: Conj[], b: Conj[], limit: number): Conj[] {
  const out: Conj[] = [];
  for (const x of a) {
    for (const y of b) {
      let c = x;
      for (const [key, values] of y) c = conjAdd(c, { key, values });
      out.push(c);
      if (out.length > limit * 16) {
        throw new CompileError(
          `the rules need more than ${limit} Deny statements (sources combined with narrowedBy or services with sourceArn/sourceAccount multiply); merge rules that share a scope`,
        );
      }
    }
  }
  const absorbed = absorb(out);
  if (absorbed.length > limit) {
    throw new CompileError(
      `the rules need more than ${limit} Deny statements (services with sourceArn/sourceAccount multiply); merge rules that share a scope`,
    );
  }
  return absorbed;
}

function normaliseValues(key: ConditionKey, values: readonly string[]): string[] {
  if (key !== 'ip') return uniqSorted(values);
  const tokens = values.filter((v) => Token.isUnresolved(v));
  const parsed = values.filter((v) => !Token.isUnresolved(v)).map((v) => parseCidr(v));
  const cidrs = mergeCidrs(parsed.filter((c): c is NonNullable<typeof c> => c !== undefined)).map(formatCidr);
  return [...cidrs, ...uniqSorted(tokens)];
}

function renderConj(c: Conj, negated: boolean, ipKey: string): StatementJson['Condition'] | undefined {
  if (c.size === 0) return undefined;
  const cond: Record<string, Record<string, string | string[]>> = {};
  const keys = [...c.keys()].sort();
  for (const key of keys) {
    const op = negated ? OPERATORS[key].neg : OPERATORS[key].pos;
    const values = normaliseValues(key, c.get(key)!);
    (cond[op] ??= {})[key === 'ip' ? ipKey : key] = values.length === 1 ? values[0] : values;
  }
  const sorted: Record<string, Record<string, string | string[]>> = {};
  for (const op of Object.keys(cond).sort()) sorted[op] = cond[op];
  return sorted;
}

// ---------------------------------------------------------------------------------------------------------
// Scope relations (for enumerating the possible covering sets)

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    '^' +
      glob
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    's',
  );
}

/** IAM-style match of a path pattern (`*` crosses `/`). */
export function pathMatches(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path);
}

/** Conservative: false only when the two patterns certainly share no path. */
function globsMayIntersect(a: string, b: string): boolean {
  const aw = a.includes('*');
  const bw = b.includes('*');
  if (!aw && !bw) return a === b;
  if (!aw) return pathMatches(b, a);
  if (!bw) return pathMatches(a, b);
  const pa = a.slice(0, a.indexOf('*'));
  const pb = b.slice(0, b.indexOf('*'));
  const sa = a.slice(a.lastIndexOf('*') + 1);
  const sb = b.slice(b.lastIndexOf('*') + 1);
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function setsIntersection(sets: Array<readonly string[] | undefined>): string[] | undefined {
  let acc: string[] | undefined;
  for (const s of sets) {
    if (s === undefined) continue;
    acc = acc === undefined ? [...s] : acc.filter((x) => s.includes(x));
  }
  return acc;
}

/** Conservative: false only when no request lies in all scopes. */
function scopesMayIntersect(scopes: ScopeData[]): boolean {
  const st = setsIntersection(scopes.map((s) => s.stages));
  if (st !== undefined && st.length === 0) return false;
  const me = setsIntersection(scopes.map((s) => s.methods));
  if (me !== undefined && me.length === 0) return false;
  const withPaths = scopes.filter((s) => s.paths !== undefined);
  for (let i = 0; i < withPaths.length; i++) {
    for (let j = i + 1; j < withPaths.length; j++) {
      const ok = withPaths[i].paths!.some((p) => withPaths[j].paths!.some((q) => globsMayIntersect(p, q)));
      if (!ok) return false;
    }
  }
  return true;
}

/** Certain (not conservative): every request in `inner` is in `outer`. */
export function scopeContains(outer: ScopeData, inner: ScopeData): boolean {
  const dim = (o?: readonly string[], i?: readonly string[]) =>
    o === undefined || (i !== undefined && i.every((x) => o.includes(x)));
  if (!dim(outer.stages, inner.stages) || !dim(outer.methods, inner.methods)) return false;
  if (outer.paths === undefined) return true;
  if (inner.paths === undefined) return false;
  return inner.paths.every((p) => outer.paths!.some((o) => globContains(o, p)));
}

/** Certain: every path `inner` matches, `outer` matches too. */
function globContains(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (!inner.includes('*')) return pathMatches(outer, inner);
  // `prefix*` contains every pattern that starts with prefix.
  const star = outer.indexOf('*');
  return star === outer.length - 1 && inner.startsWith(outer.slice(0, star));
}

// ---------------------------------------------------------------------------------------------------------

interface Group {
  readonly key: string;
  readonly scope: ScopeData;
  readonly rules: RuleData[];
}

const MAX_SCOPED_GROUPS = 10;

/** Compiles rules to a minimal, deterministic policy document. Throws CompileError. */
interface CompiledPart {
  readonly denyStmts: Array<{ resources: string[]; cond: Conj }>;
  readonly unless: Array<{ notResources: string[]; cond: Conj }>;
  readonly allowResources: string[];
}

function compilePart(input: PolicyPart, rel: (s: ScopeData) => string[], limit: number): CompiledPart {
  // Group allow rules by scope.
  const byKey = new Map<string, Group>();
  for (const r of input.allow) {
    const key = scopeKey(r.scope);
    const g = byKey.get(key) ?? { key, scope: r.scope, rules: [] };
    g.rules.push(r);
    byKey.set(key, g);
  }
  const groups = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const whole = groups.filter((g) => isWhole(g.scope));
  const scoped = groups.filter((g) => !isWhole(g.scope));
  if (scoped.length > MAX_SCOPED_GROUPS) {
    throw new CompileError(
      `the allow rules use ${scoped.length} different scopes; at most ${MAX_SCOPED_GROUPS} are supported (give rules that share a scope the same ApiScope)`,
    );
  }

  // 1. Deny rules: positive conditions, one statement per alternative.
  const denyStmts: Array<{ resources: string[]; cond: Conj }> = [];
  for (const d of input.deny) {
    const resources = rel(d.scope);
    if (d.source.anyone) {
      denyStmts.push({ resources, cond: new Map() });
      continue;
    }
    // Single-atom alternatives on one key merge into one atom (a disjunction over the key).
    const singles = new Map<ConditionKey, string[]>();
    for (const alt of d.source.alternatives) {
      if (alt.length === 1) singles.set(alt[0].key, [...(singles.get(alt[0].key) ?? []), ...alt[0].values]);
      else denyStmts.push({ resources, cond: alt.reduce((c, a) => conjAdd(c, a), new Map() as Conj) });
    }
    for (const [key, values] of singles) denyStmts.push({ resources, cond: new Map([[key, values]]) });
  }

  // 2. Deny-unless statements, one per possible covering set S (whole-API groups are in every S).
  const unless: Array<{ notResources: string[]; cond: Conj }> = [];
  const n = scoped.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    const inS = scoped.filter((_, i) => (mask >> i) & 1);
    const outS = scoped.filter((_, i) => !((mask >> i) & 1));
    const members = [...whole, ...inS];
    if (inS.length > 0 && !scopesMayIntersect(inS.map((g) => g.scope))) continue;
    // Not realisable when an outside group surely contains a member's scope (or everything, for S = ∅ with whole groups).
    if (outS.some((o) => inS.some((g) => scopeContains(o.scope, g.scope)))) continue;
    if (members.length === 0 && whole.length > 0) continue;
    let dnf: Conj[] = [new Map()];
    for (const g of members) for (const r of g.rules) dnf = andDnf(dnf, negRule(r), limit);
    const notResources = outS.flatMap((g) => rel(g.scope));
    for (const c of dnf) {
      unless.push({ notResources, cond: c });
      if (unless.length > limit) {
        throw new CompileError(
          `the rules need more than ${limit} Deny statements; merge rules that share a scope or simplify narrowedBy combinations`,
        );
      }
    }
  }

  // 3. Allow on the allow scopes (explicit for anonymous and cross-account callers).
  const allowResources = groups.flatMap((g) => rel(g.scope));

  return { denyStmts, unless, allowResources };
}

export function compilePolicy(input: CompileInput): PolicyJson {
  const ipKey = input.privateEndpoint ? 'aws:VpcSourceIp' : 'aws:SourceIp';
  const limit = input.maxDenyUnlessStatements ?? 64;
  const rel = (s: ScopeData) => scopePatterns(s, input.stages);
  const compiled = input.parts.map((part) => compilePart(part, rel, limit));
  // Render, merging statements with the same effect, principal and condition.
  const statements: StatementJson[] = [];
  const merged = new Map<string, { stmt: StatementJson; res: Set<string>; field: 'Resource' | 'NotResource' }>();
  const emit = (
    effect: 'Allow' | 'Deny',
    field: 'Resource' | 'NotResource',
    res: string[],
    cond?: StatementJson['Condition'],
  ) => {
    const mkey = `${effect}|${field}|${field === 'NotResource' ? [...res].sort().join(',') : ''}|${JSON.stringify(cond ?? {})}`;
    const found = merged.get(mkey);
    if (found) {
      res.forEach((r) => found.res.add(r));
      return;
    }
    const stmt: StatementJson = { Effect: effect, Principal: '*', Action: ACTION };
    if (cond) stmt.Condition = cond;
    const entry = { stmt, res: new Set(res), field };
    merged.set(mkey, entry);
    statements.push(stmt);
  };
  for (const c of compiled) {
    for (const d of c.denyStmts) emit('Deny', 'Resource', d.resources, renderConj(d.cond, false, ipKey));
  }
  for (const c of compiled) {
    for (const u of c.unless) {
      const cond = renderConj(u.cond, true, ipKey);
      if (u.notResources.length === 0) emit('Deny', 'Resource', ['*'], cond);
      else emit('Deny', 'NotResource', u.notResources, cond);
    }
  }
  // One part's Allow suffices (every admitted request is in it); the others' are merged in harmlessly.
  for (const c of compiled) if (c.allowResources.length > 0) emit('Allow', 'Resource', c.allowResources);

  for (const { stmt, res, field } of merged.values()) {
    const prefix = field === 'Resource' ? SHORTHAND : input.arnPrefix;
    let list = uniqSorted([...res]);
    if (list.includes('*')) list = ['*'];
    const rendered = list.map((r) => prefix + r);
    const value = rendered.length === 1 ? rendered[0] : rendered;
    // Keep a stable key order: Effect, Principal, Action, Resource/NotResource, Condition.
    const cond = stmt.Condition;
    delete stmt.Condition;
    if (field === 'Resource') stmt.Resource = value;
    else stmt.NotResource = value;
    if (cond) stmt.Condition = cond;
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The longest expansion of `execute-api:/` (partition, region, account, 10-character API id). */
const LONGEST_ARN_PREFIX = 'arn:aws-iso-b:execute-api:ap-southeast-5:123456789012:abcdefghij/';

/**
 * The size API Gateway would count: the minified JSON after shorthand expansion, with every unresolved
 * token counted as a long literal (conservative).
 */
export function policySize(doc: unknown, arnPrefix?: string): number {
  let text = JSON.stringify(doc).split(`"${SHORTHAND}`).join(`"${LONGEST_ARN_PREFIX}`);
  if (arnPrefix) text = text.split(arnPrefix).join(LONGEST_ARN_PREFIX);
  // Tokens stand for ids or ARNs; count each as 128 characters.
  return text.replace(/\$\{Token\[[^\]]*\]\}/g, 'x'.repeat(128)).length;
}

/** The quota on the resource policy length (SEMANTICS §4). */
export const POLICY_SIZE_LIMIT = 8192;
