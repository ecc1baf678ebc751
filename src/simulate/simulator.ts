import * as fs from 'fs';
import * as path from 'path';
import { Stack, Stage, Token } from 'aws-cdk-lib';
import { PipelineState, decide } from './decide';
import { ExplainReport, explainModel, renderMarkdown } from './explain';
import { isUnresolved } from './intrinsics';
import { ledgerLines } from './ledger';
import { TemplateModel, buildModel } from './model';
import { cloudAssemblyTemplateLoader, mergeNestedTemplates } from './nested-templates';
import {
  PipelineCaller,
  PipelineRequest,
  SimulatedLedgerLine,
  SimulatedRequest,
  SimulationInputError,
  SimulationResult,
  SimulationSummary,
} from './request';
import { checkRequest, MAX_REPEAT } from './request-checks';
import { parseTemplateText } from './template-text';

/**
 * A finding about the template (the same as `cdk-api-gatekeeper explain` reports).
 */
export interface SimulatorFinding {
  /** Stable id, e.g. `open-private-api`, `private-api-without-policy`, `no-allow-policy`, `invalid-policy`, `key-required-without-plan`, `plan-without-limits`. */
  readonly id: string;
  /** `error`, `warning` or `info`. */
  readonly severity: string;
  /**
   * Logical id of the API concerned.
   * @default - not about one API
   */
  readonly api?: string;
  /**
   * Stage concerned.
   * @default - not about one stage
   */
  readonly stage?: string;
  /** What is wrong and what it means. */
  readonly message: string;
}

/**
 * Options of the simulator.
 */
export interface RequestSimulatorOptions {
  /**
   * Account id for `AWS::AccountId` and the API's ARN.
   * @default - the stack's account when known, else '123456789012'
   */
  readonly account?: string;
  /**
   * Region for `AWS::Region`, ARNs and the account throttle.
   * @default - the stack's region when known, else 'us-east-1'
   */
  readonly region?: string;
  /**
   * Values of template parameters (those without defaults, or to override defaults).
   * @default - parameter defaults
   */
  readonly parameters?: { [name: string]: string };
  /**
   * Cognito methods need an explicit Allow in the resource policy. AWS's documentation contradicts
   * itself here (docs/SEMANTICS.md "Policy evaluation", [U]); `true` is the conservative reading.
   * @default true
   */
  readonly cognitoRequiresExplicitAllow?: boolean;
  /**
   * Start of the simulated clock, in ms since the epoch (used when a request has no `at`).
   * @default - the time the simulator was created
   */
  readonly startTime?: number;
}

/**
 * Simulates requests against the REST APIs of a CloudFormation template offline: resource policy,
 * authorization, API keys, throttles and quotas, as API Gateway decides them (see docs/SEMANTICS.md
 * "Request pipeline").
 *
 * @example
 * const sim = RequestSimulator.fromStack(stack);
 * const r = sim.invoke({ method: 'GET', path: '/items', stage: 'prod', sourceIp: '203.0.113.9' });
 * // r.statusCode === 403, r.decidedBy === 'resource-policy'
 */
export class RequestSimulator {
  /**
   * Simulates the template a stack synthesizes to, with its nested stacks (e.g. `keyShards`) merged in.
   * Tokens in requests (e.g. `vpce.vpcEndpointId`, `key.keyId`) are resolved against the stack.
   */
  public static fromStack(stack: Stack, options: RequestSimulatorOptions = {}): RequestSimulator {
    const stage = Stage.of(stack);
    if (!stage) throw new Error(`RequestSimulator.fromStack: stack '${stack.node.path}' is not in an App or Stage`);
    const assembly = stage.synth({ force: true });
    const template = mergeNestedTemplates(
      assembly.getStackArtifact(stack.artifactId).template,
      cloudAssemblyTemplateLoader(assembly.directory),
    );
    const account = options.account ?? (Token.isUnresolved(stack.account) ? undefined : stack.account);
    const region = options.region ?? (Token.isUnresolved(stack.region) ? undefined : stack.region);
    return new RequestSimulator(template, { ...options, account, region }, stack);
  }

  /** Simulates a parsed CloudFormation template (a JSON object). */
  public static fromTemplate(
    template: { [key: string]: any },
    options: RequestSimulatorOptions = {},
  ): RequestSimulator {
    return new RequestSimulator(template, options);
  }

  /** Simulates a template given as JSON or CloudFormation YAML text (short-form tags such as `!Ref` allowed). */
  public static fromTemplateText(text: string, options: RequestSimulatorOptions = {}): RequestSimulator {
    return new RequestSimulator(parseTemplateText(text), options);
  }

  /**
   * Simulates a template file (JSON or YAML). Nested stacks whose templates sit beside the file (a
   * cdk.out directory: `*.nested.template.json`, or asset files its `*.assets.json` names) are merged in.
   */
  public static fromFile(file: string, options: RequestSimulatorOptions = {}): RequestSimulator {
    const template = parseTemplateText(fs.readFileSync(file, 'utf-8'));
    return new RequestSimulator(
      mergeNestedTemplates(template, cloudAssemblyTemplateLoader(path.dirname(file))),
      options,
    );
  }

  /**
   * Simulates one stack of a cloud assembly directory (cdk.out), with its nested stacks merged in.
   * @param directory the cloud assembly directory
   * @param stackName the stack's artifact id (its template is `<stackName>.template.json`); default the
   * directory's only stack
   */
  public static fromCloudAssembly(
    directory: string,
    stackName?: string,
    options: RequestSimulatorOptions = {},
  ): RequestSimulator {
    return RequestSimulator.fromFile(assemblyTemplateFile(directory, stackName), options);
  }

  private readonly model: TemplateModel;
  private readonly state = new PipelineState();
  private readonly cognitoRequiresExplicitAllow: boolean;
  private clock: number;
  private readonly stack?: Stack;

  private constructor(template: { [key: string]: any }, options: RequestSimulatorOptions, stack?: Stack) {
    this.model = buildModel(template, {
      account: options.account,
      region: options.region,
      parameters: options.parameters,
      stackName: stack?.stackName && !Token.isUnresolved(stack.stackName) ? stack.stackName : undefined,
    });
    this.cognitoRequiresExplicitAllow = options.cognitoRequiresExplicitAllow ?? true;
    this.clock = options.startTime ?? Date.now();
    this.stack = stack;
  }

  /** Logical ids of the template's REST APIs. */
  public apis(): string[] {
    return this.model.apis.map((a) => a.logicalId);
  }

  /**
   * Stage names of an API.
   * @param api logical id; default the only API
   */
  public stages(api?: string): string[] {
    const a =
      api === undefined
        ? this.model.apis.length === 1
          ? this.model.apis[0]
          : undefined
        : this.model.apis.find((x) => x.logicalId === api);
    return a ? a.stages.map((s) => s.name) : [];
  }

  /** Simulates one request; the simulator keeps throttle and quota state between calls. */
  public invoke(request: SimulatedRequest): SimulationResult {
    checkRequest(request);
    const at = request.at ?? this.clock;
    if (typeof at !== 'number' || !Number.isFinite(at)) {
      throw new SimulationInputError(`'at' must be a number of ms since the epoch, got ${String(request.at)}`);
    }
    if (at > this.clock) this.clock = at;
    const d = decide(this.model, this.state, this.toPipeline(request, at), {
      cognitoRequiresExplicitAllow: this.cognitoRequiresExplicitAllow,
    });
    return { statusCode: d.statusCode, decidedBy: d.decidedBy, message: d.message, reasons: d.reasons };
  }

  /**
   * Simulates `count` identical requests, `intervalMs` apart in simulated time (no waiting), starting at
   * the request's `at` (or the simulator's clock).
   */
  public invokeRepeatedly(request: SimulatedRequest, count: number, intervalMs: number = 0): SimulationSummary {
    checkRequest(request);
    if (!Number.isInteger(count) || count < 1 || count > MAX_REPEAT) {
      throw new SimulationInputError(`'count' is malformed: got ${count}; expected an integer from 1 to ${MAX_REPEAT}`);
    }
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new SimulationInputError(`'intervalMs' must be a number >= 0, got ${intervalMs}`);
    }
    const start = request.at ?? this.clock;
    const touchesBefore = new Map([...this.state.usage].map(([k, e]) => [k, e.touches]));
    const counts: { [k: string]: number } = {};
    const by: { [k: string]: number } = {};
    let first: SimulationResult | undefined;
    let last: SimulationResult | undefined;
    for (let i = 0; i < count; i++) {
      const r = this.invoke({ ...request, at: start + i * intervalMs });
      counts[String(r.statusCode)] = (counts[String(r.statusCode)] ?? 0) + 1;
      by[r.decidedBy] = (by[r.decidedBy] ?? 0) + 1;
      first = first ?? r;
      last = r;
    }
    const reached = [...this.state.usage].filter(([k, e]) => e.touches !== (touchesBefore.get(k) ?? 0));
    const ledger = ledgerLines(
      this.model,
      reached.map(([, e]) => e),
    );
    return { counts, decidedBy: by, first: first!, last: last!, ledger };
  }

  /**
   * The usage ledger of every request since the simulator was made or last `reset`: one line per usage
   * plan, API key and UTC day, in the `UsageMeter` ledger's shape (see `SimulatedLedgerLine` for what
   * counts), sorted by date, tier and key id.
   */
  public ledger(): SimulatedLedgerLine[] {
    return ledgerLines(this.model, this.state.usage.values());
  }

  /** Forgets all throttle, quota and ledger state. */
  public reset(): void {
    this.state.reset();
  }

  /** The findings `explain` reports: open private APIs, invalid or deny-only policies, keys in no plan… */
  public findings(): SimulatorFinding[] {
    return this.report().findings.map((f) => ({ ...f }));
  }

  /**
   * The `explain` report as Markdown: who may call what, usage plans, findings, what was not simulated.
   * @param title the report's heading (the CLI uses the template's file name)
   */
  public explain(title: string = 'cdk-api-gatekeeper explain'): string {
    return renderMarkdown(this.report(), title);
  }

  /**
   * The `explain` report as data (`explain --format json`).
   * @internal
   */
  public _report(): ExplainReport {
    return this.report();
  }

  private report(): ExplainReport {
    return explainModel(this.model, { cognitoRequiresExplicitAllow: this.cognitoRequiresExplicitAllow });
  }

  /** Resolves CDK tokens and logical ids given in a request. */
  private ref(value: string | undefined, kind: 'vpce' | 'vpc' | 'logical' | 'plain'): string | undefined {
    if (value === undefined) return undefined;
    let v: any = value;
    if (this.stack && Token.isUnresolved(value)) {
      const resolved = this.stack.resolve(value);
      v = this.model.resolver.resolve(resolved);
      if (isUnresolved(v) || typeof v !== 'string') {
        throw new SimulationInputError(`cannot resolve the token ${value} against stack ${this.stack.node.path}`);
      }
    }
    const resources = this.model.resolver.resources;
    if (kind === 'logical') {
      return this.model.resolver.idToLogical.get(v) ?? v;
    }
    if (kind === 'vpce') return this.vpcEndpointId(v);
    if (kind === 'vpc' && resources[v]) {
      const r = this.model.resolver.resolve({ Ref: v });
      if (typeof r === 'string') return r;
    }
    return v;
  }

  /**
   * A VPC endpoint id (`vpce-` and hexadecimal digits) or the logical id of an `AWS::EC2::VPCEndpoint` in
   * the template (its placeholder id then).
   */
  private vpcEndpointId(v: string): string {
    const res = this.model.resolver.resources[v];
    if (res && res.Type === 'AWS::EC2::VPCEndpoint') return this.model.resolver.resolve({ Ref: v });
    if (/^vpce-[0-9a-f]+$/.test(v)) return v;
    const endpoints = this.model.vpcEndpoints.map((e) => e.logicalId);
    throw new SimulationInputError(
      `'vpcEndpointId' is malformed: got ${JSON.stringify(v)}; expected a VPC endpoint id (vpce- and hexadecimal digits, e.g. vpce-0123456789abcdef0)${endpoints.length > 0 ? ` or the logical id of one of the template's endpoints: ${endpoints.join(', ')}` : ''}`,
    );
  }

  private toPipeline(r: SimulatedRequest, at: number): PipelineRequest {
    if (!r || typeof r !== 'object') throw new SimulationInputError('a request must be an object');
    if (typeof r.method !== 'string' || r.method === '') {
      throw new SimulationInputError("a request needs 'method', e.g. GET");
    }
    if (typeof r.path !== 'string') throw new SimulationInputError("a request needs 'path', e.g. /items");
    let caller: PipelineCaller | undefined;
    if (r.caller) {
      const account = this.ref(r.caller.account, 'plain');
      if (typeof account !== 'string' || account === '') {
        throw new SimulationInputError("'caller.account' must be an account id");
      }
      caller = {
        account,
        arn: this.ref(r.caller.arn, 'plain'),
        orgId: this.ref(r.caller.orgId, 'plain'),
        orgPaths: r.caller.orgPaths,
        identityPolicy: r.caller.identityPolicy,
      };
    }
    return {
      api: this.ref(r.api, 'logical'),
      stage: this.ref(r.stage, 'plain'),
      method: r.method,
      path: r.path,
      domainName: r.domainName,
      sourceIp: r.sourceIp,
      vpcEndpointId: this.ref(r.vpcEndpointId, 'vpce'),
      vpcId: this.ref(r.vpcId, 'vpc'),
      caller,
      authorizer: r.authorizer,
      apiKey: r.apiKey,
      apiKeyRef: this.ref(r.apiKeyRef, 'logical'),
      userAgent: r.userAgent,
      referer: r.referer,
      at,
    };
  }
}

/** The template file of a stack in a cloud assembly directory (the only one when no name is given). */
function assemblyTemplateFile(directory: string, stackName?: string): string {
  if (typeof directory !== 'string' || directory === '') {
    throw new SimulationInputError(`'directory' must be a cloud assembly directory, got ${JSON.stringify(directory)}`);
  }
  if (stackName !== undefined && (typeof stackName !== 'string' || !/^[A-Za-z0-9._-]+$/.test(stackName))) {
    throw new SimulationInputError(
      `'stackName' is malformed: got ${JSON.stringify(stackName)}; expected a stack artifact id (letters, digits, '.', '_', '-')`,
    );
  }
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch {
    throw new SimulationInputError(`cannot read the cloud assembly directory ${directory}`);
  }
  const stacks = names.filter((f) => f.endsWith('.template.json') && !f.endsWith('.nested.template.json')).sort();
  if (stackName !== undefined && names.includes(`${stackName}.template.json`)) {
    return path.join(directory, `${stackName}.template.json`);
  }
  if (stackName !== undefined || stacks.length !== 1) {
    const choices = stacks.map((f) => f.slice(0, -'.template.json'.length)).join(', ') || 'none';
    throw new SimulationInputError(
      stackName !== undefined
        ? `${directory} holds no stack '${stackName}'; its stacks: ${choices}`
        : `${directory} holds ${stacks.length} stack templates; name one as stackName: ${choices}`,
    );
  }
  return path.join(directory, stacks[0]);
}
