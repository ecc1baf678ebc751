/**
 * The `cdk-api-gatekeeper` command: `explain` and `simulate`. `runCli` is pure over its
 * `io`, so tests drive it directly; the entry point (`main.ts`) wires it to the process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { explainModel, renderMarkdown } from '../simulate/explain';
import { TemplateModel, buildModel } from '../simulate/model';
import { PipelineRequest, PipelineState, decide, selectApi, selectStage } from '../simulate/pipeline';
import { parseTemplateText } from '../simulate/template-text';

/** Where the command writes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Bad command-line input: exit 2 with this message. */
class UsageError extends Error {}

export const USAGE = `Usage:
  cdk-api-gatekeeper explain  <template.json|template.yaml|cdk.out dir> [--format md|json]
  cdk-api-gatekeeper simulate <template> --method GET --path /items [--stage prod] [--api LogicalId]
      [--source-ip IP] [--vpce ID] [--vpc ID] [--caller-account ID] [--caller-arn ARN] [--org-id ID]
      [--authorizer allow|deny] [--api-key VALUE | --api-key-ref LogicalId] [--at ISO|ms]
      [--count N --interval-ms T] [--json]
  common options: [--parameter Name=Value]... [--account 123456789012] [--region us-east-1]
      [--cognito-allow-when-silent]
Exit codes: 0 = done (a denied request is a successful simulation), 2 = bad input.
`;

const COMMON = {
  parameter: { type: 'string', multiple: true },
  account: { type: 'string' },
  region: { type: 'string' },
  'cognito-allow-when-silent': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
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

function readTemplate(file: string): { [key: string]: any } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseTemplateText(text);
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}

function loadModel(file: string, values: any): TemplateModel {
  const template = readTemplate(file);
  try {
    return buildModel(template, {
      account: checkAccount(values.account, '--account'),
      region: checkRegion(values.region),
      parameters: parameters(values.parameter),
    });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}

function templateFiles(target: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new UsageError(`no such file or directory: ${target}`);
  }
  if (!stat.isDirectory()) return [target];
  // a cdk.out directory: its *.template.json, and those of nested stage assemblies (assembly-*/)
  const files: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const f of fs.readdirSync(d).sort()) {
      const full = path.join(d, f);
      if (f.endsWith('.template.json')) files.push(full);
      else if (depth < 3 && f.startsWith('assembly-') && fs.statSync(full).isDirectory()) walk(full, depth + 1);
    }
  };
  walk(target, 0);
  if (files.length === 0) throw new UsageError(`${target} holds no *.template.json file (is it a cdk.out directory?)`);
  return files;
}

function explain(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...COMMON, format: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('explain needs exactly one template file or cdk.out directory');
  const format = values.format ?? 'md';
  if (format !== 'md' && format !== 'json') throw new UsageError(`--format must be md or json, got '${format}'`);
  const opts = { cognitoRequiresExplicitAllow: !values['cognito-allow-when-silent'] };
  const reports = templateFiles(positionals[0]).map((file) => ({
    file,
    report: explainModel(loadModel(file, values), opts),
  }));
  if (format === 'json') {
    io.stdout(JSON.stringify({ templates: reports.map((r) => ({ file: r.file, ...r.report })) }, null, 2) + '\n');
  } else {
    io.stdout(reports.map((r) => renderMarkdown(r.report, path.basename(r.file))).join('\n'));
  }
  return 0;
}

function parseAt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new UsageError(`--at must be ms since the epoch or an ISO date, got '${v}'`);
  return n;
}

function int(v: string | undefined, flag: string, min: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 10_000_000) {
    throw new UsageError(`${flag} must be an integer from ${min} to 10000000, got '${v}'`);
  }
  return Number(v);
}

function simulate(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...COMMON,
      method: { type: 'string' },
      path: { type: 'string' },
      stage: { type: 'string' },
      api: { type: 'string' },
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
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('simulate needs exactly one template file');
  if (!values.method) throw new UsageError('simulate needs --method, e.g. --method GET');
  if (!/^[A-Za-z]+$/.test(values.method)) {
    throw new UsageError(`--method must be an HTTP method such as GET, got '${values.method}'`);
  }
  if (values.path === undefined) throw new UsageError('simulate needs --path, e.g. --path /items');
  if (!values.path.startsWith('/')) throw new UsageError(`--path must start with /, got '${values.path}'`);
  if (values['api-key'] !== undefined && values['api-key-ref'] !== undefined) {
    throw new UsageError('give --api-key or --api-key-ref, not both');
  }
  if (values.authorizer !== undefined && values.authorizer !== 'allow' && values.authorizer !== 'deny') {
    throw new UsageError(`--authorizer must be allow or deny, got '${values.authorizer}'`);
  }
  if (values['identity-policy'] !== undefined && !['allow', 'deny', 'none'].includes(values['identity-policy'])) {
    throw new UsageError(`--identity-policy must be allow, deny or none, got '${values['identity-policy']}'`);
  }
  if (values['source-ip'] !== undefined && !/^[0-9a-fA-F:.]+$/.test(values['source-ip'])) {
    throw new UsageError(`--source-ip must be an IPv4 or IPv6 address, got '${values['source-ip']}'`);
  }
  let account = checkAccount(values['caller-account'], '--caller-account');
  const arn = values['caller-arn'];
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
  if (
    account === undefined &&
    (values['org-id'] !== undefined || values['org-path'] !== undefined || values['identity-policy'] !== undefined)
  ) {
    throw new UsageError('--org-id, --org-path and --identity-policy need --caller-account or --caller-arn');
  }
  const count = int(values.count, '--count', 1, 1);
  const interval = int(values['interval-ms'], '--interval-ms', 0, 0);
  if (values['interval-ms'] !== undefined && values.count === undefined) {
    throw new UsageError('--interval-ms needs --count');
  }

  const model = loadModel(positionals[0], values);
  // check the API and stage first, so that a wrong choice is bad input (exit 2)
  try {
    selectStage(selectApi(model, values.api), values.stage);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let vpce = values.vpce;
  if (vpce !== undefined && model.resolver.resources[vpce]) vpce = model.resolver.resolve({ Ref: vpce });
  let vpc = values.vpc;
  if (vpc !== undefined && model.resolver.resources[vpc]) vpc = model.resolver.resolve({ Ref: vpc });
  const start = parseAt(values.at) ?? Date.now();
  const base: Omit<PipelineRequest, 'at'> = {
    api: values.api,
    stage: values.stage,
    method: values.method,
    path: values.path,
    sourceIp: values['source-ip'],
    vpcEndpointId: vpce,
    vpcId: vpc,
    caller: account
      ? {
          account,
          arn,
          orgId: values['org-id'],
          orgPaths: values['org-path'],
          identityPolicy: values['identity-policy'],
        }
      : undefined,
    authorizer: values.authorizer,
    apiKey: values['api-key'],
    apiKeyRef: values['api-key-ref'],
  };
  const state = new PipelineState();
  const opts = { cognitoRequiresExplicitAllow: !values['cognito-allow-when-silent'] };
  const run = (i: number) => {
    try {
      return decide(model, state, { ...base, at: start + i * interval }, opts);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };
  if (values.count === undefined) {
    const d = run(0);
    if (values.json) {
      io.stdout(JSON.stringify(d) + '\n');
    } else {
      io.stdout(
        `${d.statusCode} ${d.message}\ndecided by: ${d.decidedBy}\n${d.reasons.map((r) => `- ${r}`).join('\n')}\n`,
      );
    }
    return 0;
  }
  const counts: Record<string, number> = {};
  const by: Record<string, number> = {};
  let first: any;
  let last: any;
  for (let i = 0; i < count; i++) {
    const d = run(i);
    counts[d.statusCode] = (counts[d.statusCode] ?? 0) + 1;
    by[d.decidedBy] = (by[d.decidedBy] ?? 0) + 1;
    first = first ?? d;
    last = d;
  }
  if (values.json) {
    io.stdout(JSON.stringify({ counts, decidedBy: by, first, last }) + '\n');
  } else {
    io.stdout(
      `${count} requests, ${interval} ms apart (simulated time)\n` +
        Object.entries(counts)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n') +
        `\ndecided by: ${Object.entries(by)
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}\nlast: ${last.statusCode} ${last.message}\n${last.reasons.map((r: string) => `- ${r}`).join('\n')}\n`,
    );
  }
  return 0;
}

/**
 * Runs the command with `argv` (without the node and script paths). Returns the exit code: 0 done,
 * 2 bad input (one line on stderr, never a stack trace).
 */
export function runCli(argv: string[], io: CliIo): number {
  try {
    const [command, ...rest] = argv;
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
      case undefined:
        throw new UsageError('missing command: explain or simulate (see --help)');
      default:
        throw new UsageError(`unknown command '${command}': use explain or simulate (see --help)`);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`cdk-api-gatekeeper: ${oneLine(msg) || 'unexpected error'}\n`);
    return 2;
  }
}
