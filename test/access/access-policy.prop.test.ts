/**
 * The security invariant, checked differentially: for random policies and random requests, the decision
 * of @cloud-copilot/iam-simulate on the compiled policy equals the intended decision computed by a small
 * reference model ("admitted iff a covering allow rule matches and no covering deny rule matches"), for
 * anonymous, same-account IAM and cross-account IAM callers, public and PRIVATE endpoints.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { normalise, policyArb, reqArb, role, STAGES, toPolicy } from './generators';
import { API_ACCOUNT, intended, oracleAllows, PolicySpec, Req } from './oracle';
import { AccessPolicy } from '../../src';
import { propertyRuns } from '../support/budget';

const app = new App();
const stack = new Stack(app, 'Prop', { env: { account: API_ACCOUNT, region: 'us-east-1' } });

function compiled(policy: AccessPolicy, privateEndpoint: boolean): any {
  const json = stack.resolve(policy.toJson(stack, { privateEndpoint, stages: STAGES }));
  return JSON.parse(
    JSON.stringify(json).replace(
      /\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":execute-api:us-east-1:123456789012:\?\?\?\?\?\?\?\?\?\?\/(.*?)"\]\]\}/g,
      '"arn:aws:execute-api:us-east-1:123456789012:??????????/$1"',
    ),
  );
}

const REQUESTS_PER_POLICY = 20;
const FULL_RUNS = 500; // 500 × 20 = 10,000 requests per CI run
const RUNS = propertyRuns(FULL_RUNS);

describe('AccessPolicy compiled by the library vs the intended decision (iam-simulate oracle)', () => {
  test('never disagrees: 10,000 random requests against random policies', async () => {
    const start = Date.now();
    let cases = 0;
    const admitted: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        policyArb,
        fc.option(policyArb, { nil: undefined, freq: 4 }),
        fc
          .boolean()
          .chain((priv) =>
            fc
              .array(reqArb(priv), { minLength: REQUESTS_PER_POLICY, maxLength: REQUESTS_PER_POLICY })
              .map((r) => [priv, r] as const),
          ),
        async (_unused, rawA, rawB, [privateEndpoint, requests]) => {
          const a = normalise(rawA);
          const b = rawB && normalise(rawB);
          const policy = b ? toPolicy(a).narrowedBy(toPolicy(b)) : toPolicy(a);
          const doc = compiled(policy, privateEndpoint);
          for (const req of requests) {
            const want = intended(a, req, privateEndpoint) && (!b || intended(b, req, privateEndpoint));
            const got = await oracleAllows(doc, req, privateEndpoint);
            cases++;
            const kind = req.service
              ? 'service'
              : !req.caller
                ? 'anonymous'
                : req.caller.account === API_ACCOUNT
                  ? 'same-account'
                  : 'cross-account';
            const key = `${kind} ${want ? 'admitted' : 'refused'}`;
            admitted[key] = (admitted[key] ?? 0) + 1;
            if (want !== got) {
              throw new Error(
                `${got ? 'OVER-PERMISSIVE' : 'over-restrictive'}: want ${want}, got ${got}\nrequest ${JSON.stringify(req)}\npolicy ${JSON.stringify(doc)}`,
              );
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    // eslint-disable-next-line no-console
    console.log(`${cases} cases in ${Date.now() - start} ms`, admitted);
    expect(cases).toBeGreaterThanOrEqual(RUNS * REQUESTS_PER_POLICY);
    // Not vacuous: every caller kind is both admitted and refused many times (0.25% of the cases each; service
    // callers are the rarest kind and are admitted in about 1% of the cases).
    // A scaled-down budget (test:fast) is too small for the rarest kind: there, each verdict must occur at all.
    const kinds = RUNS === FULL_RUNS ? ['anonymous', 'same-account', 'cross-account', 'service'] : [];
    const often = Math.max(1, Math.floor(cases / 400));
    for (const kind of kinds) {
      expect(admitted[`${kind} admitted`]).toBeGreaterThan(often);
      expect(admitted[`${kind} refused`]).toBeGreaterThan(often);
    }
    const sum = (verdict: string) =>
      Object.entries(admitted)
        .filter(([k]) => k.endsWith(verdict))
        .reduce((n, [, v]) => n + v, 0);
    expect(sum(' admitted')).toBeGreaterThan(0);
    expect(sum(' refused')).toBeGreaterThan(0);
  });

  // Shrunk counterexamples and hand-picked edge cases, kept as regular tests.
  test('regression: narrowedBy of overlapping scopes admits what both admit (once over-restrictive)', async () => {
    // GIVEN
    const a: PolicySpec = { allow: [{ scope: {}, sources: [{ kind: 'ip', values: ['10.0.0.5/32'] }] }], deny: [] };
    const b: PolicySpec = {
      allow: [
        { scope: { paths: ['/items/*'] }, sources: [{ kind: 'ip', values: ['10.0.0.0/16'] }] },
        { scope: {}, sources: [{ kind: 'principal', values: ['arn:aws:iam::333333333333:role/R1'] }] },
      ],
      deny: [],
    };
    const req: Req = {
      stage: 'dev',
      method: 'GET',
      path: '/items/1',
      ip: '10.0.0.5',
      vpce: 'vpce-11111111',
      vpc: 'vpc-11111111',
    };
    // WHEN
    const doc = compiled(toPolicy(a).narrowedBy(toPolicy(b)), true);
    // THEN
    expect(await oracleAllows(doc, req, true)).toBe(true);
    expect(await oracleAllows(doc, { ...req, path: '/other' }, true)).toBe(false);
  });

  test('a crafted path containing /GET/public/ does not reach a GET-only /public/* rule', async () => {
    // GIVEN
    const spec: PolicySpec = {
      allow: [{ scope: { methods: ['GET'], paths: ['/public/*'] }, sources: [{ kind: 'anyone' }] }],
      deny: [],
    };
    // WHEN
    const doc = compiled(toPolicy(spec), false);
    // THEN
    const base: Req = { stage: 'prod', method: 'GET', path: '/public/a', ip: '172.16.0.1' };
    expect(await oracleAllows(doc, base, false)).toBe(true);
    expect(await oracleAllows(doc, { ...base, method: 'POST', path: '/GET/public/a' }, false)).toBe(false);
    const sameAccount = { account: API_ACCOUNT, arn: role(API_ACCOUNT, 'R1') };
    expect(
      await oracleAllows(doc, { ...base, method: 'POST', path: '/GET/public/a', caller: sameAccount }, false),
    ).toBe(false);
  });

  test('a same-account IAM caller outside every allow scope is denied (a silent policy would admit it)', async () => {
    // GIVEN
    const spec: PolicySpec = { allow: [{ scope: { stages: ['prod'] }, sources: [{ kind: 'anyone' }] }], deny: [] };
    // WHEN
    const doc = compiled(toPolicy(spec), false);
    // THEN
    const caller = { account: API_ACCOUNT, arn: role(API_ACCOUNT, 'R1') };
    expect(
      await oracleAllows(doc, { stage: 'dev', method: 'GET', path: '/items', ip: '10.0.0.5', caller }, false),
    ).toBe(false);
    expect(
      await oracleAllows(doc, { stage: 'prod', method: 'GET', path: '/items', ip: '10.0.0.5', caller }, false),
    ).toBe(true);
  });
});
