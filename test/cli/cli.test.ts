import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { EXPLAIN_OPTIONS, runCli, SIMULATE_OPTIONS } from '../../src/cli/cli';
import { ALLOW_ALL, miniTemplate, policy } from '../simulate/helpers';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatekeeper-cli-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: any): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const vpcePolicy = policy(
  {
    Sid: 'DenyUnlessVpce',
    Effect: 'Deny',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: 'execute-api:/*',
    Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } },
  },
  ALLOW_ALL,
);

function keyedTemplate() {
  return miniTemplate({
    methods: [{ path: '/items', method: 'GET', apiKeyRequired: true }],
    extra: {
      Plan: {
        Type: 'AWS::ApiGateway::UsagePlan',
        Properties: {
          ApiStages: [{ ApiId: { Ref: 'Api' }, Stage: 'prod' }],
          Throttle: { RateLimit: 5, BurstLimit: 10 },
        },
      },
      Key: { Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: true, Value: { Ref: 'KeyValue' } } },
      PlanKey: {
        Type: 'AWS::ApiGateway::UsagePlanKey',
        Properties: { KeyId: { Ref: 'Key' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } },
      },
    },
  });
}

describe('simulate', () => {
  test('--json prints { statusCode, decidedBy, message, reasons } and exits 0 for a denied request', () => {
    // GIVEN
    const file = write('private.json', miniTemplate({ endpointType: 'PRIVATE', policy: vpcePolicy }));
    // WHEN
    const r = run(
      'simulate',
      file,
      '--method',
      'GET',
      '--path',
      '/items',
      '--stage',
      'prod',
      '--source-ip',
      '203.0.113.9',
      '--json',
    );
    // THEN
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(['statusCode', 'decidedBy', 'message', 'reasons']);
    expect(json).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
    expect(json.message).toBe('Forbidden');
    expect(json.reasons.join('\n')).toMatch(/reachable only through an interface VPC endpoint/);
  });

  test('--vpce admits the listed endpoint; text output names the step', () => {
    // GIVEN
    const file = write('private2.json', miniTemplate({ endpointType: 'PRIVATE', policy: vpcePolicy }));
    // WHEN
    const r = run('simulate', file, '--method', 'GET', '--path', '/items', '--vpce', 'vpce-0123456789abcdef0');
    // THEN
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^200 OK\ndecided by: ok\n/);
  });

  test('--count/--interval-ms use simulated time; --parameter supplies a key value', () => {
    // GIVEN
    const t = keyedTemplate();
    t.Parameters = { KeyValue: { Type: 'String' } };
    const file = write('keyed.json', t);
    const started = Date.now();
    // WHEN
    const r = run(
      'simulate',
      file,
      '--method',
      'GET',
      '--path',
      '/items',
      '--api-key',
      'abcdefghijklmnopqrstuvwxyz',
      '--parameter',
      'KeyValue=abcdefghijklmnopqrstuvwxyz',
      '--count',
      '10000',
      '--interval-ms',
      '100',
      '--json',
    );
    // THEN
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    // 10 burst + 5/s for 999.9 s = 4999.5 → 5009 served
    expect(json.counts).toEqual({ 200: 5009, 429: 4991 });
    expect(json.decidedBy).toEqual({ ok: 5009, throttle: 4991 });
  });

  test('--count --json prints the ledger lines; plain text prints them as a table', () => {
    // GIVEN: a DAY quota of 3, a key with a customer id
    const t = keyedTemplate();
    t.Resources.Plan.Properties.UsagePlanName = 'free';
    t.Resources.Plan.Properties.Quota = { Limit: 3, Period: 'DAY' };
    t.Resources.Key.Properties.CustomerId = 'acme';
    t.Parameters = { KeyValue: { Type: 'String' } };
    const file = write('ledger.json', t);
    const args = [
      'simulate',
      file,
      '--method',
      'GET',
      '--path',
      '/items',
      '--parameter',
      'KeyValue=abcdefghijklmnopqrstuvwxyz',
    ];
    const more = [
      '--api-key',
      'abcdefghijklmnopqrstuvwxyz',
      '--at',
      '2026-12-01T23:59:59.998Z',
      '--count',
      '6',
      '--interval-ms',
      '1',
    ];

    // WHEN
    const json = run(...args, ...more, '--json');
    const text = run(...args, ...more);
    const noKey = run(...args, '--count', '2', '--json');

    // THEN
    expect(json.code).toBe(0);
    const ledger = JSON.parse(json.out).ledger;
    expect(ledger).toEqual([
      {
        date: '2026-12-01',
        tier: 'free',
        usagePlanId: expect.any(String),
        keyId: expect.any(String),
        customerId: 'acme',
        used: 2,
        remaining: 1,
      },
      {
        date: '2026-12-02',
        tier: 'free',
        usagePlanId: expect.any(String),
        keyId: expect.any(String),
        customerId: 'acme',
        used: 3,
        remaining: 0,
      },
    ]);
    expect(Object.keys(ledger[0])).toEqual(['date', 'tier', 'usagePlanId', 'keyId', 'customerId', 'used', 'remaining']);
    expect(text.out).toContain('ledger:\n| date | tier | keyId | customerId | used | remaining |\n');
    expect(text.out).toContain(`| 2026-12-02 | free | ${ledger[1].keyId} | acme | 3 | 0 |\n`);
    expect(JSON.parse(noKey.out).ledger).toEqual([]);
  });

  test('--api-key-ref names a key whose value CloudFormation generates', () => {
    // GIVEN
    const t = keyedTemplate();
    delete t.Resources.Key.Properties.Value;
    const file = write('keyref.json', t);
    // WHEN
    const ok = run('simulate', file, '--method', 'GET', '--path', '/items', '--api-key-ref', 'Key', '--json');
    const missing = run('simulate', file, '--method', 'GET', '--path', '/items', '--json');
    // THEN
    expect(JSON.parse(ok.out).statusCode).toBe(200);
    expect(JSON.parse(missing.out)).toMatchObject({ statusCode: 403, decidedBy: 'api-key', message: 'Forbidden' });
  });

  test('AWS_IAM with --caller-arn and --account/--region', () => {
    // GIVEN
    const file = write(
      'iam.json',
      miniTemplate({
        methods: [{ path: '/', method: 'GET', auth: 'AWS_IAM' }],
        policy: policy({ ...ALLOW_ALL, Principal: { AWS: 'arn:aws:iam::444455556666:root' } }),
      }),
    );
    // WHEN
    const cross = run(
      'simulate',
      file,
      '--method',
      'GET',
      '--path',
      '/',
      '--caller-arn',
      'arn:aws:iam::444455556666:role/Client',
      '--account',
      '111122223333',
      '--region',
      'eu-west-1',
      '--json',
    );
    const other = run('simulate', file, '--method', 'GET', '--path', '/', '--caller-account', '777788889999', '--json');
    // THEN
    expect(JSON.parse(cross.out).statusCode).toBe(200);
    expect(JSON.parse(other.out).statusCode).toBe(403);
    expect(JSON.parse(other.out).message).toContain('arn:aws:execute-api:us-east-1:123456789012:');
  });

  test('an unknown route is 403 Missing Authentication Token from route', () => {
    const file = write('route.json', miniTemplate());
    const r = run('simulate', file, '--method', 'GET', '--path', '/nope', '--json');
    expect(JSON.parse(r.out)).toMatchObject({
      statusCode: 403,
      decidedBy: 'route',
      message: 'Missing Authentication Token',
    });
  });

  test('--authorizer on a Lambda authorizer method', () => {
    const file = write('custom.json', miniTemplate({ methods: [{ path: '/', method: 'GET', auth: 'CUSTOM' }] }));
    expect(JSON.parse(run('simulate', file, '--method', 'GET', '--path', '/', '--json').out).statusCode).toBe(401);
    expect(
      JSON.parse(run('simulate', file, '--method', 'GET', '--path', '/', '--authorizer', 'allow', '--json').out)
        .statusCode,
    ).toBe(200);
  });

  test.each([
    [['simulate'], /exactly one template/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /missing command/],
    [
      ['simulate', '/nonexistent/x.json', '--method', 'GET', '--path', '/'],
      /cannot read \/nonexistent\/x.json: ENOENT/,
    ],
    [['simulate', 'T', '--path', '/'], /needs --method/],
    [['simulate', 'T', '--method', 'GET'], /needs --path/],
    [['simulate', 'T', '--method', 'GET', '--path', 'items'], /--path must start with \//],
    [
      ['simulate', 'T', '--method', 'GET', '--path', '/', '--authorizer', 'maybe'],
      /--authorizer must be allow or deny, got 'maybe'/,
    ],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--count', '0'], /--count must be an integer/],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--interval-ms', '5'], /--interval-ms needs --count/],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--api-key', 'a', '--api-key-ref', 'b'], /not both/],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--caller-account', '12'], /12-digit account id, got '12'/],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--parameter', 'novalue'], /Name=Value, got 'novalue'/],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--stage', 'qa'], /no stage 'qa'; its stages: prod/],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--api', 'Nope'], /unknown API 'Nope'; the template has: Api/],
    [['simulate', 'T', '--method', 'GET', '--path', '/', '--bogus'], /Unknown option '--bogus'/],
    [['explain', 'T', '--format', 'html'], /--format must be md or json, got 'html'/],
  ])('exit 2 with one line: %j', (argv, message) => {
    // GIVEN
    const file = write('t.json', miniTemplate());
    // WHEN
    const r = run(...(argv as string[]).map((a) => (a === 'T' ? file : a)));
    // THEN
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^cdk-api-gatekeeper: /);
  });

  test('exit 2 when the stage or API must be chosen, listing the choices', () => {
    // GIVEN
    const t = miniTemplate();
    t.Resources.Stage2 = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: { Ref: 'Api' }, StageName: 'dev' },
    };
    const file = write('two-stages.json', t);
    // WHEN
    const r = run('simulate', file, '--method', 'GET', '--path', '/items');
    // THEN
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/several stages; choose one with --stage: dev, prod/);
  });
});

describe('explain', () => {
  test('Markdown report: matrix, plans and findings', () => {
    // GIVEN
    const t = keyedTemplate();
    t.Parameters = { KeyValue: { Type: 'String', Default: 'abcdefghijklmnopqrstuvwxyz' } };
    t.Resources.Api.Properties.EndpointConfiguration = { Types: ['PRIVATE'] };
    t.Resources.Api.Properties.Policy = policy(ALLOW_ALL);
    const file = write('explain.json', t);
    // WHEN
    const r = run('explain', file);
    // THEN
    expect(r.code).toBe(0);
    expect(r.out).toContain('## API Api — stage prod (PRIVATE)');
    expect(r.out).toContain('| GET | /items | NONE | required | ✅ |');
    expect(r.out).toMatch(/\| Plan \| Api\/prod \| 5\/s burst 10 \| - \| Key \|/);
    expect(r.out).toMatch(/\*\*error\*\* `open-private-api`: PRIVATE API Api stage prod: any VPC endpoint/);
  });

  test('--format json and a cdk.out directory with several templates', () => {
    // GIVEN
    const app = new App({ outdir: path.join(dir, 'cdk.out') });
    for (const name of ['One', 'Two']) {
      const stack = new Stack(app, name);
      const api = new apigw.RestApi(stack, 'Api');
      api.root.addMethod('GET', new apigw.MockIntegration(), { apiKeyRequired: true });
    }
    app.synth();
    // WHEN
    const r = run('explain', path.join(dir, 'cdk.out'), '--format', 'json');
    // THEN
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.templates.map((t: any) => path.basename(t.file))).toEqual(['One.template.json', 'Two.template.json']);
    expect(json.templates[0].findings.map((f: any) => f.id)).toContain('key-required-without-plan');
    expect(json.templates[0].stages[0]).toMatchObject({ stage: 'prod', endpointType: 'EDGE' });
  });

  test('exit 2 for a directory without templates and for YAML that is not a template', () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    expect(run('explain', empty).err).toMatch(/holds no \*\.template\.json/);
    const bad = write('bad.yaml', 'Resources: [1, 2');
    const r = run('explain', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not valid YAML/);
  });

  test('--help prints usage and exits 0', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cdk-api-gatekeeper simulate <template> --method GET --path \/items/);
  });
});

describe('explain of nested stage assemblies', () => {
  test('templates in cdk.out/assembly-*/ are included', () => {
    // GIVEN
    const out = fs.mkdtempSync(path.join(dir, 'nested-'));
    const app = new App({ outdir: out });
    const stage = new Stage(app, 'Beta');
    const stack = new Stack(stage, 'Svc');
    new apigw.RestApi(stack, 'Api').root.addMethod('GET', new apigw.MockIntegration());
    app.synth();
    // WHEN
    const r = run('explain', out, '--format', 'json');
    // THEN
    expect(r.code).toBe(0);
    const files = JSON.parse(r.out).templates.map((t: any) => path.relative(out, t.file));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^assembly-Beta\/BetaSvc[0-9A-F]{8}\.template\.json$/);
  });
});

describe('bad input names the flag (issue #11, class 7)', () => {
  test.each([
    [['--source-ip', '999.1.1.1'], /--source-ip is malformed: got "999.1.1.1"/],
    [['--source-ip', '256.0.0.1'], /--source-ip/],
    [['--source-ip', '1.2.3'], /--source-ip/],
    [['--source-ip', '01.2.3.4'], /--source-ip/],
    [['--vpce', 'notavpce'], /--vpce is malformed: got "notavpce"; expected a VPC endpoint id/],
    [['--count', String(1_000_001)], /--count must be an integer from 1 to 1000000/],
  ])('fails when simulate gets %j: exit 2, one line naming the flag', (flags, message) => {
    // GIVEN
    const file = write('private-bad.json', miniTemplate({ endpointType: 'PRIVATE', policy: policy(ALLOW_ALL) }));
    // WHEN
    const r = run('simulate', file, '--method', 'GET', '--path', '/items', ...(flags as string[]));
    // THEN
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('fails when the template is circular: exit 2 with one line, no stack overflow', () => {
    // GIVEN
    const file = write(
      'circular.json',
      miniTemplate({
        policy: policy({ ...ALLOW_ALL, Principal: { AWS: { 'Fn::GetAtt': ['Role', 'Arn'] } } }),
        extra: { Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::GetAtt': ['Role', 'Arn'] } } } },
      }),
    );
    // WHEN
    const r = run('simulate', file, '--method', 'GET', '--path', '/items');
    // THEN
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/circular reference in the template: Role\.Arn/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('simulate accepts a cdk.out directory and picks the template holding --api', () => {
    // GIVEN
    const out = path.join(dir, 'sim.out');
    const app = new App({ outdir: out });
    for (const name of ['One', 'Two']) {
      const stack = new Stack(app, name);
      const api = new apigw.RestApi(stack, `${name}Api`);
      api.root.addMethod('GET', new apigw.MockIntegration());
    }
    app.synth();
    const apiOfTwo = JSON.parse(fs.readFileSync(path.join(out, 'Two.template.json'), 'utf-8'));
    const logical = Object.keys(apiOfTwo.Resources).find(
      (k) => apiOfTwo.Resources[k].Type === 'AWS::ApiGateway::RestApi',
    )!;
    // WHEN
    const picked = run('simulate', out, '--method', 'GET', '--path', '/', '--api', logical, '--json');
    const ambiguous = run('simulate', out, '--method', 'GET', '--path', '/');
    // THEN
    expect(picked.code).toBe(0);
    expect(JSON.parse(picked.out)).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toMatch(/several templates with REST APIs; choose a template file or one API with --api/);
  });

  test('simulate on a cdk.out directory sees an API in a nested stack (merged into its parent)', () => {
    // GIVEN
    const out = fs.mkdtempSync(path.join(dir, 'nested-'));
    const app = new App({ outdir: out });
    const parent = new Stack(app, 'Parent');
    const nested = new NestedStack(parent, 'Inner');
    new apigw.RestApi(nested, 'NestedApi').root.addMethod('GET', new apigw.MockIntegration());
    app.synth();
    // WHEN
    const r = run('simulate', out, '--method', 'GET', '--path', '/', '--json');
    const file = run('simulate', path.join(out, 'Parent.template.json'), '--method', 'GET', '--path', '/', '--json');
    // THEN
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
    // the parent's template file alone, inside the cdk.out, gets its nested stack too
    expect(file.err).toBe('');
    expect(JSON.parse(file.out)).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
  });

  test('--help lists every flag and --version prints the version', () => {
    // WHEN
    const help = run('--help');
    const version = run('--version');
    // THEN
    for (const flag of Object.keys({ ...SIMULATE_OPTIONS, ...EXPLAIN_OPTIONS })) {
      expect(help.out).toContain(`--${flag}`);
    }
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^cdk-api-gatekeeper \d+\.\d+\.\d+/);
  });
});
