/**
 * Plain data the compiler works on. No constructs, no aws-cdk-lib: fast-check drives these by the thousand.
 */

/**
 * The condition keys a source can test. `ip` is the requester's address: it becomes `aws:SourceIp`,
 * `aws:VpcSourceIp` or both, by the endpoint type the API ends up with (see {@link EndpointKind}).
 */
export type ConditionKey =
  | 'ip'
  | 'aws:SourceIp'
  | 'aws:VpcSourceIp'
  | 'aws:SourceVpce'
  | 'aws:SourceVpc'
  | 'aws:PrincipalAccount'
  | 'aws:PrincipalOrgID'
  | 'aws:PrincipalOrgPaths'
  | 'aws:PrincipalArn'
  | 'aws:PrincipalServiceName'
  | 'aws:SourceArn'
  | 'aws:SourceAccount';

/** `key` matches any of `values` (a disjunction over one key). */
export interface Atom {
  readonly key: ConditionKey;
  readonly values: readonly string[];
}

/**
 * A source as a formula: OR over `alternatives`, each an AND of atoms. `anyone` matches every request.
 * `denyProblem` is set when the source can be compiled exactly only in the admitting direction (e.g. a
 * principal ARN token that might be an account root): an allow rule is then at worst narrower, a deny rule
 * would be a hole, so a deny rule with it is refused with this text.
 */
export interface SourceData {
  readonly anyone: boolean;
  readonly alternatives: ReadonlyArray<readonly Atom[]>;
  readonly denyProblem?: string;
}

/** Which requests a rule covers; `undefined` in a dimension means "all". Methods upper case, never ANY. */
export interface ScopeData {
  readonly stages?: readonly string[];
  readonly methods?: readonly string[];
  /** Path patterns, each starting with `/`; `*` matches any run of characters, `/` included (IAM rules). */
  readonly paths?: readonly string[];
}

/** An allow rule matches when ALL its sources match (several sources come from `narrowedBy`). */
export interface RuleData {
  readonly scope: ScopeData;
  readonly sources: readonly SourceData[];
}

/**
 * The endpoint type the API ends up with: `public` (EDGE, REGIONAL: `aws:SourceIp`), `private`
 * (`aws:VpcSourceIp`), or `unknown` (a token): IP rules then test both keys, each in the direction that
 * fails closed (docs/SEMANTICS.md "IP keys").
 */
export type EndpointKind = 'public' | 'private' | 'unknown';

/**
 * The API's stages as found at synthesis. `complete` is false when some stage of the API (or one that may
 * belong to it) has a name that is not a literal: scoped deny rules then use a wildcard stage.
 */
export interface StageSet {
  readonly names: readonly string[];
  readonly complete: boolean;
}

/** The verbs a request ARN can carry (docs/SEMANTICS.md "ARNs"), used where a method wildcard must be enumerated. */
export const HTTP_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** The positive and negated IAM operators of each key. */
export const OPERATORS: Record<ConditionKey, { readonly pos: string; readonly neg: string }> = {
  ip: { pos: 'IpAddress', neg: 'NotIpAddress' },
  'aws:SourceIp': { pos: 'IpAddress', neg: 'NotIpAddress' },
  'aws:VpcSourceIp': { pos: 'IpAddress', neg: 'NotIpAddress' },
  'aws:SourceVpce': { pos: 'StringEquals', neg: 'StringNotEquals' },
  'aws:SourceVpc': { pos: 'StringEquals', neg: 'StringNotEquals' },
  'aws:PrincipalAccount': { pos: 'StringEquals', neg: 'StringNotEquals' },
  'aws:PrincipalOrgID': { pos: 'StringEquals', neg: 'StringNotEquals' },
  // Multi-valued key: "some path is under one of ours" / its exact negation "every path is under none".
  'aws:PrincipalOrgPaths': { pos: 'ForAnyValue:StringLike', neg: 'ForAllValues:StringNotLike' },
  'aws:PrincipalArn': { pos: 'ArnEquals', neg: 'ArnNotEquals' },
  'aws:PrincipalServiceName': { pos: 'StringEquals', neg: 'StringNotEquals' },
  'aws:SourceArn': { pos: 'ArnLike', neg: 'ArnNotLike' },
  'aws:SourceAccount': { pos: 'StringEquals', neg: 'StringNotEquals' },
};

/** Keys whose values are CIDRs. */
export function isIpKey(key: ConditionKey): boolean {
  return key === 'ip' || key === 'aws:SourceIp' || key === 'aws:VpcSourceIp';
}

/** One problem found in a source's input (the caller adds where it was found). */
export interface SourceProblem {
  /** e.g. `cidrs[1]`. */
  readonly arg: string;
  /** The value received. */
  readonly value: unknown;
  /** What is wrong. */
  readonly problem: string;
  /** The accepted form. */
  readonly expected: string;
}
