/**
 * Every template of the shared corpus (/work/shared/corpus, never copied into the repo) loads, `explain`
 * renders, and at least one verdict per template is asserted from its author's intent (MANIFEST.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AuthorizerDecision, RequestSimulator } from '../../src/simulate';

const CORPUS = process.env.GATEKEEPER_CORPUS_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'corpus');
const present = fs.existsSync(path.join(CORPUS, 'MANIFEST.md'));
// Missing corpus = a failure (CI must not go green without it), unless skipping is asked for explicitly.
const skipAsked = process.env.GATEKEEPER_CORPUS === 'skip';
const d = present ? describe : describe.skip;
if (!present && !skipAsked) {
  test('the corpus is present at ../shared/corpus', () => {
    throw new Error(
      `the template corpus is missing: ${CORPUS}/MANIFEST.md does not exist. Check it out beside the repository, or set GATEKEEPER_CORPUS=skip to run without it`,
    );
  });
}
const T0 = Date.UTC(2026, 0, 5);

function load(rel: string, options = {}): RequestSimulator {
  return RequestSimulator.fromFile(path.join(CORPUS, rel), { startTime: T0, ...options });
}

function primaryTemplates(): string[] {
  if (!present) return [];
  const out: string[] = [];
  for (const sub of ['sam', 'aws-cdk', 'serverless-patterns', 'localstack']) {
    for (const f of fs.readdirSync(path.join(CORPUS, sub))) {
      if (fs.statSync(path.join(CORPUS, sub, f)).isDirectory()) continue;
      if (sub === 'sam' && f.endsWith('.yaml')) continue; // SAM inputs: the .json next to them is the translated template
      out.push(`${sub}/${f}`);
    }
  }
  return out.sort();
}

d('corpus: every template loads and explain renders', () => {
  const files = primaryTemplates();
  test('the corpus has its 41 primary templates', () => {
    expect(files).toHaveLength(41);
  });
  test.each(files)('%s', (rel) => {
    // GIVEN
    const sim = load(rel);
    // WHEN
    const md = sim.explain();
    // THEN
    expect(md).toContain('## Findings');
    for (const api of sim.apis()) expect(md).toContain(`## API ${api}`);
  });
  test.each([
    'sam/integration/api_with_resource_policies.yaml',
    'sam/integration/api_with_resource_policies_aws_account.yaml',
    'sam/integration/api_with_usage_plan.yaml',
  ])('SAM-only %s loads and says what is not simulated', (rel) => {
    const sim = load(rel);
    expect(sim.explain()).toMatch(/not simulated: .*AWS::Serverless::/);
  });
  test.each(
    primaryTemplates()
      .filter((f) => f.startsWith('sam/'))
      .map((f) => f.replace(/\.json$/, '.yaml')),
  )('SAM input %s loads as YAML', (rel) => {
    expect(() => load(rel).explain()).not.toThrow();
  });
});

d('corpus verdicts: sam/', () => {
  test.each([
    'sam/api_with_resource_policy.json',
    'sam/api_with_resource_policy_global_implicit.json',
    'sam/api_with_if_conditional_with_resource_policy.json',
  ])('%s: statements without Effect/Principal make the policy invalid → 403 for everyone (conservative)', (rel) => {
    const sim = load(rel);
    const api = sim.apis()[0];
    const findings = sim.findings();
    expect(findings.map((f) => f.id)).toContain('invalid-policy');
    const md = sim.explain();
    expect(md).not.toMatch(/\| ✅ /);
    expect(md).toMatch(/\| ❌ 403 /);
    expect(api).toBeDefined();
  });

  test('api_with_resource_policy_global: both APIs refuse everyone (invalid policies)', () => {
    const sim = load('sam/api_with_resource_policy_global.json');
    expect(
      sim
        .findings()
        .filter((f) => f.id === 'invalid-policy')
        .map((f) => f.api)
        .sort(),
    ).toEqual(['AnotherApi', 'ExplicitApi']);
  });

  test('api_with_ip_range_whitelist: the same IP whitelisted and blacklisted → everyone denied', () => {
    const sim = load('sam/api_with_ip_range_whitelist.json');
    const listed = sim.invoke({ method: 'PUT', path: '/get', stage: 'Prod', sourceIp: '1.2.3.4' });
    const other = sim.invoke({ method: 'PUT', path: '/get', stage: 'Prod', sourceIp: '5.6.7.8' });
    expect(listed).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(listed.message).toMatch(/explicit deny$/);
    expect(other).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
  });

  test('api_with_ip_range_blacklist: 1.2.3.4 is denied, others admitted', () => {
    const sim = load('sam/api_with_ip_range_blacklist.json');
    const methods = pathOf(sim);
    expect(sim.invoke({ ...methods, stage: 'Prod', sourceIp: '1.2.3.4' })).toMatchObject({
      statusCode: 403,
      decidedBy: 'resource-policy',
    });
    expect(sim.invoke({ ...methods, stage: 'Prod', sourceIp: '9.9.9.9' })).toMatchObject({ statusCode: 200 });
  });

  test('api_with_source_vpc_whitelist: aws:SourceVpc never reaches a public API → everyone denied', () => {
    const sim = load('sam/api_with_source_vpc_whitelist.json');
    const r = sim.invoke({
      ...pathOf(sim, 'ServerlessRestApi'),
      stage: 'Prod',
      vpcId: 'vpc-1234',
      sourceIp: '10.0.0.1',
    });
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(r.reasons.join('\n')).toMatch(/aws:SourceVpc is absent/);
    // the second API has no policy: open
    expect(sim.findings().some((f) => f.api === 'MyApi' && f.id === 'no-methods')).toBe(true);
  });

  test('api_with_source_vpc_blacklist: a public caller is admitted (the blacklisted vpce never appears on a public API)', () => {
    const sim = load('sam/api_with_source_vpc_blacklist.json');
    expect(sim.invoke({ ...pathOf(sim), stage: 'Prod', sourceIp: '9.9.9.9' }).statusCode).toBe(200);
  });

  test('api_with_aws_account_whitelist: an AWS-principal allow never admits a NONE-auth caller', () => {
    const sim = load('sam/api_with_aws_account_whitelist.json');
    const r = sim.invoke({ method: 'PUT', path: '/get', stage: 'Prod', caller: { account: '12345' } });
    expect(r).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
  });

  test('api_with_aws_account_blacklist: a deny-only policy blocks everyone', () => {
    const sim = load('sam/api_with_aws_account_blacklist.json');
    expect(sim.invoke({ ...pathOf(sim), stage: 'Prod', sourceIp: '9.9.9.9' }).statusCode).toBe(403);
    expect(sim.findings().map((f) => f.id)).toContain('no-allow-policy');
  });

  test('api_swagger_integration_with_ref_intrinsic_api_id: AWS_IAM + policy for account 123456', () => {
    const sim = load('sam/api_swagger_integration_with_ref_intrinsic_api_id.json');
    expect(sim.invoke({ method: 'GET', path: '/', stage: 'Prod', caller: { account: '123456' } }).statusCode).toBe(200);
    expect(
      sim.invoke({ method: 'GET', path: '/', stage: 'Prod', caller: { account: '999999999999' } }).statusCode,
    ).toBe(403);
    expect(sim.invoke({ method: 'GET', path: '/', stage: 'Prod' })).toMatchObject({
      statusCode: 403,
      message: 'Missing Authentication Token',
    });
  });

  test('api_with_custom_domain_security_policy_private: the allowed VPCE comes from a parameter', () => {
    const unresolved = load('sam/api_with_custom_domain_security_policy_private.json');
    const r = unresolved.invoke({ method: 'GET', path: '/get', stage: 'Prod', vpcEndpointId: 'vpce-1' });
    expect(r.statusCode).toBe(403);
    expect(r.reasons.join('\n')).toMatch(/VpcEndpointId has no default.*conservative|conservative/);
    const sim = load('sam/api_with_custom_domain_security_policy_private.json', {
      parameters: { VpcEndpointId: 'vpce-1' },
    });
    expect(sim.invoke({ method: 'GET', path: '/get', stage: 'Prod', vpcEndpointId: 'vpce-1' }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/get', stage: 'Prod', vpcEndpointId: 'vpce-2' }).statusCode).toBe(403);
  });

  test('api_with_custom_domains_private: a public API with no methods in its body: every request is refused', () => {
    const sim = load('sam/api_with_custom_domains_private.json');
    expect(sim.invoke({ method: 'GET', path: '/', stage: 'prod', vpcEndpointId: 'vpce-abcd1234ef0' }).statusCode).toBe(
      403,
    );
  });

  test('state_machine_with_api_resource_policy: a null stage in Fn::Sub is unresolved → conservative', () => {
    const sim = load('sam/state_machine_with_api_resource_policy.json');
    const r = sim.invoke({ method: 'GET', path: '/one', stage: 'Prod', sourceIp: '1.2.3.4' });
    expect(r.statusCode).toBe(403);
    expect(r.reasons.join('\n')).toMatch(/null/);
    expect(sim.findings().map((f) => f.id)).toContain('uncertain-statement');
  });

  test('api_with_usageplans: key required but no plan (MyApiOne) → 403; offset 10 of 10 [U] → 429', () => {
    const sim = load('sam/api_with_usageplans.json');
    expect(
      sim.invoke({ api: 'MyApiOne', stage: 'Prod', method: 'GET', path: '/path/one', apiKeyRef: 'ServerlessApiKey' }),
    ).toMatchObject({ statusCode: 403, decidedBy: 'api-key' });
    const two = sim.invoke({
      api: 'MyApiTwo',
      stage: 'Prod',
      method: 'GET',
      path: '/path/two',
      apiKeyRef: 'MyApiTwoApiKey',
    });
    expect(two).toMatchObject({ statusCode: 429, decidedBy: 'quota' });
    expect(two.reasons.join('\n')).toMatch(/offset.*\[U\]/);
    expect(
      sim.invoke({
        api: 'MyApiThree',
        stage: 'Prod',
        method: 'GET',
        path: '/path/three',
        apiKeyRef: 'ServerlessApiKey',
      }).statusCode,
    ).toBe(200);
    expect(sim.findings().map((f) => f.id)).toContain('plan-without-limits');
  });

  test('api_with_usageplans_intrinsics: PER_API plans from a parameter default', () => {
    const sim = load('sam/api_with_usageplans_intrinsics.json');
    expect(
      sim.invoke({ api: 'MyApiOne', method: 'GET', path: '/path/one', apiKeyRef: 'MyApiOneApiKey' }).statusCode,
    ).toBe(200);
    expect(
      sim.invoke({ api: 'MyApiOne', method: 'GET', path: '/path/one', apiKeyRef: 'MyApiTwoApiKey' }).decidedBy,
    ).toBe('api-key');
  });

  test('api_with_usageplans_shared_attributes_three: one shared plan, one key for three APIs', () => {
    const sim = load('sam/api_with_usageplans_shared_attributes_three.json');
    const key = 'ServerlessApiKey';
    const served = sim.apis().filter((api) => {
      const p = pathOf(sim, api);
      return sim.invoke({ ...p, api, stage: 'Prod', apiKeyRef: key }).statusCode === 200;
    });
    expect(served.length).toBeGreaterThanOrEqual(2);
  });

  test('api_with_apikey_required: no plan and no key → 403 Forbidden', () => {
    const sim = load('sam/api_with_apikey_required.json');
    expect(sim.invoke({ ...pathOf(sim), stage: 'Prod', apiKey: 'some-key-value-0123456789' })).toMatchObject({
      statusCode: 403,
      decidedBy: 'api-key',
    });
  });

  test('api_with_auth_all_maximum: authorizer first (401 without a token), then the API key (403)', () => {
    const sim = load('sam/api_with_auth_all_maximum.json');
    const p = { method: 'GET', path: '/any/default' }; // Cognito
    expect(sim.invoke({ ...p, stage: 'Prod' })).toMatchObject({ statusCode: 401, decidedBy: 'authorization' });
    expect(
      sim.invoke({ method: 'GET', path: '/users', stage: 'Prod', authorizer: AuthorizerDecision.DENY }),
    ).toMatchObject({
      statusCode: 403,
      decidedBy: 'authorization',
    });
    expect(sim.invoke({ ...p, stage: 'Prod', authorizer: AuthorizerDecision.ALLOW })).toMatchObject({
      statusCode: 403,
      decidedBy: 'api-key',
    });
  });
});

d('corpus verdicts: aws-cdk/', () => {
  test('inline private API without a policy: every call fails', () => {
    const sim = load('aws-cdk/integ.api-definition.inline.private.expected.json');
    expect(sim.findings().map((f) => f.id)).toContain('private-api-without-policy');
    expect(sim.invoke({ ...pathOf(sim), vpcEndpointId: 'vpce-1' }).statusCode).toBe(403);
  });

  test('Cognito authorizer: 401 without a token, 200 with one', () => {
    const sim = load('aws-cdk/integ.cognito-authorizer.js.snapshot__CognitoUserPoolsAuthorizerInteg.template.json');
    expect(sim.invoke({ method: 'GET', path: '/' })).toMatchObject({ statusCode: 401, decidedBy: 'authorization' });
    expect(sim.invoke({ method: 'GET', path: '/', authorizer: AuthorizerDecision.ALLOW }).statusCode).toBe(200);
  });

  test('Lambda REQUEST authorizers: 401 / 403 / 200', () => {
    const sim = load('aws-cdk/integ.request-authorizer.lit.js.snapshot__RequestAuthorizerInteg.template.json');
    expect(sim.invoke({ method: 'POST', path: '/auth' }).statusCode).toBe(401);
    expect(sim.invoke({ method: 'POST', path: '/auth', authorizer: AuthorizerDecision.DENY })).toMatchObject({
      statusCode: 403,
      decidedBy: 'authorization',
    });
    expect(sim.invoke({ method: 'POST', path: '/auth', authorizer: AuthorizerDecision.ALLOW }).statusCode).toBe(200);
  });

  test('default apiKeyRequired without a plan: GET / 403, POST / 200', () => {
    const sim = load('aws-cdk/integ.restapi-default-apikey.js.snapshot__aws-cdk-lambda-1.template.json');
    expect(sim.invoke({ method: 'GET', path: '/' })).toMatchObject({ statusCode: 403, decidedBy: 'api-key' });
    expect(sim.invoke({ method: 'POST', path: '/' }).statusCode).toBe(200);
  });

  test('restapi: per-method throttle burst 2 on beta; prod is in no plan', () => {
    const sim = load('aws-cdk/integ.restapi.js.snapshot__test-apigateway-restapi.template.json');
    const r = sim.invokeRepeatedly(
      { method: 'GET', path: '/v1/toys', stage: 'beta', apiKeyRef: 'myapiApiKey43446CCF', at: T0 },
      5,
      0,
    );
    expect(r.counts).toEqual({ 200: 2, 429: 3 });
    expect(r.first.reasons.join('\n')).toMatch(/no BurstLimit.*\[U\]/);
    expect(
      sim.invoke({ method: 'GET', path: '/v1/toys', stage: 'prod', apiKeyRef: 'myapiApiKey43446CCF' }).decidedBy,
    ).toBe('api-key');
    expect(
      sim.invoke({ method: 'GET', path: '/v1/toys', stage: 'prod', apiKeyRef: 'TestStageMyTestApiKeyAB584BD5' })
        .decidedBy,
    ).toBe('api-key');
  });

  test('vpc-endpoint (grantInvokeFromVpcEndpointsOnly): the two endpoints in, any other out', () => {
    const sim = load('aws-cdk/integ.restapi.vpc-endpoint.js.snapshot__ApiGatewayVpcEndpointTestStack.template.json');
    const ids = sim.apis();
    expect(ids).toHaveLength(1);
    const md = sim.explain();
    expect(md).toMatch(/\| GET \| \/ \| NONE \| - \| ✅ \| ✅ \| ❌ 403 \|/);
    expect(sim.invoke({ method: 'GET', path: '/', vpcEndpointId: 'vpce-0ffffffffffffffff' }).statusCode).toBe(403);
  });

  test('older vpc-endpoint snapshot: an Allow without Resource is assumed not to apply (conservative)', () => {
    const sim = load('aws-cdk/integ.restapi.vpc-endpoint.js.snapshot__test-apigateway-vpcendpoint.template.json');
    const r = sim.invoke({ ...pathOf(sim), vpcEndpointId: 'vpce-1' });
    expect(r.statusCode).toBe(403);
    expect(r.reasons.join('\n')).toMatch(/no Resource/);
  });

  test('usage-plan multikey: a plan with no stages and no limits', () => {
    const sim = load('aws-cdk/integ.usage-plan.multikey.expected.json');
    expect(sim.apis()).toEqual([]);
    expect(sim.findings().map((f) => f.id)).toEqual(
      expect.arrayContaining(['plan-without-limits', 'plan-without-stages']),
    );
  });
});

d('corpus verdicts: serverless-patterns/ and localstack/', () => {
  test('apigw-api-key: raw CloudFormation key-required GET /', () => {
    const sim = load('serverless-patterns/apigw-api-key__template.yaml');
    expect(sim.invoke({ method: 'GET', path: '/' })).toMatchObject({ statusCode: 403, decidedBy: 'api-key' });
    expect(sim.invoke({ method: 'GET', path: '/', apiKeyRef: 'ApiKey' }).statusCode).toBe(200);
  });

  test('public-nlb-or-alb-private-api-cfn: PRIVATE, Deny unless the lower-case aws:sourceVpce matches', () => {
    const sim = load('serverless-patterns/public-nlb-or-alb-private-api-cfn__template.yaml');
    const md = sim.explain();
    expect(md).toContain('(PRIVATE)');
    const p = pathOf(sim);
    expect(sim.invoke({ ...p, vpcEndpointId: 'vpce-0ffffffffffffffff' }).statusCode).toBe(403);
    const allowed = /via (vpce-[0-9a-f]+)/.exec(md)![1];
    expect(sim.invoke({ ...p, vpcEndpointId: allowed }).statusCode).toBe(200);
  });

  test.each([
    'apigw-custom-resource-policy__template.yaml',
    'apigw-private-cdn-private-ca-sam__template.yaml',
    'apigw-private-lambda__template.yaml',
    'apigw-resource-policy__template.yaml',
    'multi-account-private-apigw__accountA__template.yaml',
    'private-apigw-cross-region__template1-regionA.yaml',
    'private-apigw-custom-domain__template.yaml',
  ])('%s: the AWS::Serverless::Api needs the SAM transform and is named as not simulated', (f) => {
    const sim = load(`serverless-patterns/${f}`);
    expect(sim.apis()).toEqual([]);
    expect(sim.explain()).toMatch(/not simulated: .*\(AWS::Serverless::Api\).*SAM transform/);
  });

  test('apigw-usage-plans: plan DailyLimit read with throttle, per-method throttle and quota', () => {
    const md = load('serverless-patterns/apigw-usage-plans__template.yaml').explain();
    expect(md).toMatch(/\| DailyLimit \| .* \| 15\/s burst 30 \| 50 per DAY \|/);
  });

  test('apigw-rest-apigw-rest: one plan with a fixed key value from a parameter, APIs not simulated', () => {
    const sim = load('serverless-patterns/apigw-rest-apigw-rest__template.yaml');
    expect(sim.explain()).toMatch(/not simulated/);
    expect(sim.findings().map((f) => f.id)).toContain('plan-without-limits');
  });

  test('serverless-multi-tenant-api: the plan binds a SAM-only stage reference', () => {
    const sim = load('serverless-patterns/serverless-multi-tenant-api__template.yaml');
    expect(sim.explain()).toMatch(/SAM-only reference|cannot be resolved/);
  });

  test('localstack apigateway_usage_plan: quota from a parameter without default; GET needs no key', () => {
    const sim = load('localstack/apigateway_usage_plan.yml');
    expect(sim.explain()).toMatch(/Quota cannot be resolved/);
    expect(sim.invoke({ ...pathOf(sim) }).statusCode).toBe(200);
    const given = load('localstack/apigateway_usage_plan.yml', { parameters: { QuotaLimit: '5' } });
    expect(given.explain()).toMatch(/5 per MONTH/);
  });

  test('localstack serverless-apigw-lambda: Policy "" means no policy; ANY / and ANY /{any+} open', () => {
    const sim = load('localstack/serverless-apigw-lambda.update.json');
    expect(sim.invoke({ method: 'DELETE', path: '/a/b' }).statusCode).toBe(200);
    expect(sim.invoke({ method: 'GET', path: '/' }).statusCode).toBe(200);
  });
});

/** A request to the first method of an API (from the explain JSON of the model). */
function pathOf(sim: RequestSimulator, api?: string): { method: string; path: string; api?: string } {
  const md = sim.explain();
  const section = api ? md.slice(md.indexOf(`## API ${api} `)) : md;
  const m = /\n\| (GET|POST|PUT|DELETE|PATCH|ANY|HEAD|OPTIONS) \| ([^ ]+) \|/.exec(section);
  if (!m) throw new Error('no method in the template');
  return {
    method: m[1] === 'ANY' ? 'GET' : m[1],
    path: m[2].replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, 'x'),
    ...(api ? { api } : {}),
  };
}
