/**
 * The callers tried against every method of an API: the policy's own IP ranges, VPC endpoints, VPCs,
 * accounts and organizations, plus "anyone else" (the internet, any other VPC endpoint, any other account).
 * Each probe is decided by the simulator's pipeline (authorization only), never by pattern matching.
 */
import { ApiModel, MethodModel, TemplateModel } from '../model';
import { PipelineOptions, PipelineRequest, PipelineState, decide } from '../pipeline';

/** One caller `explain` and the findings try. */
export interface Probe {
  readonly label: string;
  readonly request: Omit<PipelineRequest, 'method' | 'path' | 'stage' | 'api' | 'at'>;
}

/** Label of the probe standing for any VPC endpoint the policy does not name. */
export const ANY_OTHER_VPCE = 'any other VPC endpoint';
/** Label of the probe standing for an anonymous caller on the internet. */
export const INTERNET = 'internet';
/** Status of a probe that does not apply (a SigV4 caller on a method that is not AWS_IAM). */
export const NOT_APPLICABLE = -1;
/** Status of a probe the simulator could not decide. */
export const UNDECIDED = 0;

const OUTSIDE_VPCE = 'vpce-0ffffffffffffffff';
const OUTSIDE_VPC = 'vpc-0ffffffffffffffff';
const OTHER_ACCOUNT = '999999999999';
const PUBLIC_IP = '198.51.100.7';
const VPC_IP = '10.0.0.10';
const PROBE_TIME = Date.UTC(2026, 0, 1);

interface Named {
  vpces: Set<string>;
  vpcs: Set<string>;
  cidrs: Set<string>;
  accounts: Set<string>;
  orgs: Set<string>;
}

function collectValue(k: string, v: string, out: Named): void {
  if (k === 'aws:sourcevpce') {
    out.vpces.add(v);
  } else if (k === 'aws:sourcevpc') {
    out.vpcs.add(v);
  } else if (k === 'aws:sourceip' || k === 'aws:vpcsourceip') {
    out.cidrs.add(v);
  } else if (k === 'aws:principalorgid' && !v.includes('*')) {
    out.orgs.add(v);
  } else if (k === 'aws:principalaccount' && /^\d{12}$/.test(v)) {
    out.accounts.add(v);
  } else if (k === 'aws') {
    const m = /^(\d+)$/.exec(v) ?? /^arn:[^:]+:iam::(\d{12}):/.exec(v);
    if (m) out.accounts.add(m[1]);
  }
}

function collect(v: any, out: Named, key?: string): void {
  if (Array.isArray(v)) {
    v.forEach((x) => collect(x, out, key));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) collect(x, out, k);
  } else if (typeof v === 'string' && key) {
    collectValue(key.toLowerCase(), v, out);
  }
}

/** What the API's policy names: VPC endpoints, VPCs, IP ranges, accounts, organizations. */
function namedBy(api: ApiModel): Named {
  const found: Named = { vpces: new Set(), vpcs: new Set(), cidrs: new Set(), accounts: new Set(), orgs: new Set() };
  for (const st of api.policy?.statements ?? []) {
    collect(st.condition, found);
    if (st.principal && typeof st.principal === 'object') collect(st.principal, found);
  }
  api.vpcEndpointIds.forEach((v) => found.vpces.add(v));
  return found;
}

function firstIp(cidr: string): string {
  return cidr.split('/')[0].trim();
}

function privateProbes(found: Named): Probe[] {
  const vpc = Array.from(found.vpcs)[0];
  const probes: Probe[] = Array.from(found.vpces)
    .slice(0, 4)
    .map((v) => ({
      label: `via ${v}`,
      request: { vpcEndpointId: v, vpcId: vpc, sourceIp: VPC_IP, authorizer: 'allow' },
    }));
  for (const v of Array.from(found.vpcs).slice(0, 2)) {
    probes.push({
      label: `from ${v} (other VPCE)`,
      request: { vpcEndpointId: OUTSIDE_VPCE, vpcId: v, sourceIp: VPC_IP, authorizer: 'allow' },
    });
  }
  probes.push({
    label: ANY_OTHER_VPCE,
    request: { vpcEndpointId: OUTSIDE_VPCE, vpcId: OUTSIDE_VPC, sourceIp: VPC_IP, authorizer: 'allow' },
  });
  return probes;
}

function publicProbes(found: Named): Probe[] {
  const probes: Probe[] = Array.from(found.cidrs)
    .slice(0, 4)
    .map((c) => ({ label: `from ${firstIp(c)}`, request: { sourceIp: firstIp(c), authorizer: 'allow' } }));
  probes.push({ label: INTERNET, request: { sourceIp: PUBLIC_IP, authorizer: 'allow' } });
  return probes;
}

function iamProbes(model: TemplateModel, found: Named, isPrivate: boolean): Probe[] {
  const base = isPrivate
    ? { vpcEndpointId: Array.from(found.vpces)[0] ?? OUTSIDE_VPCE, sourceIp: VPC_IP }
    : { sourceIp: PUBLIC_IP };
  const probes: Probe[] = [
    { label: `IAM ${model.account} (same account)`, request: { ...base, caller: { account: model.account } } },
  ];
  for (const a of Array.from(found.accounts)
    .filter((x) => x !== model.account)
    .slice(0, 3)) {
    probes.push({ label: `IAM ${a}`, request: { ...base, caller: { account: a } } });
  }
  for (const o of Array.from(found.orgs).slice(0, 2)) {
    probes.push({ label: `IAM in org ${o}`, request: { ...base, caller: { account: OTHER_ACCOUNT, orgId: o } } });
  }
  probes.push({ label: 'IAM other account', request: { ...base, caller: { account: OTHER_ACCOUNT } } });
  return probes;
}

/** The callers tried against every method of an API. */
export function probesFor(model: TemplateModel, api: ApiModel): Probe[] {
  const found = namedBy(api);
  const isPrivate = api.endpointType === 'PRIVATE';
  const probes = isPrivate ? privateProbes(found) : publicProbes(found);
  if (!api.methods.some((m) => m.authorizationType === 'AWS_IAM')) return probes;
  return [...probes, ...iamProbes(model, found, isPrivate)];
}

/** A request path that reaches a method's template path (`{id}` → `x`, `{proxy+}` → `a/b`). */
export function exampleRequestPath(m: MethodModel): string {
  return m.path.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, 'x');
}

/**
 * The status one probe gets on one method of a stage, authorization only (before API keys and throttles):
 * 200 admitted, 401/403 refused, {@link NOT_APPLICABLE}, or {@link UNDECIDED} when the simulator fails.
 */
export function probeOne(
  model: TemplateModel,
  api: ApiModel,
  stage: string,
  m: MethodModel,
  probe: Probe,
  opts: PipelineOptions,
): number {
  // SigV4 callers only mean something on AWS_IAM methods (elsewhere the caller is anonymous, like the other probes)
  if (probe.request.caller && m.authorizationType !== 'AWS_IAM') return NOT_APPLICABLE;
  try {
    const request: PipelineRequest = {
      ...probe.request,
      api: api.logicalId,
      stage,
      method: m.httpMethod === 'ANY' ? 'GET' : m.httpMethod,
      path: exampleRequestPath(m),
      at: PROBE_TIME,
    };
    return decide(model, new PipelineState(), request, { ...opts, authorizationOnly: true }).statusCode;
  } catch {
    return UNDECIDED;
  }
}
