/**
 * IAM principal objects as access-policy atoms, translated exactly or refused (only what can be
 * translated exactly): roles, users and federated users become `aws:PrincipalArn`; an account in any form
 * (AccountPrincipal, AccountRootPrincipal, a root ARN, with tokens or without, inside a CompositePrincipal)
 * becomes `aws:PrincipalAccount`; an OrganizationPrincipal becomes `aws:PrincipalOrgID`. Principals that
 * carry conditions, service principals, wildcards, session ARNs and anything else are refused.
 */
import { CfnResource, Intrinsic, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Atom, SourceProblem } from './compile/model';

const TOKEN = String.raw`\$\{Token\[[^\]]+\]\}`;
const PART = String.raw`(?:[a-z-]+|${TOKEN})`;
const ACCOUNT_PART = String.raw`(\d{12}|${TOKEN})`;
const ROOT_ARN = new RegExp(`^arn:${PART}:iam::${ACCOUNT_PART}:root$`);
const IDENTITY_ARN = new RegExp(
  `^arn:${PART}:(?:iam::${ACCOUNT_PART}:(?:role|user)/.+|sts::${ACCOUNT_PART}:federated-user/.+)$`,
);
const SESSION_ARN = new RegExp(`^arn:${PART}:sts::${ACCOUNT_PART}:assumed-role/`);

export const PRINCIPAL_FORM =
  'an IAM role, user or account principal (iam.ArnPrincipal of a role or user ARN, iam.AccountPrincipal, iam.AccountRootPrincipal, a Role, a User, iam.OrganizationPrincipal)';

/** What the principals translate to. `opaque`: token ARNs whose kind is only known once resolved. */
export interface PrincipalTranslation {
  readonly arns: string[];
  readonly accounts: string[];
  readonly orgIds: string[];
  readonly opaque: string[];
  readonly problems: SourceProblem[];
}

function bad(arg: string, value: unknown, problem: string, expected = PRINCIPAL_FORM): SourceProblem {
  return { arg, value, problem, expected };
}

/** Sorts one `AWS` principal value into the translation. */
function addAwsValue(out: PrincipalTranslation, arg: string, v: string): void {
  const root = ROOT_ARN.exec(v);
  if (root) {
    out.accounts.push(root[1]);
  } else if (/^\d{12}$/.test(v)) {
    out.accounts.push(v);
  } else if (v === '*') {
    out.problems.push(bad(arg, v, 'is every principal', `${PRINCIPAL_FORM}; use Source.anyone() for everyone`));
  } else if (SESSION_ARN.test(v)) {
    out.problems.push(
      bad(
        arg,
        v,
        "is a role session (aws:PrincipalArn of a session is its role's ARN)",
        'the role ARN, e.g. arn:aws:iam::123456789012:role/Name',
      ),
    );
  } else if (IDENTITY_ARN.test(v)) {
    out.arns.push(v);
  } else if (Token.isUnresolved(v) && /^\$\{Token\[[^\]]+\]\}$/.test(v)) {
    out.opaque.push(v);
  } else {
    out.problems.push(bad(arg, v, 'is neither an account nor an IAM role or user ARN'));
  }
}

function conditionsOf(p: iam.IPrincipal): Record<string, unknown> {
  try {
    return p.policyFragment.conditions ?? {};
  } catch {
    return {};
  }
}

/** Translates one principal object (problems name `principals[i]`). */
function addPrincipal(out: PrincipalTranslation, p: unknown, i: number): void {
  const arg = `principals[${i}]`;
  if (!p || typeof p !== 'object' || !('policyFragment' in p)) {
    out.problems.push(bad(arg, p, 'is not an IAM principal'));
    return;
  }
  if (p instanceof iam.OrganizationPrincipal) {
    out.orgIds.push(p.organizationId);
    return;
  }
  if (p instanceof iam.ServicePrincipal) {
    out.problems.push(
      bad(
        arg,
        `Service:${p.service}`,
        'is a Service principal',
        `${PRINCIPAL_FORM}; use Source.service() for AWS services`,
      ),
    );
    return;
  }
  const principal = p as iam.IPrincipal;
  if (Object.keys(conditionsOf(principal)).length > 0) {
    out.problems.push(
      bad(
        arg,
        String(principal),
        'carries conditions, which cannot be translated into this policy exactly',
        `${PRINCIPAL_FORM} without conditions; express the condition with another Source (e.g. narrowedBy)`,
      ),
    );
    return;
  }
  let json: Record<string, string[]>;
  try {
    json = principal.policyFragment.principalJson;
  } catch {
    out.problems.push(bad(arg, String(principal), 'has no policy principal'));
    return;
  }
  if (isEveryone(json)) {
    out.problems.push(bad(arg, '*', 'is every principal', `${PRINCIPAL_FORM}; use Source.anyone() for everyone`));
    return;
  }
  for (const [kind, values] of Object.entries(json)) {
    if (kind !== 'AWS') {
      out.problems.push(
        bad(
          arg,
          `${kind}:${values.join(',')}`,
          `is a ${kind} principal`,
          `${PRINCIPAL_FORM}; use Source.service() for AWS services`,
        ),
      );
      continue;
    }
    for (const v of values) addAwsValue(out, arg, String(v));
  }
}

/** `StarPrincipal` (`LiteralString: *`) or `AnyPrincipal` (`AWS: *`): everyone, which is Source.anyone(). */
function isEveryone(json: Record<string, string[]>): boolean {
  return Object.values(json).some((values) => values.some((v) => v === '*'));
}

/** Translates principal objects (problems are reported, not thrown). */
export function translatePrincipals(principals: readonly unknown[]): PrincipalTranslation {
  const out: PrincipalTranslation = { arns: [], accounts: [], orgIds: [], opaque: [], problems: [] };
  principals.forEach((p, i) => addPrincipal(out, p, i));
  return out;
}

type Kind = { kind: 'identity' } | { kind: 'root'; account: string } | { kind: 'unknown' };

/** The kind of a principal ARN token, from its resolved CloudFormation form in `stack`. */
function classifyResolved(stack: Stack, resolved: unknown): Kind {
  if (typeof resolved === 'string') {
    const out = translatePrincipals([]);
    addAwsValue(out, '', resolved);
    if (out.accounts.length) return { kind: 'root', account: out.accounts[0] };
    return out.arns.length ? { kind: 'identity' } : { kind: 'unknown' };
  }
  const getAtt = (resolved as any)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
    const type = resourceType(stack, String(getAtt[0]));
    return type === 'AWS::IAM::Role' || type === 'AWS::IAM::User' ? { kind: 'identity' } : { kind: 'unknown' };
  }
  const join = (resolved as any)?.['Fn::Join'];
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) return classifyJoin(join[1]);
  return { kind: 'unknown' };
}

/** `arn:{partition}:iam::{account}:root` or `…:role/…` written as Fn::Join parts. */
function classifyJoin(parts: unknown[]): Kind {
  const text = parts.map((p) => (typeof p === 'string' ? p : '\u0000')).join('');
  const m = /^arn:[^:]*:iam::([^:]*):(root|role\/.+|user\/.+)$/.exec(text);
  if (!m) return { kind: 'unknown' };
  if (m[2] !== 'root') return { kind: 'identity' };
  if (/^\d{12}$/.test(m[1])) return { kind: 'root', account: m[1] };
  // The account is one intrinsic (e.g. Ref AWS::AccountId) between "…:iam::" and ":root".
  const idx = parts.findIndex((p) => typeof p === 'string' && p.endsWith(':iam::'));
  const next = parts[idx + 1];
  const after = parts[idx + 2];
  if (
    idx >= 0 &&
    next !== undefined &&
    typeof next !== 'string' &&
    typeof after === 'string' &&
    after.startsWith(':root')
  ) {
    return { kind: 'root', account: Token.asString(new Intrinsic(next)) };
  }
  return { kind: 'unknown' };
}

function resourceType(stack: Stack, logicalId: string): string | undefined {
  for (const c of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(c) || !c.cfnResourceType.startsWith('AWS::IAM::')) continue;
    if (stack.resolve(c.logicalId) === logicalId) return c.cfnResourceType;
  }
  return undefined;
}

/** What a source needs at compile time for its opaque ARNs: atoms to add and, if any stays unknown, why. */
export interface ResolvedOpaque {
  readonly arns: string[];
  readonly accounts: string[];
  readonly unknown: string[];
}

/** Resolves opaque principal ARN tokens against the stack the policy is compiled in. */
export function resolveOpaque(stack: Stack | undefined, opaque: readonly string[]): ResolvedOpaque {
  const out: ResolvedOpaque = { arns: [], accounts: [], unknown: [] };
  for (const v of opaque) {
    const k = stack ? classifyResolved(stack, stack.resolve(v)) : { kind: 'unknown' as const };
    if (k.kind === 'root') out.accounts.push(k.account);
    else if (k.kind === 'identity') out.arns.push(v);
    else out.unknown.push(v);
  }
  return out;
}

/** The atoms (alternatives) of principals. */
export function principalAlternatives(t: PrincipalTranslation, r: ResolvedOpaque): Atom[][] {
  const alts: Atom[][] = [];
  const arns = [...t.arns, ...r.arns, ...r.unknown];
  if (arns.length) alts.push([{ key: 'aws:PrincipalArn', values: arns }]);
  const accounts = [...t.accounts, ...r.accounts];
  if (accounts.length) alts.push([{ key: 'aws:PrincipalAccount', values: accounts }]);
  if (t.orgIds.length) alts.push([{ key: 'aws:PrincipalOrgID', values: t.orgIds }]);
  return alts;
}
