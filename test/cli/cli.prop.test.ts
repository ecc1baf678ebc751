/** Fuzz: random and truncated templates and random arguments never crash the CLI (exit 0, or 2 with one line). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { runCli } from '../../src/cli/cli';
import { miniTemplate, policy, ALLOW_ALL } from '../simulate/helpers';
import { propertyRuns } from '../support/budget';

const CORPUS = path.join(__dirname, '..', '..', '..', 'shared', 'corpus');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatekeeper-fuzz-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function checkOutcome(r: { code: number; out: string; err: string }): void {
  expect([0, 2]).toContain(r.code);
  if (r.code === 2) {
    expect(r.err).toMatch(/^cdk-api-gatekeeper: \S/);
    expect(r.err.endsWith('\n')).toBe(true);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\bat .*\.(ts|js):\d+/);
    // internal errors would show as JavaScript messages
    expect(r.err).not.toMatch(/Cannot read properties|is not a function|is not iterable|Maximum call stack/);
  }
}

const corpusTexts: string[] = fs.existsSync(CORPUS)
  ? [
      'sam/api_with_usageplans.json',
      'serverless-patterns/apigw-usage-plans__template.yaml',
      'aws-cdk/integ.restapi.js.snapshot__test-apigateway-restapi.template.json',
    ]
      .filter((f) => fs.existsSync(path.join(CORPUS, f)))
      .map((f) => fs.readFileSync(path.join(CORPUS, f), 'utf-8'))
  : [];
const seedTemplate = JSON.stringify(
  miniTemplate({
    policy: policy(ALLOW_ALL),
    methods: [
      { path: '/items', method: 'GET', apiKeyRequired: true },
      { path: '/{proxy+}', method: 'ANY', auth: 'CUSTOM' },
    ],
  }),
);
const texts = [seedTemplate, ...corpusTexts];

const FLAGS = [
  '--method',
  '--path',
  '--stage',
  '--api',
  '--source-ip',
  '--vpce',
  '--vpc',
  '--caller-account',
  '--caller-arn',
  '--org-id',
  '--authorizer',
  '--api-key',
  '--api-key-ref',
  '--count',
  '--interval-ms',
  '--json',
  '--parameter',
  '--account',
  '--region',
  '--format',
  '--at',
  '--bogus',
];
const VALUES = [
  'GET',
  '/',
  '/items',
  'prod',
  'Api',
  '1.2.3.4',
  '::1',
  'vpce-1',
  '123456789012',
  'allow',
  'deny',
  '5',
  '0',
  '-1',
  '',
  'x=y',
  'us-east-1',
  'md',
  'json',
  '2026-01-01',
  'arn:aws:iam::123456789012:role/R',
  '%%',
  '\u0000',
];

describe('CLI fuzz', () => {
  test('truncated and mutated templates: explain and simulate exit 0 or 2 with one line', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (text, cut, asYaml) => {
          const file = path.join(dir, asYaml ? 't.yaml' : 't.json');
          fs.writeFileSync(file, text.slice(0, Math.floor(text.length * cut)));
          checkOutcome(run(['explain', file]));
          checkOutcome(run(['simulate', file, '--method', 'GET', '--path', '/items', '--json']));
        },
      ),
      { numRuns: propertyRuns(150) },
    );
  });

  test('random JSON in every property of a template never crashes', () => {
    const base = JSON.parse(seedTemplate);
    const ids = Object.keys(base.Resources);
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.string({ maxLength: 12 }),
        fc.jsonValue({ maxDepth: 3 }),
        (id, prop, value) => {
          const t = JSON.parse(seedTemplate);
          const props = t.Resources[id].Properties;
          const key = Object.keys(props)[prop.length % Math.max(1, Object.keys(props).length)] ?? prop;
          props[prop.length % 3 === 0 ? prop : key] = value;
          const file = path.join(dir, 'm.json');
          fs.writeFileSync(file, JSON.stringify(t));
          checkOutcome(run(['explain', file, '--format', 'json']));
          checkOutcome(
            run(['simulate', file, '--method', 'GET', '--path', '/items', '--authorizer', 'allow', '--json']),
          );
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });

  test('random arguments exit 0 or 2 with one line', () => {
    const file = path.join(dir, 'args.json');
    fs.writeFileSync(file, seedTemplate);
    fc.assert(
      fc.property(
        fc.constantFrom('simulate', 'explain', 'help', 'nope'),
        fc.array(fc.oneof(fc.constantFrom(...FLAGS), fc.constantFrom(...VALUES), fc.string({ maxLength: 6 })), {
          maxLength: 10,
        }),
        fc.boolean(),
        (cmd, args, withFile) => {
          const argv = [cmd, ...(withFile ? [file] : []), ...args];
          if (argv.includes('--count')) {
            // keep simulated runs short
            const i = argv.indexOf('--count');
            if (/^\d+$/.test(argv[i + 1] ?? '') && Number(argv[i + 1]) > 1000) return;
          }
          checkOutcome(run(argv));
        },
      ),
      { numRuns: propertyRuns(400) },
    );
  });
});
