/**
 * Differential test: our resource-policy evaluator against @cloud-copilot/iam-simulate (AGPL, test-only)
 * on random policies × requests (operators, wildcards, missing keys, principals). SEMANTICS §6 gotchas:
 * full ARNs instead of the `execute-api:/` shorthand, no root-path ARNs, strings for single-valued keys.
 */
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import * as fc from 'fast-check';
import { evaluatePolicy, normalizePolicy, PolicyVerdict } from '../../src/simulate/policy-eval';
import { propertyRuns } from '../support/budget';

const ACCT = '123456789012';
const OTHER = '210987654321';
const BASE = `arn:aws:execute-api:us-east-1:${ACCT}:a1b2c3d4e5`;
// about 11 % are skipped (see mixedIpVersionsInNegatedIp): ≥ 5,000 compared at the full budget
const FULL_RUNS = 6000;
const RUNS = propertyRuns(FULL_RUNS, 200);
const MIN_COMPARED = RUNS === FULL_RUNS ? 5000 : Math.floor(RUNS * 0.85);

const principalArns = [
  `arn:aws:iam::${ACCT}:role/App`,
  `arn:aws:iam::${OTHER}:role/Client`,
  `arn:aws:iam::${OTHER}:user/bob`,
];

const arbPrincipal = fc.constantFrom<any>(
  '*',
  { AWS: '*' },
  { AWS: `arn:aws:iam::${ACCT}:root` },
  { AWS: `arn:aws:iam::${OTHER}:root` },
  { AWS: OTHER },
  { AWS: [`arn:aws:iam::${OTHER}:role/Client`, ACCT] },
  { AWS: `arn:aws:iam::${ACCT}:role/App` },
  { Service: 'lambda.amazonaws.com' },
);

const arbAction = fc.constantFrom<any>(
  'execute-api:Invoke',
  'execute-api:*',
  '*',
  'execute-api:Inv*',
  'execute-api:InvalidateCache',
  ['execute-api:InvalidateCache', 'execute-api:invoke'],
);

const arbResource = fc.constantFrom<any>(
  `${BASE}/*`,
  `${BASE}/prod/GET/*`,
  `${BASE}/*/GET/items`,
  `${BASE}/prod/*/items/?`,
  `${BASE}/prod/*/items/*`,
  `${BASE}/dev/*`,
  'arn:aws:execute-api:*:*:*',
  `arn:aws:execute-api:us-east-?:*:a1b2c3d4e5/*/POST/*`,
  '*',
  [`${BASE}/dev/*`, `${BASE}/prod/PUT/*`],
);

type KeyKind = 'ip' | 'string' | 'date' | 'numeric' | 'bool' | 'arn' | 'multi';
const KEYS: [string, KeyKind][] = [
  ['aws:SourceIp', 'ip'],
  ['aws:VpcSourceIp', 'ip'],
  ['aws:SourceVpce', 'string'],
  ['aws:SourceVpc', 'string'],
  ['aws:PrincipalAccount', 'string'],
  ['aws:PrincipalOrgID', 'string'],
  ['aws:UserAgent', 'string'],
  ['aws:CurrentTime', 'date'],
  ['aws:EpochTime', 'numeric'],
  ['aws:SecureTransport', 'bool'],
  ['aws:PrincipalArn', 'arn'],
  ['aws:PrincipalOrgPaths', 'multi'],
];

const IPS = ['10.1.2.3', '10.200.0.1', '192.168.1.10', '203.0.113.7', '2001:db8::1', '2001:db8:1::5', 'fe80::1'];
// no /0 ranges: iam-simulate 0.1.173 does not match 0.0.0.0/0 (ours does; see policy-eval.test.ts)
const CIDRS = [
  '10.0.0.0/8',
  '10.1.2.3',
  '10.1.2.0/24',
  '192.168.0.0/16',
  '203.0.113.7/32',
  '2001:db8::/32',
  '2001:db8::1/128',
  '2001:db8:1::/48',
];
const STRINGS = [
  'vpce-1',
  'vpce-2',
  'vpce-*',
  'vpc-1',
  'o-abc',
  'O-ABC',
  ACCT,
  OTHER,
  'curl/8.0',
  'Mozilla*',
  'vpce-?',
];
const DATES = ['2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z', '2025-12-31T23:59:59Z', '2027-01-01T00:00:00Z'];
const NUMS = ['1767225600', '1780000000', '1700000000', '0'];
const ARNS = [...principalArns, `arn:aws:iam::${OTHER}:*`, `arn:aws:iam::*:role/App`, 'arn:aws:iam::*:role/*'];
const PATHS = ['o-abc/r-1/ou-1/', 'o-abc/r-1/ou-2/', 'o-xyz/r-9/'];
const PATH_PATTERNS = ['o-abc/*', 'o-abc/r-1/ou-1/', 'o-xyz/*', 'o-*/r-1/*'];

const OPS: Record<KeyKind, string[]> = {
  ip: ['IpAddress', 'NotIpAddress'],
  string: [
    'StringEquals',
    'StringNotEquals',
    'StringEqualsIgnoreCase',
    'StringNotEqualsIgnoreCase',
    'StringLike',
    'StringNotLike',
  ],
  date: [
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ],
  numeric: [
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
  ],
  bool: ['Bool'],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
  multi: [
    'ForAnyValue:StringLike',
    'ForAllValues:StringLike',
    'ForAnyValue:StringEquals',
    'ForAllValues:StringNotLike',
    'ForAnyValue:StringNotEquals',
  ],
};

function policyValues(kind: KeyKind): fc.Arbitrary<any> {
  const pool =
    kind === 'ip'
      ? CIDRS
      : kind === 'string'
        ? STRINGS
        : kind === 'date'
          ? DATES
          : kind === 'numeric'
            ? NUMS
            : kind === 'bool'
              ? ['true', 'false']
              : kind === 'arn'
                ? ARNS
                : PATH_PATTERNS;
  return fc.oneof(fc.constantFrom(...pool), fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 }));
}

const arbClause = fc.constantFrom(...KEYS).chain(([key, kind]) =>
  fc.record({
    key: fc.constantFrom(key, key.toLowerCase()),
    op: fc
      .constantFrom(...OPS[kind])
      .chain((op) => (op.startsWith('For') ? fc.constant(op) : fc.constantFrom(op, op, `${op}IfExists`))),
    values: policyValues(kind),
    kind: fc.constant(kind),
  }),
);

const arbNull = fc.record({
  key: fc.constantFrom(...KEYS.filter(([, k]) => k !== 'multi').map(([k]) => k)),
  value: fc.constantFrom('true', 'false'),
});

const arbStatement = fc
  .record({
    effect: fc.constantFrom('Allow', 'Deny'),
    principal: arbPrincipal,
    notPrincipal: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    action: arbAction,
    notAction: fc.integer({ min: 0, max: 9 }),
    resource: arbResource,
    notResource: fc.integer({ min: 0, max: 9 }),
    clauses: fc.array(arbClause, { maxLength: 2 }),
    nullClause: fc.option(arbNull, { freq: 6 }),
  })
  .map((s) => {
    const st: any = { Effect: s.effect };
    // NotPrincipal with Allow is not allowed by IAM; only with Deny
    // NotPrincipal only with Deny (IAM forbids it with Allow), never with a wildcard (meaningless)
    if (
      s.notPrincipal &&
      s.effect === 'Deny' &&
      s.principal !== '*' &&
      !s.principal.Service &&
      s.principal.AWS !== '*'
    ) {
      st.NotPrincipal = s.principal;
    } else {
      st.Principal = s.principal;
    }
    if (s.notAction === 0) st.NotAction = s.action;
    else st.Action = s.action;
    if (s.notResource === 0) st.NotResource = s.resource;
    else st.Resource = s.resource;
    const cond: Record<string, Record<string, any>> = {};
    for (const c of s.clauses) {
      cond[c.op] = cond[c.op] ?? {};
      cond[c.op][c.key] = c.values;
    }
    if (s.nullClause) cond.Null = { [s.nullClause.key]: s.nullClause.value };
    if (Object.keys(cond).length) st.Condition = cond;
    return st;
  });

const arbPolicy = fc
  .array(arbStatement, { minLength: 1, maxLength: 3 })
  .map((Statement) => ({ Version: '2012-10-17', Statement }));

function requestValue(kind: KeyKind): fc.Arbitrary<any> {
  switch (kind) {
    case 'ip':
      return fc.constantFrom(...IPS);
    case 'string':
      return fc.constantFrom(
        'vpce-1',
        'vpce-2',
        'vpce-x',
        'vpc-1',
        'o-abc',
        'o-ABC',
        ACCT,
        OTHER,
        'curl/8.0',
        'Mozilla/5.0',
      );
    case 'date':
      return fc.constantFrom(...DATES, '2026-03-01T12:00:00Z');
    case 'numeric':
      return fc.constantFrom(...NUMS, '1767225601');
    case 'bool':
      return fc.constantFrom('true', 'false');
    case 'arn':
      return fc.constantFrom(...principalArns);
    default:
      return fc.uniqueArray(fc.constantFrom(...PATHS), { minLength: 1, maxLength: 2 });
  }
}

const arbRequest = fc.record({
  principal: fc.option(fc.constantFrom(...principalArns), { freq: 2 }),
  path: fc.constantFrom(
    'prod/GET/items',
    'prod/GET/items/a',
    'prod/POST/items/abc',
    'dev/GET/items',
    'prod/PUT/x/items/q',
    'prod/GET/Items',
  ),
  // aws:CurrentTime and aws:EpochTime are in every request (SEMANTICS §1.3; iam-simulate assumes them too)
  ctx: fc.record(
    Object.fromEntries(
      KEYS.map(([k, kind]) => [
        k,
        k === 'aws:CurrentTime' || k === 'aws:EpochTime'
          ? requestValue(kind)
          : fc.option(requestValue(kind), { freq: 2 }),
      ]),
    ) as Record<string, fc.Arbitrary<any>>,
  ),
});

/**
 * iam-simulate treats an entry of the other IP version as making NotIpAddress false (even beside entries of
 * the caller's version); IAM's rule (and ours) is that an IPv6 caller is not in an IPv4 range, so
 * `Deny NotIpAddress [v4 ranges]` denies IPv6 callers. Such cases are not modelled alike: skipped.
 */
function mixedIpVersionsInNegatedIp(policy: any, ctx: Record<string, any>): boolean {
  const v6 = (x: string) => x.includes(':');
  for (const st of policy.Statement) {
    for (const [op, block] of Object.entries<any>(st.Condition ?? {})) {
      if (!/NotIpAddress/.test(op)) continue;
      for (const [key, values] of Object.entries<any>(block)) {
        const rv = Object.entries(ctx).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
        if (typeof rv !== 'string') continue;
        const vals: string[] = Array.isArray(values) ? values : [values];
        // any entry of the other version: iam-simulate's answer then differs even when a same-version entry
        // is listed too (random seeds 960712087, 89468642: [v4, v6 range] against an IPv6 caller)
        if (vals.some((v) => v6(v) !== v6(rv))) return true;
      }
    }
  }
  return false;
}

function mapTheirs(r: string | undefined): PolicyVerdict | undefined {
  if (r === 'Allowed' || r === 'AllowedForAccount') return 'allow';
  if (r === 'ExplicitlyDenied' || r === 'DeniedForAccount') return 'deny';
  if (r === 'ImplicitlyDenied' || r === 'NotApplicable') return 'neither';
  return undefined;
}

describe('policy evaluator vs @cloud-copilot/iam-simulate', () => {
  test(`${RUNS} random policies × requests: 0 disagreements`, async () => {
    const disagreements: any[] = [];
    let compared = 0;
    let skipped = 0;
    let ourMs = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(arbPolicy, arbRequest, async (policy, req) => {
        const ctx: Record<string, any> = {};
        for (const [k, v] of Object.entries(req.ctx)) if (v !== null && v !== undefined) ctx[k] = v;
        const arn = `${BASE}/${req.path}`;
        // iam-simulate never applies a Deny with NotPrincipal to anonymous callers; IAM does (anonymous is not
        // among the listed principals), so those cases are not modelled alike either
        const anonymousNotPrincipal =
          !req.principal && policy.Statement.some((st: any) => st.NotPrincipal !== undefined);
        if (anonymousNotPrincipal || mixedIpVersionsInNegatedIp(policy, ctx)) {
          skipped++;
          return;
        }
        const principal = req.principal ?? undefined;
        const account = principal ? /::(\d{12}):/.exec(principal)![1] : undefined;
        const theirs: any = await runSimulation(
          {
            request: {
              principal: principal ?? anonymousPrincipal,
              action: 'execute-api:Invoke',
              resource: { resource: arn, accountId: ACCT },
              contextVariables: ctx,
            },
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy,
          } as any,
          {},
        );
        if (
          theirs.resultType !== 'single' ||
          (theirs.result.ignoredContextKeys ?? theirs.result.analysis?.ignoredContextKeys ?? []).length > 0
        ) {
          skipped++;
          return;
        }
        const t = mapTheirs(theirs.result.analysis?.resourceAnalysis?.result);
        if (!t) {
          skipped++;
          return;
        }
        const t0 = performance.now();
        const ours = evaluatePolicy(normalizePolicy(policy), {
          principal: account ? { account, arn: principal! } : undefined,
          action: 'execute-api:Invoke',
          resource: arn,
          context: Object.fromEntries(Object.entries(ctx).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
        }).verdict;
        ourMs += performance.now() - t0;
        compared++;
        if (ours !== t) {
          disagreements.push({ policy, req, ours, theirs: theirs.result.analysis?.resourceAnalysis?.result });
        }
      }),
      { numRuns: RUNS },
    );
    const ms = Date.now() - started;
    // eslint-disable-next-line no-console
    console.log(
      `differential: ${compared} compared, ${skipped} skipped, ${disagreements.length} disagreements, ${ms} ms total, ours ${ourMs.toFixed(0)} ms`,
    );
    if (disagreements.length) {
      // eslint-disable-next-line no-console
      console.log(JSON.stringify(disagreements.slice(0, 5)));
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(MIN_COMPARED);
  }, 120_000);
});
