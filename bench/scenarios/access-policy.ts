/* eslint-disable no-bitwise */ // IPv4 ranges are built with bit arithmetic.
/**
 * access/: an AccessPolicy allowing N IP ranges applied to a RestApi, vs the hand-written aws-cdk-lib
 * equivalent: the same RestApi with `policy: new iam.PolicyDocument(...)` holding the same statements
 * (deny unless `aws:SourceIp` is in the list; allow).
 *
 * The N sources are /24 ranges in runs of up to 4 adjacent ones inside random (seeded) /22 blocks that are
 * never siblings: AccessPolicy merges each run (4 → one /22), so 1,000 sources compile to 250 ranges and
 * fit the 8,192-character quota (1,000 unmerged /24s would not: about 17,000 characters). The hand-written
 * side lists the merged ranges itself, so both templates hold the same statements and the ratios measure
 * AccessPolicy's own cost (normalising, merging, rendering at synthesis, the size check).
 */
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessPolicy, Source } from '../../src/access';
import { againstHandWritten, Scenario } from '../harness';

/** Deterministic pseudo-random numbers (LCG), so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ip = (v: number) => `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;

/** `count` random /22 blocks in 10.0.0.0/8, no two siblings (so merged blocks never merge further), ascending. */
function blocks(count: number): number[] {
  const r = rng(22);
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const v = Math.floor(r() * 2 ** 14);
    if (!chosen.has(v) && !chosen.has(v ^ 1)) chosen.add(v);
  }
  return [...chosen].sort((a, b) => a - b).map((v) => (10 << 24) | (v << 10));
}

interface Ranges {
  /** The N /24 ranges as the user lists them. */
  readonly sources: string[];
  /** The same addresses as merged ranges, ascending (what a careful hand-written policy lists). */
  readonly merged: string[];
}

export function ranges(n: number): Ranges {
  const sources: string[] = [];
  const merged: string[] = [];
  blocks(Math.ceil(n / 4)).forEach((base, i) => {
    const c = Math.min(4, n - 4 * i);
    for (let k = 0; k < c; k++) sources.push(`${ip(base + (k << 8))}/24`);
    if (c === 4) merged.push(`${ip(base)}/22`);
    if (c === 2 || c === 3) merged.push(`${ip(base)}/23`);
    if (c === 1) merged.push(`${ip(base)}/24`);
    if (c === 3) merged.push(`${ip(base + (2 << 8))}/24`);
  });
  return { sources, merged };
}

function restApi(stack: Stack, policy?: iam.PolicyDocument): apigw.RestApi {
  const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' }, policy });
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

export function ours(n: number) {
  const { sources } = ranges(n);
  return (stack: Stack) => {
    new AccessPolicy({ allow: [Source.ipRanges(sources)] }).applyTo(restApi(stack));
  };
}

export function baseline(n: number) {
  const { merged } = ranges(n);
  return (stack: Stack) => {
    const invoke = {
      principals: [new iam.StarPrincipal()],
      actions: ['execute-api:Invoke'],
      resources: ['execute-api:/*'],
    };
    restApi(
      stack,
      new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            ...invoke,
            effect: iam.Effect.DENY,
            conditions: { NotIpAddress: { 'aws:SourceIp': merged } },
          }),
          new iam.PolicyStatement(invoke),
        ],
      }),
    );
  };
}

export const scenarios: Scenario[] = [10, 100, 1000].flatMap((n) =>
  againstHandWritten(
    `access-policy: ${n.toLocaleString('en-US')} IP-range sources on a RestApi vs the same iam.PolicyDocument`,
    ours(n),
    baseline(n),
  ),
);
