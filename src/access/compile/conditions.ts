/**
 * Conditions as formulas: sources negated into disjunctive normal form, conjunctions merged per key,
 * redundant conjunctions absorbed, and rendering to IAM `Condition` blocks. Pure.
 */
import { Token } from 'aws-cdk-lib';
import { Atom, ConditionKey, EndpointKind, isIpKey, OPERATORS, RuleData, SourceData } from './model';
import { uniqSorted } from './scopes';
import { cidrContains, formatCidr, mergeCidrs, parseCidr } from '../../private/cidr';

/** Thrown for policies that cannot be compiled exactly (the caller adds the construct path). */
export class CompileError extends Error {}

/** A conjunction of (negated or positive) atoms, merged per key: key → values. */
export type Conj = Map<ConditionKey, string[]>;

export function conjAdd(c: Conj, a: Atom): Conj {
  const out = new Map(c);
  out.set(a.key, [...(out.get(a.key) ?? []), ...a.values]);
  return out;
}

export function conjOf(atoms: readonly Atom[]): Conj {
  return atoms.reduce((c, a) => conjAdd(c, a), new Map() as Conj);
}

/**
 * The source with its `ip` atoms bound to the condition key(s) of the endpoint type. With an unknown type,
 * "ip in R" becomes "aws:SourceIp in R OR aws:VpcSourceIp in R": a request carries exactly one of them
 * (docs/SEMANTICS.md "IP keys"), so an allow rule admits what the key present says, and a deny rule refuses
 * on either key.
 */
export function bindIpKey(src: SourceData, endpoint: EndpointKind): SourceData {
  if (src.anyone) return src;
  const keys: ConditionKey[] =
    endpoint === 'private'
      ? ['aws:VpcSourceIp']
      : endpoint === 'public'
        ? ['aws:SourceIp']
        : ['aws:SourceIp', 'aws:VpcSourceIp'];
  const alternatives = src.alternatives.flatMap((alt) => {
    let out: Atom[][] = [[]];
    for (const atom of alt) {
      const variants = atom.key === 'ip' ? keys.map((key) => ({ key, values: atom.values })) : [atom];
      out = out.flatMap((prefix) => variants.map((v) => [...prefix, v]));
    }
    return out;
  });
  return { ...src, alternatives };
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
export function negRule(rule: RuleData): Conj[] {
  return rule.sources.flatMap(negSource);
}

function cidrsCover(outer: readonly string[], inner: readonly string[]): boolean {
  const oc = outer.map((v) => parseCidr(v));
  return inner.every((v) => {
    const c = parseCidr(v);
    return c && oc.some((o) => o && cidrContains(o, c));
  });
}

/**
 * X implies Y (Y fires whenever X does) for conjunctions of negated atoms: for every key of Y, X has the key
 * and Y's values are within X's (for "not in Xv" to imply "not in Yv", Yv must lie inside Xv).
 */
function implies(x: Conj, y: Conj): boolean {
  for (const [key, yv] of y) {
    const xv = x.get(key);
    if (!xv) return false;
    const within = isIpKey(key) ? cidrsCover(xv, yv) : yv.every((v) => xv.includes(v));
    if (!within) return false;
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

function tooMany(limit: number): CompileError {
  return new CompileError(
    `the rules need more than ${limit} Deny statements (sources combined with narrowedBy or services with sourceArn/sourceAccount multiply); merge rules that share a scope`,
  );
}

/** (OR of a) AND (OR of b), absorbed; throws past `limit` conjunctions. */
export function andDnf(a: Conj[], b: Conj[], limit: number): Conj[] {
  const out: Conj[] = [];
  for (const x of a) {
    for (const y of b) {
      let c = x;
      for (const [key, values] of y) c = conjAdd(c, { key, values });
      out.push(c);
      if (out.length > limit * 16) throw tooMany(limit);
    }
  }
  const absorbed = absorb(out);
  if (absorbed.length > limit) throw tooMany(limit);
  return absorbed;
}

function normaliseValues(key: ConditionKey, values: readonly string[]): string[] {
  if (!isIpKey(key)) return uniqSorted(values);
  const tokens = values.filter((v) => Token.isUnresolved(v));
  const parsed = values.filter((v) => !Token.isUnresolved(v)).map((v) => parseCidr(v));
  const cidrs = mergeCidrs(parsed.filter((c): c is NonNullable<typeof c> => c !== undefined)).map(formatCidr);
  return [...cidrs, ...uniqSorted(tokens)];
}

/** An IAM `Condition` block for a conjunction (negated operators for deny-unless statements). */
export function renderConj(c: Conj, negated: boolean): Record<string, Record<string, string | string[]>> | undefined {
  if (c.size === 0) return undefined;
  const cond: Record<string, Record<string, string | string[]>> = {};
  for (const key of [...c.keys()].sort()) {
    if (key === 'ip') throw new Error('internal: an ip atom was not bound to a condition key');
    const op = negated ? OPERATORS[key].neg : OPERATORS[key].pos;
    const values = normaliseValues(key, c.get(key)!);
    (cond[op] ??= {})[key] = values.length === 1 ? values[0] : values;
  }
  const sorted: Record<string, Record<string, string | string[]>> = {};
  for (const op of Object.keys(cond).sort()) sorted[op] = cond[op];
  return sorted;
}
