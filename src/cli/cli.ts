/**
 * The `cdk-api-gatekeeper` command: `explain` and `simulate`. It parses flags, reads files and prints;
 * every decision is the simulator's (`RequestSimulator`). `runCli` is pure over its `io`, so tests drive
 * it directly; the entry point (`main.ts`) wires it to the process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { loadTemplates, TemplateFile, UsageError } from './templates';
import { SimulationInputError } from '../simulate/request';
import type { SimulatedLedgerLine, SimulatedRequest, SimulationResult, SimulationSummary } from '../simulate/request';
import { MAX_REPEAT } from '../simulate/request-checks';
import { RequestSimulator, RequestSimulatorOptions } from '../simulate/simulator';

/** Where the command writes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const USAGE = `Usage:
  cdk-api-gatekeeper explain  <template.json|template.yaml|cdk.out dir> [--format md|json]
  cdk-api-gatekeeper simulate <template> --method GET --path /items [--stage prod] [--api LogicalId]
      [--domain NAME]  (a private custom domain: --path is the path on the domain; no --api/--stage)
      [--source-ip IP] [--vpce ID|LogicalId] [--vpc ID|LogicalId]
      [--caller-account ID] [--caller-arn ARN] [--org-id ID] [--org-path PATH]... [--identity-policy allow|deny|none]
      [--authorizer allow|deny] [--api-key VALUE | --api-key-ref LogicalId] [--at ISO|ms]
      [--count N --interval-ms T] [--json]
  common options: [--parameter Name=Value]... [--account 123456789012] [--region us-east-1]
      [--cognito-allow-when-silent] [--help] [--version]
  <template> is a JSON or YAML template, or a cdk.out directory (simulate: the one template with the API).
Exit codes: 0 = done (a denied request is a successful simulation), 2 = bad input.
`;

export const COMMON_OPTIONS = {
  parameter: { type: 'string', multiple: true },
  account: { type: 'string' },
  region: { type: 'string' },
  'cognito-allow-when-silent': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const SIMULATE_OPTIONS = {
  ...COMMON_OPTIONS,
  method: { type: 'string' },
  path: { type: 'string' },
  stage: { type: 'string' },
  api: { type: 'string' },
  domain: { type: 'string' },
  'source-ip': { type: 'string' },
  vpce: { type: 'string' },
  vpc: { type: 'string' },
  'caller-account': { type: 'string' },
  'caller-arn': { type: 'string' },
  'org-id': { type: 'string' },
  'org-path': { type: 'string', multiple: true },
  'identity-policy': { type: 'string' },
  authorizer: { type: 'string' },
  'api-key': { type: 'string' },
  'api-key-ref': { type: 'string' },
  at: { type: 'string' },
  count: { type: 'string' },
  'interval-ms': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const EXPLAIN_OPTIONS = { ...COMMON_OPTIONS, format: { type: 'string' } } as const;

/** The simulator's request fields and the flags that set them (its errors are reworded with the flag). */
const FLAG_OF_FIELD: Record<string, string> = {
  api: '--api',
  stage: '--stage',
  method: '--method',
  path: '--path',
  domainName: '--domain',
  sourceIp: '--source-ip',
  vpcEndpointId: '--vpce',
  vpcId: '--vpc',
  'caller.account': '--caller-account',
  'caller.arn': '--caller-arn',
  'caller.orgId': '--org-id',
  'caller.orgPaths': '--org-path',
  'caller.identityPolicy': '--identity-policy',
  authorizer: '--authorizer',
  apiKey: '--api-key',
  apiKeyRef: '--api-key-ref',
  at: '--at',
  count: '--count',
  intervalMs: '--interval-ms',
};

/** A simulator error in the command's words: `'stage'` becomes `--stage`. */
export function withFlags(message: string): string {
  return message.replace(/'([A-Za-z.]+)'/g, (whole, field: string) => FLAG_OF_FIELD[field] ?? whole);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

type ParsedValues = { [k: string]: string | boolean | string[] | undefined };

function simulatorOptions(values: ParsedValues, startTime?: number): RequestSimulatorOptions {
  return {
    account: checkAccount(values.account as string | undefined, '--account'),
    region: checkRegion(values.region as string | undefined),
    parameters: parameters(values.parameter as string[] | undefined),
    cognitoRequiresExplicitAllow: !values['cognito-allow-when-silent'],
    startTime,
  };
}

function parameters(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--parameter must be Name=Value, got '${p}'`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

function checkAccount(v: string | undefined, flag: string): string | undefined {
  if (v !== undefined && !/^\d{12}$/.test(v)) throw new UsageError(`${flag} must be a 12-digit account id, got '${v}'`);
  return v;
}

function checkRegion(v: string | undefined): string | undefined {
  if (v !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v)) {
    throw new UsageError(`--region must be a region such as us-east-1, got '${v}'`);
  }
  return v;
}

/** A simulator for one template file; its errors name the file. */
function simulatorOf(t: TemplateFile, options: RequestSimulatorOptions): RequestSimulator {
  try {
    return RequestSimulator.fromTemplate(t.template, options);
  } catch (e) {
    throw new UsageError(`${t.file}: ${(e as Error).message}`);
  }
}

function explain(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: EXPLAIN_OPTIONS });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('explain needs exactly one template file or cdk.out directory');
  const format = values.format ?? 'md';
  if (format !== 'md' && format !== 'json') throw new UsageError(`--format must be md or json, got '${format}'`);
  const options = simulatorOptions(values);
  const sims = loadTemplates(positionals[0]).map((t) => ({ file: t.file, sim: simulatorOf(t, options) }));
  if (format === 'json') {
    const templates = sims.map((s) => ({ file: s.file, ...s.sim._report() }));
    io.stdout(JSON.stringify({ templates }, null, 2) + '\n');
  } else {
    io.stdout(sims.map((s) => s.sim.explain(path.basename(s.file))).join('\n'));
  }
  return 0;
}

function parseAt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new UsageError(`--at must be ms since the epoch or an ISO date, got '${v}'`);
  return n;
}

function int(v: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${v}'`);
  }
  return Number(v);
}

/** The flags' checks the simulator cannot make (their relations to each other). */
function checkSimulateFlags(values: ParsedValues): void {
  if (!values.method) throw new UsageError('simulate needs --method, e.g. --method GET');
  if (!/^[A-Za-z]+$/.test(values.method as string)) {
    throw new UsageError(`--method must be an HTTP method such as GET, got '${values.method}'`);
  }
  if (values.path === undefined) throw new UsageError('simulate needs --path, e.g. --path /items');
  if (!(values.path as string).startsWith('/')) throw new UsageError(`--path must start with /, got '${values.path}'`);
  if (values.domain !== undefined && (values.api !== undefined || values.stage !== undefined)) {
    throw new UsageError(
      "--domain takes the API and stage from the domain's base path mapping: give --domain or --api/--stage, not both",
    );
  }
  if (values['api-key'] !== undefined && values['api-key-ref'] !== undefined) {
    throw new UsageError('give --api-key or --api-key-ref, not both');
  }
  const authorizer = values.authorizer;
  if (authorizer !== undefined && authorizer !== 'allow' && authorizer !== 'deny') {
    throw new UsageError(`--authorizer must be allow or deny, got '${authorizer}'`);
  }
  const idp = values['identity-policy'] as string | undefined;
  if (idp !== undefined && !['allow', 'deny', 'none'].includes(idp)) {
    throw new UsageError(`--identity-policy must be allow, deny or none, got '${idp}'`);
  }
  if (values['interval-ms'] !== undefined && values.count === undefined) {
    throw new UsageError('--interval-ms needs --count');
  }
}

/** The caller's account: from --caller-account, or the account of --caller-arn (they must agree). */
function callerAccount(values: ParsedValues): string | undefined {
  let account = checkAccount(values['caller-account'] as string | undefined, '--caller-account');
  const arn = values['caller-arn'] as string | undefined;
  if (arn !== undefined) {
    const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):.+$/.exec(arn);
    if (!m) {
      throw new UsageError(
        `--caller-arn must be an IAM or STS ARN such as arn:aws:iam::123456789012:role/Name, got '${arn}'`,
      );
    }
    if (account !== undefined && account !== m[1]) {
      throw new UsageError(`--caller-arn is in account ${m[1]} but --caller-account is ${account}`);
    }
    account = m[1];
  }
  if (account === undefined && ['org-id', 'org-path', 'identity-policy'].some((f) => values[f] !== undefined)) {
    throw new UsageError('--org-id, --org-path and --identity-policy need --caller-account or --caller-arn');
  }
  return account;
}

/** The simulator's request the flags describe. */
function requestOf(values: ParsedValues): SimulatedRequest {
  const account = callerAccount(values);
  const str = (k: string) => values[k] as string | undefined;
  return {
    api: str('api'),
    stage: str('stage'),
    method: str('method')!,
    path: str('path')!,
    domainName: str('domain'),
    sourceIp: str('source-ip'),
    vpcEndpointId: str('vpce'),
    vpcId: str('vpc'),
    caller: account
      ? {
          account,
          arn: str('caller-arn'),
          orgId: str('org-id'),
          orgPaths: values['org-path'] as string[] | undefined,
          identityPolicy: str('identity-policy') as any,
        }
      : undefined,
    authorizer: str('authorizer') as any,
    apiKey: str('api-key'),
    apiKeyRef: str('api-key-ref'),
    at: parseAt(str('at')),
  };
}

function printResult(d: SimulationResult, json: boolean, io: CliIo): void {
  if (json) {
    io.stdout(JSON.stringify(d) + '\n');
    return;
  }
  io.stdout(`${d.statusCode} ${d.message}\ndecided by: ${d.decidedBy}\n${d.reasons.map((r) => `- ${r}`).join('\n')}\n`);
}

function printSummary(s: SimulationSummary, count: number, interval: number, json: boolean, io: CliIo): void {
  if (json) {
    const out = { counts: s.counts, decidedBy: s.decidedBy, first: s.first, last: s.last, ledger: s.ledger };
    io.stdout(JSON.stringify(out) + '\n');
    return;
  }
  const counts = Object.entries(s.counts).map(([k, v]) => `${k}: ${v}`);
  const by = Object.entries(s.decidedBy).map(([k, v]) => `${k} ${v}`);
  const reasons = s.last.reasons.map((r) => `- ${r}`);
  io.stdout(
    `${count} requests, ${interval} ms apart (simulated time)\n${counts.join('\n')}\ndecided by: ${by.join(', ')}\n` +
      `last: ${s.last.statusCode} ${s.last.message}\n${reasons.join('\n')}\n` +
      ledgerTable(s.ledger),
  );
}

/** The ledger lines as a short table (none: nothing). */
function ledgerTable(lines: SimulatedLedgerLine[]): string {
  if (lines.length === 0) return '';
  const rows = lines.map(
    (l) =>
      `| ${l.date} | ${l.tier} | ${l.keyId} | ${l.customerId ?? ''} | ${l.used} | ${l.remaining < 0 ? 'no quota' : l.remaining} |`,
  );
  return `ledger:\n| date | tier | keyId | customerId | used | remaining |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
}

/** The one template of a file or cdk.out directory that holds the API asked for. */
function templateFor(target: string, api: string | undefined, options: RequestSimulatorOptions): RequestSimulator {
  const sims = loadTemplates(target).map((t) => ({ file: t.file, sim: simulatorOf(t, options) }));
  if (sims.length === 1) return sims[0].sim;
  const holding = sims.filter((s) => (api === undefined ? s.sim.apis().length > 0 : s.sim.apis().includes(api)));
  if (holding.length === 1) return holding[0].sim;
  const choices = sims
    .filter((s) => s.sim.apis().length > 0)
    .map((s) => `${path.basename(s.file)}: ${s.sim.apis().join(', ')}`)
    .join('; ');
  throw new UsageError(
    `${target} holds several templates with REST APIs; choose a template file or one API with --api (${choices || 'none has a REST API'})`,
  );
}

function simulate(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: SIMULATE_OPTIONS });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('simulate needs exactly one template file or cdk.out directory');
  checkSimulateFlags(values);
  const count = int(values.count, '--count', 1, MAX_REPEAT);
  const interval = int(values['interval-ms'], '--interval-ms', 0, 10_000_000) ?? 0;
  const request = requestOf(values);
  const sim = templateFor(positionals[0], values.api, simulatorOptions(values, request.at));
  if (count === undefined) printResult(sim.invoke(request), !!values.json, io);
  else printSummary(sim.invokeRepeatedly(request, count, interval), count, interval, !!values.json, io);
  return 0;
}

function version(): string {
  for (const dir of [path.join(__dirname, '..', '..'), path.join(__dirname, '..')]) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8')).version;
    } catch {
      // try the next place
    }
  }
  return 'unknown';
}

function dispatch(command: string | undefined, rest: string[], io: CliIo): number {
  switch (command) {
    case 'explain':
      return explain(rest, io);
    case 'simulate':
      return simulate(rest, io);
    case '--help':
    case '-h':
    case 'help':
      io.stdout(USAGE);
      return 0;
    case '--version':
    case '-v':
      io.stdout(`cdk-api-gatekeeper ${version()}\n`);
      return 0;
    case undefined:
      throw new UsageError('missing command: explain or simulate (see --help)');
    default:
      throw new UsageError(`unknown command '${command}': use explain or simulate (see --help)`);
  }
}

/**
 * Runs the command with `argv` (without the node and script paths). Returns the exit code: 0 done,
 * 2 bad input (one line on stderr, never a stack trace).
 */
export function runCli(argv: string[], io: CliIo): number {
  try {
    const [command, ...rest] = argv;
    return dispatch(command, rest, io);
  } catch (e) {
    let msg = e instanceof Error ? e.message : String(e);
    if (e instanceof SimulationInputError) msg = withFlags(msg);
    io.stderr(`cdk-api-gatekeeper: ${oneLine(msg) || 'unexpected error'}\n`);
    return 2;
  }
}
