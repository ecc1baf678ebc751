/**
 * Endpoint settings shared by the three APIs (docs/SEMANTICS.md "Endpoints: IP address type and TLS"):
 * `ipAddressType`, `securityPolicy` and `endpointAccessMode`, written to the CfnRestApi (as L1 properties
 * where this aws-cdk-lib has them, as property overrides where it does not: 2.179 has none of them), the
 * security policy chosen at synthesis for the endpoint type the API ends up with, checked against it, and
 * a warning for IP rules that list only IPv4 ranges on a dual-stack API.
 */
import { Annotations, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { SecureRestApiProps } from './secure-rest-api-props';
import { PolicyAttachment } from '../access/attachment';
import { PolicyPart } from '../access/compile/compile';
import { endpointSettingsOf } from '../private/endpoint-type';
import { ErrorScope, propError, propMessage } from '../private/errors';

/** The strongest documented policy that still accepts TLS 1.2, for REGIONAL and PRIVATE endpoints. */
export const DEFAULT_SECURITY_POLICY = 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09';
/** The same for edge-optimized endpoints. */
export const DEFAULT_EDGE_SECURITY_POLICY = 'SecurityPolicy_TLS12_PFS_2025_EDGE';

const IP_TYPES = ['ipv4', 'dualstack'];
const ACCESS_MODES = ['BASIC', 'STRICT'];

const isEnhanced = (policy: string) => policy.startsWith('SecurityPolicy_');
const isEdgePolicy = (policy: string) => policy.endsWith('_EDGE');

/** Checks the three props before anything is created (JavaScript can pass anything). */
export function checkEndpointSettings(label: ErrorScope, props: SecureRestApiProps, fixedType?: string): void {
  const { ipAddressType, securityPolicy, endpointAccessMode } = props;
  const str = (prop: string, v: unknown, ok: (s: string) => boolean, expected: string) => {
    if (v === undefined || (typeof v === 'string' && (Token.isUnresolved(v) || ok(v)))) return;
    throw propError(label, {
      prop,
      value: v,
      problem: typeof v === 'string' ? 'is not accepted' : 'is not a string',
      expected,
    });
  };
  str(
    'ipAddressType',
    ipAddressType,
    (v) => IP_TYPES.includes(v) && !(fixedType === 'PRIVATE' && v === 'ipv4'),
    fixedType === 'PRIVATE' ? "'dualstack' or unset: a PRIVATE API is always dual-stack" : "'ipv4' or 'dualstack'",
  );
  str(
    'securityPolicy',
    securityPolicy,
    (v) => v === 'TLS_1_2' || /^SecurityPolicy_[A-Za-z0-9_]+$/.test(v),
    "'TLS_1_2' or an enhanced policy such as 'SecurityPolicy_TLS13_1_3_2025_09' (TLS 1.0 is refused)",
  );
  str('endpointAccessMode', endpointAccessMode, (v) => ACCESS_MODES.includes(v), "'BASIC' or 'STRICT'");
  if (securityPolicy === 'TLS_1_2' && endpointAccessMode !== undefined) {
    throw propError(label, {
      prop: 'endpointAccessMode',
      value: endpointAccessMode,
      problem: "cannot be combined with securityPolicy 'TLS_1_2' (only enhanced SecurityPolicy_ policies take it)",
      expected: 'unset, or an enhanced securityPolicy',
    });
  }
  const userIp = (props.endpointConfiguration as { ipAddressType?: string } | undefined)?.ipAddressType;
  if (ipAddressType !== undefined && userIp !== undefined && userIp !== ipAddressType) {
    throw propError(label, {
      prop: 'ipAddressType',
      value: ipAddressType,
      problem: `disagrees with endpointConfiguration.ipAddressType ${JSON.stringify(userIp)}`,
      expected: 'one of the two, or the same value in both',
    });
  }
}

/** The security policy for an endpoint type, the user's or the default. */
function policyFor(props: SecureRestApiProps, type: string | undefined): string | undefined {
  if (props.securityPolicy !== undefined) return props.securityPolicy;
  if (type === undefined) return undefined; // a token decides the type: leave AWS's default
  return type === 'EDGE' ? DEFAULT_EDGE_SECURITY_POLICY : DEFAULT_SECURITY_POLICY;
}

/** Sets an L1 property, or overrides it where this aws-cdk-lib's CfnRestApi lacks it. */
export function setProperty(cfn: apigw.CfnRestApi, l1: string, cfnName: string, value: unknown): void {
  if (l1 in cfn) (cfn as unknown as Record<string, unknown>)[l1] = value;
  else cfn.addPropertyOverride(cfnName, value);
}

/** After `super()`: writes the settings (lazily, for the final endpoint type) and the synth checks. */
export function applyEndpointSettings(api: apigw.RestApi, props: SecureRestApiProps): void {
  const cfn = api.node.defaultChild as apigw.CfnRestApi;
  const type = () => endpointSettingsOf(api).type;
  if (props.ipAddressType !== undefined) {
    const rendered = Stack.of(api).resolve(cfn.endpointConfiguration)?.ipAddressType;
    if (rendered === undefined) cfn.addPropertyOverride('EndpointConfiguration.IpAddressType', props.ipAddressType);
  }
  setProperty(cfn, 'securityPolicy', 'SecurityPolicy', Lazy.any({ produce: () => policyFor(props, type()) }));
  setProperty(
    cfn,
    'endpointAccessMode',
    'EndpointAccessMode',
    Lazy.any({
      produce: () => {
        const policy = policyFor(props, type());
        return policy !== undefined && isEnhanced(policy) ? (props.endpointAccessMode ?? 'BASIC') : undefined;
      },
    }),
  );
  api.node.addValidation({ validate: () => endpointErrors(api, props, type()) });
}

/** A given policy that the final endpoint type cannot take; and the IPv4-only warnings. */
function endpointErrors(api: apigw.RestApi, props: SecureRestApiProps, type: string | undefined): string[] {
  ipv4OnlyWarnings(api);
  const policy = props.securityPolicy;
  if (policy === undefined || Token.isUnresolved(policy) || type === undefined) return [];
  const ok = type === 'EDGE' ? isEdgePolicy(policy) : !isEdgePolicy(policy);
  if (ok) return [];
  return [
    propMessage(api, {
      prop: 'securityPolicy',
      value: policy,
      problem: `cannot be used on ${type === 'EDGE' ? 'an' : 'a'} ${type} endpoint`,
      expected:
        type === 'EDGE'
          ? `an edge policy: ${DEFAULT_EDGE_SECURITY_POLICY}, SecurityPolicy_TLS13_2025_EDGE or SecurityPolicy_TLS12_2018_EDGE`
          : `a Regional/private policy: ${DEFAULT_SECURITY_POLICY}, SecurityPolicy_TLS13_1_3_2025_09, ... or TLS_1_2`,
    }),
  ];
}

/** IP rules (allow and deny) whose ranges are all IPv4, on an API that takes IPv6 callers. */
export function ipv4OnlyRules(parts: readonly PolicyPart[]): Array<{ effect: 'allow' | 'deny'; ranges: string[] }> {
  const out: Array<{ effect: 'allow' | 'deny'; ranges: string[] }> = [];
  const seen = new Set<string>();
  const visit = (
    effect: 'allow' | 'deny',
    alternatives: ReadonlyArray<ReadonlyArray<{ key: string; values: readonly string[] }>>,
  ) => {
    for (const atom of alternatives.flat()) {
      if (atom.key !== 'ip' || atom.values.some((v) => Token.isUnresolved(v) || v.includes(':'))) continue;
      const key = `${effect}|${atom.values.join(',')}`;
      if (!seen.has(key)) out.push({ effect, ranges: [...atom.values] });
      seen.add(key);
    }
  };
  for (const part of parts) {
    for (const rule of part.allow) for (const s of rule.sources) visit('allow', s.alternatives);
    for (const d of part.deny) visit('deny', d.source.alternatives);
  }
  return out;
}

function ipv4OnlyWarnings(api: apigw.RestApi): void {
  const { type, ipAddressType } = endpointSettingsOf(api);
  if (type !== 'PRIVATE' && ipAddressType !== 'dualstack') return;
  const parts = PolicyAttachment.find(api)?.parts() ?? [];
  const why = type === 'PRIVATE' ? 'a PRIVATE API is always dual-stack' : 'the API is dual-stack';
  for (const r of ipv4OnlyRules(parts)) {
    const ranges = JSON.stringify(r.ranges);
    Annotations.of(api).addWarningV2(
      `cdk-api-gatekeeper:ipv4-only-${r.effect}`,
      r.effect === 'allow'
        ? `an allow rule lists only IPv4 ranges ${ranges}, but ${why}: IPv6 callers are not covered by it and are refused; add their IPv6 ranges if they must be admitted`
        : `a deny rule lists only IPv4 ranges ${ranges}, but ${why}: IPv6 callers from the same networks are not denied and get through; add their IPv6 ranges to the deny rule`,
    );
  }
}
