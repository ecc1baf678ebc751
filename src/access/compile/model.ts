/**
 * Plain data the compiler works on. No constructs, no aws-cdk-lib: fast-check drives these by the thousand.
 */

/** The condition keys a source can test. */
export type ConditionKey =
  | 'ip'
  | 'aws:SourceVpce'
  | 'aws:SourceVpc'
  | 'aws:PrincipalAccount'
  | 'aws:PrincipalOrgID'
  | 'aws:PrincipalOrgPaths'
  | 'aws:PrincipalArn'
  | 'aws:PrincipalServiceName'
  | 'aws:SourceArn'
  | 'aws:SourceAccount';

/**
 * `key` matches any of `values` (a disjunction over one key). `ip` is resolved to `aws:SourceIp` or
 * `aws:VpcSourceIp` by the endpoint type at compile time.
 */
export interface Atom {
  readonly key: ConditionKey;
  readonly values: readonly string[];
}

/**
 * A source as a formula: OR over `alternatives`, each an AND of atoms. `anyone` matches every request.
 */
export interface SourceData {
  readonly anyone: boolean;
  readonly alternatives: ReadonlyArray<readonly Atom[]>;
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

/** The verbs a request ARN can carry (SEMANTICS §1.1), used where a method wildcard must be enumerated. */
export const HTTP_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** The positive and negated IAM operators of each key. */
export const OPERATORS: Record<ConditionKey, { readonly pos: string; readonly neg: string }> = {
  ip: { pos: 'IpAddress', neg: 'NotIpAddress' },
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

/** One problem found in a source's input (the caller adds the construct path and rule position). */
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
