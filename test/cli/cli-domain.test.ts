import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/cli';
import { LISTED, RAW_HOST, UNLISTED, rawDomainTemplate } from '../simulate/domain-template';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

let file: string;
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatekeeper-cli-domain-'));
  file = path.join(dir, 'domain.json');
  fs.writeFileSync(file, JSON.stringify(rawDomainTemplate()));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cli: simulate --domain', () => {
  test('through the domain from the associated endpoint: exit 0, JSON 200', () => {
    // WHEN
    const r = run(
      'simulate',
      file,
      '--domain',
      RAW_HOST,
      '--method',
      'GET',
      '--path',
      '/items',
      '--vpce',
      LISTED,
      '--json',
    );

    // THEN
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ statusCode: 200, decidedBy: 'ok' });
  });

  test('through the domain from another endpoint: exit 0 (a denial is a result), 403 resource-policy', () => {
    // WHEN
    const r = run(
      'simulate',
      file,
      '--domain',
      RAW_HOST,
      '--method',
      'GET',
      '--path',
      '/items',
      '--vpce',
      UNLISTED,
      '--json',
    );

    // THEN
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ statusCode: 403, decidedBy: 'resource-policy' });
  });

  test('fails when --domain comes with --api: exit 2, one line naming the flags', () => {
    // WHEN
    const r = run('simulate', file, '--domain', RAW_HOST, '--api', 'Api', '--method', 'GET', '--path', '/items');

    // THEN
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^cdk-api-gatekeeper: --domain .*--api\/--stage, not both\n$/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('fails when the domain maps to no API of the template: exit 2 naming --domain', () => {
    // GIVEN
    const template = rawDomainTemplate();
    template.Resources.Map.Properties.RestApiId = 'abc123defg';
    const other = path.join(dir, 'foreign.json');
    fs.writeFileSync(other, JSON.stringify(template));

    // WHEN
    const r = run('simulate', other, '--domain', RAW_HOST, '--method', 'GET', '--path', '/items', '--vpce', LISTED);

    // THEN
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^cdk-api-gatekeeper: the base path mapping of domain Domain \(--domain raw\.example\.com\) maps to API abc123defg, which is not a RestApi of the template\n$/,
    );
  });

  test('--help names --domain', () => {
    // WHEN
    const r = run('simulate', '--help');

    // THEN
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[--domain NAME\]/);
  });
});

describe('cli: explain lists private domains', () => {
  test('JSON: the domain, its viaDomainArn, its mapping and which endpoints its policy admits', () => {
    // WHEN
    const r = run('explain', file, '--format', 'json');

    // THEN
    expect(r.code).toBe(0);
    const [report] = JSON.parse(r.out).templates;
    expect(report.privateDomains).toEqual([
      {
        domain: 'Domain',
        domainName: RAW_HOST,
        viaDomainArn: expect.stringMatching(
          /^arn:aws:execute-api:us-east-1:123456789012:\/domainnames\/raw\.example\.com\+/,
        ),
        mappings: [{ basePath: '', api: 'Api', stage: 'prod' }],
        endpoints: [{ vpcEndpointId: LISTED, admitted: true, reasons: expect.any(Array) }],
        notes: [],
      },
    ]);
    expect(report.notes.join('\n')).not.toMatch(/not simulated: custom domain Domain/);
  });

  test('Markdown: a section per domain', () => {
    // WHEN
    const r = run('explain', file);

    // THEN
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/## Private custom domains/);
    expect(r.out).toMatch(
      /### raw\.example\.com \(Domain\)\n\n- viaDomainArn: `arn:aws:execute-api:[^`]+`\n- base paths: \/ → Api\/prod\n- endpoints \(the domain's policy, anonymous callers\): vpce-0123456789abcdef0 ✅/,
    );
  });
});
