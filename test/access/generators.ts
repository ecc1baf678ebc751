/**
 * Generators shared by the access-policy properties: random sources, scopes, policies and requests over
 * small value pools (so that matches are frequent), and their translation to the library's API.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { API_ACCOUNT, PolicySpec, Req, RuleSpec, ScopeSpec, SrcSpec } from './oracle';
import { AccessPolicy, ApiScope, Source } from '../../src';

export const STAGES = ['dev', 'prod'];
const CIDRS = [
  '10.0.0.0/24',
  '10.0.1.0/24',
  '10.0.0.0/16',
  '10.0.0.5/32',
  '192.168.0.0/16',
  '2001:db8::/32',
  '2001:db8:1::/48',
];
const IPS = [
  '10.0.0.5',
  '10.0.1.9',
  '10.0.2.1',
  '192.168.1.1',
  '172.16.0.1',
  '2001:db8::1',
  '2001:db8:1::5',
  '2001:db9::1',
];
const VPCES = ['vpce-11111111', 'vpce-22222222', 'vpce-33333333'];
const VPCS = ['vpc-11111111', 'vpc-22222222'];
const ACCOUNTS = [API_ACCOUNT, '222222222222', '333333333333'];
const ORGS = ['o-aaaaaaaaaa', 'o-bbbbbbbbbb'];
const ORG_PATHS = [
  'o-aaaaaaaaaa/r-ab12/',
  'o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/',
  'o-aaaaaaaaaa/r-ab12/ou-ab12-22222222/',
];
export const role = (acct: string, name: string) => `arn:aws:iam::${acct}:role/${name}`;
const ROLES = ACCOUNTS.flatMap((a) => [role(a, 'R1'), role(a, 'R2')]);
const PATHS = ['/public/*', '/items', '/items/*', '/*', '/x*y'];
const REQ_PATHS = ['/public/a', '/public', '/items', '/items/1', '/GET/public/a', '/x/public/y', '/xay', '/other'];

const SERVICES = ['events.amazonaws.com', 'sns.amazonaws.com'];
const RULE_ARN_PATTERNS = [
  'arn:aws:events:us-east-1:222222222222:rule/a',
  'arn:aws:events:us-east-1:222222222222:rule/*',
];
const RULE_ARNS = ['arn:aws:events:us-east-1:222222222222:rule/a', 'arn:aws:events:us-east-1:222222222222:rule/b'];

const someOf = (pool: string[]) => fc.subarray(pool, { minLength: 1, maxLength: Math.min(3, pool.length) });

export const srcArb: fc.Arbitrary<SrcSpec> = fc.oneof(
  { arbitrary: fc.constant<SrcSpec>({ kind: 'anyone' }), weight: 1 },
  { arbitrary: someOf(CIDRS).map<SrcSpec>((values) => ({ kind: 'ip', values })), weight: 3 },
  { arbitrary: someOf(VPCES).map<SrcSpec>((values) => ({ kind: 'vpce', values })), weight: 2 },
  { arbitrary: someOf(VPCS).map<SrcSpec>((values) => ({ kind: 'vpc', values })), weight: 1 },
  { arbitrary: someOf(ACCOUNTS).map<SrcSpec>((values) => ({ kind: 'account', values })), weight: 2 },
  { arbitrary: someOf(ORGS).map<SrcSpec>((values) => ({ kind: 'org', values })), weight: 1 },
  { arbitrary: someOf(ORG_PATHS).map<SrcSpec>((values) => ({ kind: 'orgPath', values })), weight: 1 },
  { arbitrary: someOf(ROLES).map<SrcSpec>((values) => ({ kind: 'principal', values })), weight: 1 },
  {
    arbitrary: fc
      .record(
        {
          name: fc.constantFrom(...SERVICES),
          sourceArn: fc.constantFrom(...RULE_ARN_PATTERNS),
          sourceAccount: fc.constantFrom(...ACCOUNTS),
        },
        { requiredKeys: ['name'] },
      )
      .map<SrcSpec>((x) => ({ kind: 'service', ...x })),
    weight: 1,
  },
);

export const scopeArb: fc.Arbitrary<ScopeSpec> = fc.record(
  {
    stages: someOf(STAGES),
    methods: someOf(['GET', 'POST']),
    paths: fc.subarray(PATHS, { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);

export const policyArb: fc.Arbitrary<PolicySpec> = fc.record({
  allow: fc.array(
    fc.oneof(
      srcArb.map<RuleSpec>((s) => ({ scope: {}, sources: [s] })),
      fc.tuple(scopeArb, srcArb).map<RuleSpec>(([scope, s]) => ({ scope, sources: [s] })),
    ),
    { minLength: 1, maxLength: 4 },
  ),
  deny: fc.array(fc.record({ scope: fc.oneof(fc.constant({}), scopeArb), source: srcArb }), { maxLength: 2 }),
});

export const callerArb = fc.option(
  fc
    .record({ acct: fc.constantFrom(...ACCOUNTS), name: fc.constantFrom('R1', 'R2'), org: fc.nat(3) })
    .map(({ acct, name, org }) => ({
      account: acct,
      arn: role(acct, name),
      orgId: org === 0 ? undefined : acct === '333333333333' ? 'o-bbbbbbbbbb' : 'o-aaaaaaaaaa',
      orgPaths:
        org === 0
          ? undefined
          : acct === '333333333333'
            ? ['o-bbbbbbbbbb/r-cd34/']
            : org === 1
              ? ['o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/']
              : ['o-aaaaaaaaaa/r-ab12/ou-ab12-22222222/ou-ab12-33333333/'],
    })),
  { nil: undefined },
);

export const reqArb = (privateEndpoint: boolean): fc.Arbitrary<Req> =>
  fc
    .record({
      stage: fc.constantFrom(...STAGES),
      method: fc.constantFrom('GET', 'POST', 'DELETE'),
      path: fc.constantFrom(...REQ_PATHS),
      ip: fc.constantFrom(...IPS),
      vpce: privateEndpoint ? fc.constantFrom(...VPCES, 'vpce-44444444') : fc.constant(undefined),
      vpc: privateEndpoint ? fc.constantFrom(...VPCS, 'vpc-33333333') : fc.constant(undefined),
      caller: callerArb,
    })
    .chain((r) =>
      // Caller kinds: anonymous 3, IAM 4 (same or cross account), AWS service 1.
      fc.oneof(
        { arbitrary: fc.constant({ ...r, caller: undefined }), weight: 3 },
        { arbitrary: callerArb.filter((c) => c !== undefined).map((caller) => ({ ...r, caller })), weight: 4 },
        {
          arbitrary: fc
            .record({
              name: fc.constantFrom(...SERVICES),
              sourceArn: fc.option(fc.constantFrom(...RULE_ARNS), { nil: undefined }),
              sourceAccount: fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined }),
            })
            .map((service) => ({ ...r, caller: undefined, service })),
          weight: 1,
        },
      ),
    );

export function toSource(s: SrcSpec): Source {
  switch (s.kind) {
    case 'anyone':
      return Source.anyone();
    case 'ip':
      return Source.ipRanges(s.values);
    case 'vpce':
      return Source.vpcEndpointIds(s.values);
    case 'vpc':
      return Source.vpcIds(s.values);
    case 'account':
      return Source.accounts(s.values);
    case 'org':
      return Source.organization(s.values[0]);
    case 'orgPath':
      return Source.organizationPaths(s.values);
    case 'principal':
      return Source.principals(s.values.map((a) => new iam.ArnPrincipal(a)));
    case 'service':
      return Source.service(s.name, { sourceArn: s.sourceArn, sourceAccount: s.sourceAccount });
  }
}

/** `organization` takes one id: a multi-value org spec becomes one source per id (OR). */
export function normalise(spec: PolicySpec): PolicySpec {
  const fix = (s: SrcSpec): SrcSpec => (s.kind === 'org' ? { kind: 'org', values: [s.values[0]] } : s);
  return {
    allow: spec.allow.map((r) => ({ ...r, sources: r.sources.map(fix) })),
    deny: spec.deny.map((d) => ({ ...d, source: fix(d.source) })),
  };
}

/** The scope of a spec (an empty spec is the whole API). */
export function scopeOf(s: ScopeSpec): ApiScope {
  return Object.keys(s).length === 0 ? ApiScope.api() : ApiScope.of(s);
}

/** Adds a spec's rules to a policy (in the spec's order). */
export function addRules(p: AccessPolicy, spec: PolicySpec): AccessPolicy {
  spec.allow.forEach((r) => p.allowOn(scopeOf(r.scope), ...r.sources.map(toSource)));
  spec.deny.forEach((d) => p.denyOn(scopeOf(d.scope), toSource(d.source)));
  return p;
}

export function toPolicy(spec: PolicySpec): AccessPolicy {
  return addRules(new AccessPolicy(), spec);
}
