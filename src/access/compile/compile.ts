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
 * Several parts are AND-ed: the union of their statements (each part denies exactly what it does not admit).
 */
import { andDnf, bindIpKey, CompileError, Conj, conjAdd, conjOf, negRule, renderConj } from './conditions';
import { ConditionKey, EndpointKind, RuleData, ScopeData, SourceData, StageSet } from './model';
import {
  allowScopeOnStages,
  denyScopeOnStages,
  isWhole,
  scopeContains,
  scopeKey,
  scopePatterns,
  scopesMayIntersect,
  uniqSorted,
} from './scopes';

export { CompileError } from './conditions';

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

/** One policy's rules. */
export interface PolicyPart {
  readonly allow: readonly RuleData[];
  readonly deny: readonly DenyRuleData[];
}

/** What the compiler needs. `parts` are AND-ed: a request is admitted iff every part admits it. */
export interface CompileInput {
  readonly parts: readonly PolicyPart[];
  /** The endpoint type the API ends up with (which IP condition key(s) to use). */
  readonly endpoint: EndpointKind;
  /** The API's stages, used where "every stage" must be enumerated. */
  readonly stages: StageSet;
  /**
   * Prefix of full execute-api ARNs for `NotResource` (shorthand expansion there is not documented), e.g.
   * `arn:aws:execute-api:us-east-1:123456789012:??????????/` (an API id is 10 characters).
   */
  readonly arnPrefix: string;
  /** Most Deny statements one policy may get from DNF expansion. @default 64 */
  readonly maxDenyUnlessStatements?: number;
}

const ACTION = 'execute-api:Invoke';
const SHORTHAND = 'execute-api:/';
const MAX_SCOPED_GROUPS = 10;

interface Group {
  readonly key: string;
  readonly scope: ScopeData;
  readonly rules: RuleData[];
}

interface CompiledPart {
  readonly denyStmts: Array<{ resources: string[]; cond: Conj }>;
  readonly unless: Array<{ notResources: string[]; cond: Conj }>;
  readonly allowResources: string[];
}

/** A part with its scopes on the API's stages and its IP atoms bound to the endpoint's key(s). */
function preparePart(part: PolicyPart, input: CompileInput): PolicyPart {
  const allow: RuleData[] = [];
  for (const r of part.allow) {
    const scope = allowScopeOnStages(r.scope, input.stages);
    if (scope) allow.push({ scope, sources: r.sources.map((s) => bindIpKey(s, input.endpoint)) });
  }
  const deny = part.deny.map((d) => {
    if (d.source.denyProblem) throw new CompileError(d.source.denyProblem);
    return { scope: denyScopeOnStages(d.scope, input.stages), source: bindIpKey(d.source, input.endpoint) };
  });
  return { allow, deny };
}

function groupsOf(allow: readonly RuleData[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const r of allow) {
    const key = scopeKey(r.scope);
    const g = byKey.get(key) ?? { key, scope: r.scope, rules: [] };
    g.rules.push(r);
    byKey.set(key, g);
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Deny rules: positive conditions, one statement per alternative (single-atom ones merged per key). */
function denyStatements(deny: readonly DenyRuleData[]): CompiledPart['denyStmts'] {
  const out: CompiledPart['denyStmts'] = [];
  for (const d of deny) {
    const resources = scopePatterns(d.scope);
    if (d.source.anyone) {
      out.push({ resources, cond: new Map() });
      continue;
    }
    const singles = new Map<ConditionKey, string[]>();
    for (const alt of d.source.alternatives) {
      if (alt.length === 1) singles.set(alt[0].key, [...(singles.get(alt[0].key) ?? []), ...alt[0].values]);
      else out.push({ resources, cond: conjOf(alt) });
    }
    for (const [key, values] of singles) out.push({ resources, cond: conjAdd(new Map(), { key, values }) });
  }
  return out;
}

/** Deny-unless statements, one per possible covering set S (whole-API groups are in every S). */
function denyUnlessStatements(groups: Group[], limit: number): CompiledPart['unless'] {
  const whole = groups.filter((g) => isWhole(g.scope));
  const scoped = groups.filter((g) => !isWhole(g.scope));
  if (scoped.length > MAX_SCOPED_GROUPS) {
    throw new CompileError(
      `the allow rules use ${scoped.length} different scopes; at most ${MAX_SCOPED_GROUPS} are supported (give rules that share a scope the same ApiScope)`,
    );
  }
  const unless: CompiledPart['unless'] = [];
  for (let mask = 0; mask < 1 << scoped.length; mask++) {
    const inS = scoped.filter((_, i) => (mask >> i) & 1);
    const outS = scoped.filter((_, i) => !((mask >> i) & 1));
    const members = [...whole, ...inS];
    if (inS.length > 0 && !scopesMayIntersect(inS.map((g) => g.scope))) continue;
    // Not realisable when an outside group surely contains a member's scope.
    if (outS.some((o) => inS.some((g) => scopeContains(o.scope, g.scope)))) continue;
    let dnf: Conj[] = [new Map()];
    for (const g of members) for (const r of g.rules) dnf = andDnf(dnf, negRule(r), limit);
    const notResources = outS.flatMap((g) => scopePatterns(g.scope));
    for (const cond of dnf) {
      unless.push({ notResources, cond });
      if (unless.length > limit) {
        throw new CompileError(
          `the rules need more than ${limit} Deny statements; merge rules that share a scope or simplify narrowedBy combinations`,
        );
      }
    }
  }
  return unless;
}

function compilePart(part: PolicyPart, limit: number): CompiledPart {
  const groups = groupsOf(part.allow);
  return {
    denyStmts: denyStatements(part.deny),
    unless: denyUnlessStatements(groups, limit),
    allowResources: groups.flatMap((g) => scopePatterns(g.scope)),
  };
}

interface Pending {
  readonly stmt: StatementJson;
  readonly res: Set<string>;
  readonly field: 'Resource' | 'NotResource';
}

/** Collects statements, merging those with the same effect, principal, condition (and NotResource). */
class StatementSet {
  private readonly merged = new Map<string, Pending>();

  public add(effect: 'Allow' | 'Deny', field: 'Resource' | 'NotResource', res: string[], cond?: Conj, negated = false) {
    const condition = cond ? renderConj(cond, negated) : undefined;
    const notRes = field === 'NotResource' ? uniqSorted(res).join(',') : '';
    const key = `${effect}|${field}|${notRes}|${JSON.stringify(condition ?? {})}`;
    const found = this.merged.get(key);
    if (found) {
      res.forEach((r) => found.res.add(r));
      return;
    }
    const stmt: StatementJson = { Effect: effect, Principal: '*', Action: ACTION };
    if (condition) stmt.Condition = condition;
    this.merged.set(key, { stmt, res: new Set(res), field });
  }

  /** The statements in insertion order, resources rendered (shorthand for Resource, full ARNs for NotResource). */
  public render(arnPrefix: string): StatementJson[] {
    return [...this.merged.values()].map(({ stmt, res, field }) => {
      const prefix = field === 'Resource' ? SHORTHAND : arnPrefix;
      let list = uniqSorted([...res]);
      if (list.includes('*')) list = ['*'];
      const rendered = list.map((r) => prefix + r);
      const value = rendered.length === 1 ? rendered[0] : rendered;
      // A stable key order: Effect, Principal, Action, Resource/NotResource, Condition.
      const out: StatementJson = { Effect: stmt.Effect, Principal: stmt.Principal, Action: stmt.Action };
      if (field === 'Resource') out.Resource = value;
      else out.NotResource = value;
      if (stmt.Condition) out.Condition = stmt.Condition;
      return out;
    });
  }
}

/** Compiles rules to a minimal, deterministic policy document. Throws CompileError. */
export function compilePolicy(input: CompileInput): PolicyJson {
  const limit = input.maxDenyUnlessStatements ?? 64;
  const compiled = input.parts.map((part) => compilePart(preparePart(part, input), limit));
  const set = new StatementSet();
  for (const c of compiled) for (const d of c.denyStmts) set.add('Deny', 'Resource', d.resources, d.cond);
  for (const c of compiled) {
    for (const u of c.unless) {
      if (u.notResources.length === 0) set.add('Deny', 'Resource', ['*'], u.cond, true);
      else set.add('Deny', 'NotResource', u.notResources, u.cond, true);
    }
  }
  // One part's Allow suffices (every admitted request is in it); the others' are merged in harmlessly.
  for (const c of compiled) if (c.allowResources.length > 0) set.add('Allow', 'Resource', c.allowResources);
  return { Version: '2012-10-17', Statement: set.render(input.arnPrefix) };
}
