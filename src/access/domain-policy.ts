/**
 * Policies for private custom domain names (`AWS::ApiGateway::DomainNameV2`), compiled from AccessPolicy
 * rules (docs/SEMANTICS.md "Private custom domain names"):
 *
 * - the domain's own `Policy`: the resource of a request is the whole domain (no stage, method or path), so
 *   only rules that cover the whole API can be translated; the compiler output is then the documented
 *   shape (`Allow execute-api:/*` plus `Deny` unless the listed sources);
 * - the statements the API's policy gets so that it admits a request through that domain only as the
 *   domain's policy does: every `Deny` of the domain policy, restricted to requests that carry the domain's
 *   ARN in `execute-api:viaDomainArn` (`ArnEquals`). A request that does not come through the domain has no
 *   such key, so these statements never apply to it (a positive operator on a missing key is false).
 *
 * Pure over compiler data; the caller gives the parts (`AccessPolicy._partsFor`).
 */
import { CompileError, compilePolicy, PolicyJson, PolicyPart, StatementJson } from './compile/compile';
import { isWhole } from './compile/scopes';

/** The condition key that names the private custom domain a request came through. */
export const VIA_DOMAIN_ARN_KEY = 'execute-api:viaDomainArn';

/** Why a part cannot be a domain policy, or undefined when every rule covers the whole API. */
export function domainPolicyProblem(parts: readonly PolicyPart[]): string | undefined {
  for (const part of parts) {
    const scoped = [...part.allow.map((r) => r.scope), ...part.deny.map((d) => d.scope)].find((s) => !isWhole(s));
    if (scoped) {
      return `a private domain's policy can only hold rules for the whole API (its resource is the domain, with no stage, method or path), but a rule is scoped to ${JSON.stringify(scoped)}; scope rules on the API's own accessPolicy instead`;
    }
  }
  return undefined;
}

/**
 * The domain's resource policy: requests through a VPC endpoint (IP ranges test `aws:VpcSourceIp`).
 * Throws CompileError for scoped rules.
 */
export function compileDomainPolicy(parts: readonly PolicyPart[], arnPrefix: string): PolicyJson {
  const problem = domainPolicyProblem(parts);
  if (problem) throw new CompileError(problem);
  return compilePolicy({ parts, endpoint: 'private', stages: { names: [], complete: true }, arnPrefix });
}

/**
 * The statements for the API's policy: each Deny of the domain policy, applying only to requests through
 * the domain `viaDomainArn` (an `execute-api:/domainnames/...` ARN, possibly a token).
 */
export function viaDomainDenies(domainPolicy: PolicyJson, viaDomainArn: string): StatementJson[] {
  return domainPolicy.Statement.filter((s) => s.Effect === 'Deny').map((s) => {
    const condition: Record<string, Record<string, string | string[]>> = {};
    for (const [op, block] of Object.entries(s.Condition ?? {})) condition[op] = { ...block };
    condition.ArnEquals = { ...(condition.ArnEquals ?? {}), [VIA_DOMAIN_ARN_KEY]: viaDomainArn };
    const sorted: Record<string, Record<string, string | string[]>> = {};
    for (const op of Object.keys(condition).sort()) sorted[op] = condition[op];
    return { Effect: 'Deny', Principal: '*', Action: s.Action, Resource: 'execute-api:/*', Condition: sorted };
  });
}
