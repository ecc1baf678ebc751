/* eslint-disable no-bitwise */ // Random IPs are built with bit arithmetic.
/**
 * access/: policy capacity and synth time of AccessPolicy vs the naive aws-cdk-lib policy a user would write
 * (one `PolicyStatement` per source on the RestApi).
 *
 * Capacity: the largest number of sources whose minified policy, after `execute-api:/` expansion, fits the
 * 8,192-character quota (measured the same way for both sides). The sources are random (seeded) and
 * non-adjacent, so CIDR merging cannot collapse them: the gain is from one value list per condition key
 * instead of one statement per source, not from merging.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessPolicy, Source } from '../../src';
import { policySize, POLICY_SIZE_LIMIT } from '../../src/access/compile/size';
import { Scenario, synthTimeMs } from '../harness';

/** Deterministic pseudo-random numbers (LCG), so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** n distinct values of `bits` bits, no two siblings (differing only in the lowest bit), so none merge. */
function nonAdjacent(n: number, bits: number, seed: number): number[] {
  const r = rng(seed);
  const chosen = new Set<number>();
  while (chosen.size < n) {
    const v = Math.floor(r() * 2 ** bits);
    if (chosen.has(v) || chosen.has(v ^ 1)) continue;
    chosen.add(v);
  }
  return [...chosen];
}

const ipText = (v: number) => `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;

type Kind = 'ip' | 'cidr24' | 'vpce';

function values(kind: Kind, n: number): string[] {
  switch (kind) {
    case 'ip':
      return nonAdjacent(n, 24, 1).map((v) => `${ipText((10 << 24) | v)}`);
    case 'cidr24':
      return nonAdjacent(n, 16, 2).map((v) => `${ipText((10 << 24) | (v << 8))}/24`);
    case 'vpce':
      return nonAdjacent(n, 30, 3).map((v) => `vpce-${v.toString(16).padStart(17, '0')}`);
  }
}

function source(kind: Kind, vals: string[]): Source {
  return kind === 'vpce' ? Source.vpcEndpointIds(vals) : Source.ipRanges(vals);
}

function naiveStatements(kind: Kind, vals: string[]): iam.PolicyStatement[] {
  return vals.map(
    (v) =>
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: kind === 'vpce' ? { StringEquals: { 'aws:SourceVpce': v } } : { IpAddress: { 'aws:SourceIp': v } },
      }),
  );
}

const scratch = new Stack(new App(), 'Scratch', { env: { account: '123456789012', region: 'us-east-1' } });

function oursSize(kind: Kind, n: number): number {
  return policySize(scratch.resolve(new AccessPolicy({ allow: [source(kind, values(kind, n))] }).toJson(scratch)));
}

function naiveSize(kind: Kind, n: number): number {
  return policySize(
    scratch.resolve(new iam.PolicyDocument({ statements: naiveStatements(kind, values(kind, n)) }).toJSON()),
  );
}

/** Largest n with size(n) <= 8192 (size grows with n). */
function capacity(size: (n: number) => number): number {
  let lo = 0;
  let hi = 1;
  while (size(hi) <= POLICY_SIZE_LIMIT) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (size(mid) <= POLICY_SIZE_LIMIT) lo = mid;
    else hi = mid;
  }
  return lo;
}

function apiWith(policy: (api: apigw.RestApi) => void) {
  return (stack: Stack) => {
    const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' } });
    api.root.addMethod('GET', new apigw.MockIntegration());
    policy(api);
  };
}

const ips200 = values('ip', 200);
const ours200 = apiWith((api) => new AccessPolicy({ allow: [Source.ipRanges(ips200)] }).applyTo(api));
const naive200 = apiWith((api) => naiveStatements('ip', ips200).forEach((s) => api.addToResourcePolicy(s)));

const capacityScenario = (kind: Kind, label: string): Scenario => ({
  name: `access: policy capacity, random non-adjacent ${label}`,
  metric: 'sources under 8192 chars',
  goal: '>= 8',
  ours: () => capacity((n) => oursSize(kind, n)),
  baseline: () => capacity((n) => naiveSize(kind, n)),
  rounds: 1,
});

export const scenarios: Scenario[] = [
  capacityScenario('ip', 'single IPs'),
  capacityScenario('cidr24', '/24 ranges'),
  capacityScenario('vpce', 'VPC endpoint ids'),
  {
    name: 'access: RestApi with a 200-IP allow-list',
    metric: 'synth wall time (ms)',
    goal: '<= 1.05',
    ours: () => synthTimeMs(ours200),
    baseline: () => synthTimeMs(naive200),
    rounds: 9,
  },
];
