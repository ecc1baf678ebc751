/**
 * Test support: @cloud-copilot/iam-simulate (AGPL, dev only) as an independent oracle for compiled access
 * policies, and a small reference model of the intended decision.
 */
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { ipInCidr, parseCidr } from '../../src/private/cidr';

export const API_ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const API_ID = 'a1b2c3d4e5';
export const ARN_PREFIX = `arn:aws:execute-api:${REGION}:${API_ACCOUNT}:??????????/`;

/** One request as the reference model and the oracle see it. */
export interface Req {
  readonly stage: string;
  readonly method: string;
  /** Starts with `/`; never the root (iam-simulate rejects `…/GET/`). */
  readonly path: string;
  readonly ip: string;
  /** Through a VPC endpoint (private API requests only). */
  readonly vpce?: string;
  readonly vpc?: string;
  /** An AWS service calling as itself (then `caller` is absent). */
  readonly service?: { readonly name: string; readonly sourceArn?: string; readonly sourceAccount?: string };
  /** Absent: anonymous. */
  readonly caller?: {
    readonly account: string;
    readonly arn: string;
    readonly orgId?: string;
    readonly orgPaths?: string[];
  };
}

/**
 * Expands the `execute-api:/` shorthand (iam-simulate does not), and the `??????????` API-id wildcard of
 * NotResource ARNs: iam-simulate refuses wildcards before the first `/` of a resource (it takes that part
 * for a resource type), while IAM matches `?` there. Every request here goes to API_ID, a 10-character id,
 * which is exactly what `??????????` matches, so the substitution does not change any decision.
 */
export function expand(p: any): any {
  return JSON.parse(
    JSON.stringify(p)
      .replace(/"execute-api:\//g, `"arn:aws:execute-api:${REGION}:${API_ACCOUNT}:${API_ID}/`)
      .replace(/:\?{10}\//g, `:${API_ID}/`),
  );
}

/**
 * The overall decision for a request against a compiled resource policy, per SEMANTICS §1.2: anonymous
 * callers need an explicit allow; IAM callers carry an identity policy allowing execute-api:Invoke on
 * everything (same account: allowed unless explicitly denied; cross account: both sides must allow).
 */
export async function oracleAllows(policy: any, req: Req, privateEndpoint: boolean): Promise<boolean> {
  const ctx: Record<string, string | string[]> = {};
  if (privateEndpoint) {
    ctx['aws:VpcSourceIp'] = req.ip;
    if (req.vpce) ctx['aws:SourceVpce'] = req.vpce;
    if (req.vpc) ctx['aws:SourceVpc'] = req.vpc;
  } else {
    ctx['aws:SourceIp'] = req.ip;
  }
  if (req.caller) {
    ctx['aws:PrincipalAccount'] = req.caller.account;
    ctx['aws:PrincipalArn'] = req.caller.arn;
    if (req.caller.orgId) ctx['aws:PrincipalOrgID'] = req.caller.orgId;
    if (req.caller.orgPaths) ctx['aws:PrincipalOrgPaths'] = req.caller.orgPaths;
  }
  if (req.service) {
    ctx['aws:PrincipalServiceName'] = req.service.name;
    if (req.service.sourceArn) ctx['aws:SourceArn'] = req.service.sourceArn;
    if (req.service.sourceAccount) ctx['aws:SourceAccount'] = req.service.sourceAccount;
  }
  const sim: Simulation = {
    request: {
      principal: req.caller ? req.caller.arn : req.service ? req.service.name : anonymousPrincipal,
      action: 'execute-api:Invoke',
      resource: {
        resource: `arn:aws:execute-api:${REGION}:${API_ACCOUNT}:${API_ID}/${req.stage}/${req.method}${req.path}`,
        accountId: API_ACCOUNT,
      },
      contextVariables: ctx,
    },
    identityPolicies: req.caller
      ? [
          {
            name: 'invoke',
            policy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }],
            },
          },
        ]
      : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: expand(policy),
  } as any;
  const r: any = await runSimulation(sim, {});
  if (r.resultType === 'error') throw new Error(JSON.stringify(r.errors));
  if (r.resultType !== 'single') throw new Error('wildcard request ARN');
  return r.overallResult === 'Allowed';
}

// ---------------------------------------------------------------------------------------------------------
// Reference model: the intended decision, computed straight from the rules.

export type SrcSpec =
  | { kind: 'anyone' }
  | { kind: 'ip'; values: string[] }
  | { kind: 'vpce'; values: string[] }
  | { kind: 'vpc'; values: string[] }
  | { kind: 'account'; values: string[] }
  | { kind: 'org'; values: string[] }
  | { kind: 'orgPath'; values: string[] }
  | { kind: 'principal'; values: string[] }
  | { kind: 'service'; name: string; sourceArn?: string; sourceAccount?: string };

export interface ScopeSpec {
  stages?: string[];
  methods?: string[];
  paths?: string[];
}

export interface RuleSpec {
  scope: ScopeSpec;
  /** AND of these. */
  sources: SrcSpec[];
}

export interface PolicySpec {
  allow: RuleSpec[];
  deny: Array<{ scope: ScopeSpec; source: SrcSpec }>;
}

function glob(pattern: string, s: string): boolean {
  return new RegExp(
    '^' +
      pattern
        .split('*')
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    's',
  ).test(s);
}

export function covers(scope: ScopeSpec, req: Req): boolean {
  if (scope.stages && !scope.stages.includes(req.stage)) return false;
  if (scope.methods && !scope.methods.includes(req.method)) return false;
  if (scope.paths && !scope.paths.some((p) => glob(p.slice(1), req.path.slice(1)))) return false;
  return true;
}

export function matches(src: SrcSpec, req: Req, privateEndpoint: boolean): boolean {
  const c = req.caller;
  switch (src.kind) {
    case 'anyone':
      return true;
    case 'ip':
      return src.values.some((v) => ipInCidr(req.ip, parseCidr(v)!));
    case 'vpce':
      return privateEndpoint && !!req.vpce && src.values.includes(req.vpce);
    case 'vpc':
      return privateEndpoint && !!req.vpc && src.values.includes(req.vpc);
    case 'account':
      return !!c && src.values.includes(c.account);
    case 'org':
      return !!c && !!c.orgId && src.values.includes(c.orgId);
    case 'orgPath':
      return (
        !!c &&
        !!c.orgPaths &&
        c.orgPaths.some((p) => src.values.some((v) => p.startsWith(v.endsWith('/') ? v : `${v}/`)))
      );
    case 'principal':
      return !!c && src.values.includes(c.arn);
    case 'service': {
      const sv = req.service;
      return (
        !!sv &&
        sv.name === src.name &&
        (src.sourceArn === undefined || (!!sv.sourceArn && glob(src.sourceArn, sv.sourceArn))) &&
        (src.sourceAccount === undefined || sv.sourceAccount === src.sourceAccount)
      );
    }
  }
}

export function intended(policy: PolicySpec, req: Req, privateEndpoint: boolean): boolean {
  const allowed = policy.allow.some(
    (r) => covers(r.scope, req) && r.sources.every((s) => matches(s, req, privateEndpoint)),
  );
  const denied = policy.deny.some((d) => covers(d.scope, req) && matches(d.source, req, privateEndpoint));
  return allowed && !denied;
}
