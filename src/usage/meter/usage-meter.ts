import * as path from 'path';
import { AspectPriority, Aspects, Duration, IAspect, Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { checkPerKeyMetrics, checkWarningPercent, DEFAULT_WARNING_PERCENT } from './checks';
import { meterWidgets } from './dashboard';
import { insightRuleBody, METER_INSIGHT_RULES } from './insight-rules';
import { UsageLedger } from './ledger';
import { ATHENA_RESULTS_PREFIX, createLedgerTable, LedgerTableNames } from './ledger-table';
import { acknowledgeMeterNagRules } from './nag';
import { logStage, StageLogResult } from './stage-logs';
import { describeNewConstruct, propError, propMessage } from '../../private/errors';
import { UsageTiers } from '../usage-tiers';

/** Key prefix of the "already warned this period" markers in the ledger bucket. */
const WARNING_PREFIX = 'quota-warnings/';

/**
 * Options of a `UsageMeter`, for `TieredApi.meter()` (which supplies the tiers).
 */
export interface UsageMeterOptions {
  /**
   * How often the exporter reads GetUsage and rewrites the current and the previous UTC day.
   *
   * @default - hourly
   */
  readonly schedule?: events.Schedule;

  /**
   * The bucket for the ledger (`usage/`), the quota-warning markers (`quota-warnings/`) and Athena results
   * (`athena-results/`). A bucket of your own keeps its own settings: add lifecycle rules for the markers
   * and results yourself.
   *
   * @default - a new bucket: encrypted (S3 managed), SSL only, no public access, versioned, retained
   */
  readonly ledgerBucket?: s3.IBucket;

  /**
   * The percent of a key's quota (in the current quota period) at which one quota-warning event is sent
   * for that key and period. An integer from 1 to 100.
   *
   * @default 80
   */
  readonly quotaWarningPercent?: number;

  /**
   * Whether the exporter also emits a `Requests` metric per API key (dimensions `Tier` and `ApiKeyId`).
   * Each key is then one custom metric, billed monthly; the insight rules rank keys without that cost.
   *
   * @default false
   */
  readonly perKeyMetrics?: boolean;
}

/**
 * Props of a `UsageMeter`.
 */
export interface UsageMeterProps extends UsageMeterOptions {
  /** The tiers to meter (for a `TieredApi`: `api.tiers`). Tiers and stages added later are metered too. */
  readonly tiers: UsageTiers;
}

/**
 * What each customer used, per API key and tier: a ledger to bill from, warnings before a quota runs out,
 * and the top consumers at a glance.
 *
 * - An exporter Lambda function reads GetUsage for every tier's plan on a schedule and writes
 *   `usage/date=YYYY-MM-DD/<usagePlanId>.jsonl` (one line per key and day, see `LedgerLine`).
 * - A Glue table (partition projection on `date`) and an Athena workgroup query the ledger.
 * - Quota warnings: one EventBridge event per key and quota period (`onQuotaWarning`).
 * - Every bound stage gets JSON access logs with the key id (never its value); Contributor Insights rules
 *   rank keys by requests, 429 and 403; a dashboard shows them with requests per tier.
 *
 * @example
 * const meter = new UsageMeter(this, 'Meter', { tiers });
 * meter.onQuotaWarning('NearLimit', { target: new targets.SnsTopic(topic) });
 */
export class UsageMeter extends Construct {
  /** The CloudWatch namespace of the exporter's metrics. */
  public static readonly METRIC_NAMESPACE = 'ApiGatekeeper/Usage';
  /** The `source` of quota-warning events. */
  public static readonly EVENT_SOURCE = 'cdk-api-gatekeeper';
  /** The `detail-type` of quota-warning events. */
  public static readonly QUOTA_WARNING_DETAIL_TYPE = 'Quota Warning';

  /** The ledger bucket. */
  public readonly ledgerBucket: s3.IBucket;
  /** The exporter function. */
  public readonly exporter: lambda.IFunction;
  /** The dashboard: requests per tier, 4XX per stage, 429 / 403 by response type, top keys. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The Glue database of the ledger table. */
  public readonly ledgerDatabaseName: string;
  /** The Glue table over the ledger (`<ledgerDatabaseName>.<ledgerTableName>`). */
  public readonly ledgerTableName: string;
  /** The Athena workgroup to query the ledger with. */
  public readonly workGroupName: string;

  private readonly tiers: UsageTiers;
  private readonly role: iam.Role;
  private readonly fn: lambda.Function;
  private readonly perKeyMetrics: boolean;
  private finalized = false;

  constructor(scope: Construct, id: string, props: UsageMeterProps) {
    checkProps(describeNewConstruct('UsageMeter', scope, id), props);
    super(scope, id);
    this.tiers = props.tiers;
    this.perKeyMetrics = props.perKeyMetrics ?? false;
    this.ledgerBucket = props.ledgerBucket ?? this.createBucket();
    this.role = new iam.Role(this, 'ExporterRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'UsageMeter exporter: reads its usage plans and keys, writes the ledger, sends quota warnings',
    });
    this.fn = this.createExporter(props);
    this.exporter = this.fn;
    new events.Rule(this, 'Schedule', {
      description: 'Runs the UsageMeter exporter',
      schedule: props.schedule ?? events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
    });
    this.grantStaticPermissions();
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    const names: LedgerTableNames = createLedgerTable(this, this.ledgerBucket);
    this.ledgerDatabaseName = names.databaseName;
    this.ledgerTableName = names.tableName;
    this.workGroupName = names.workGroupName;
    Aspects.of(this).add(new MeterFinalizer(this, () => this.finalizeOnce()), { priority: AspectPriority.MUTATING });
    this.node.addValidation({ validate: () => this.validate() });
  }

  /**
   * A rule for the quota-warning events of this meter's plans on the default event bus
   * (`source: "cdk-api-gatekeeper"`, `detail-type: "Quota Warning"`, `detail: { tier, usagePlanId, keyId,
   * customerId?, used, limit, period, percent }`).
   */
  public onQuotaWarning(id: string, options: events.OnEventOptions = {}): events.Rule {
    const rule = new events.Rule(this, id, {
      description: options.description ?? 'UsageMeter quota warnings',
      ruleName: options.ruleName,
    });
    rule.addEventPattern({
      source: [UsageMeter.EVENT_SOURCE],
      detailType: [UsageMeter.QUOTA_WARNING_DETAIL_TYPE],
      account: [Stack.of(this).account],
      detail: { usagePlanId: Lazy.list({ produce: () => this.plans().map((p) => p.usagePlanId) }) },
    });
    if (options.eventPattern) rule.addEventPattern(options.eventPattern);
    if (options.target) rule.addTarget(options.target);
    return rule;
  }

  /**
   * The exporter's `Requests` metric of one tier: its requests so far in the UTC day, as GetUsage reported
   * them at the last run (use statistic Maximum).
   */
  public metricRequests(tier: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    if (!this.tiers.tierNames.includes(tier)) {
      throw propError(this, {
        prop: 'tier',
        value: tier,
        problem: 'is not a tier of the metered UsageTiers',
        expected: `one of ${this.tiers.tierNames.map((n) => JSON.stringify(n)).join(', ') || '(no tiers yet)'}`,
      });
    }
    return new cloudwatch.Metric({
      namespace: UsageMeter.METRIC_NAMESPACE,
      metricName: 'Requests',
      dimensionsMap: { Tier: tier },
      statistic: 'Maximum',
      period: Duration.hours(1),
      ...props,
    });
  }

  /** Runs once, at synthesis (an aspect): everything that depends on the finished tiers and stages. */
  private finalizeOnce(): void {
    if (this.finalized) return;
    this.finalized = true;
    const plans = this.plans();
    this.fn.addEnvironment('PLANS', Stack.of(this).toJsonString(plans));
    if (plans.length > 0) this.grantPlans(plans.map((p) => p.usagePlanId));
    const logged = this.tiers.stages.map((s) => logStage(this, s));
    const logGroupNames = [...new Set(logged.map((l: StageLogResult) => l.logGroupName).filter(isString))];
    const rules = logGroupNames.length > 0 ? this.createInsightRules(logGroupNames) : [];
    for (const row of meterWidgets({
      namespace: UsageMeter.METRIC_NAMESPACE,
      tierNames: this.tiers.tierNames,
      stages: this.tiers.stages,
      logGroupNames,
      insightRules: rules,
    })) {
      this.dashboard.addWidgets(...row);
    }
    acknowledgeMeterNagRules(this);
  }

  private createBucket(): s3.Bucket {
    return new s3.Bucket(this, 'Ledger', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'QuotaWarningMarkers',
          prefix: WARNING_PREFIX,
          expiration: Duration.days(62),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'AthenaResults',
          prefix: ATHENA_RESULTS_PREFIX,
          expiration: Duration.days(30),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { id: 'LedgerOldVersions', prefix: UsageLedger.PREFIX, noncurrentVersionExpiration: Duration.days(90) },
      ],
    });
  }

  private createExporter(props: UsageMeterProps): lambda.Function {
    const logGroup = new logs.LogGroup(this, 'ExporterLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const fn = new lambda.Function(this, 'Exporter', {
      description: 'UsageMeter exporter: GetUsage → usage ledger, quota warnings, EMF metrics',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, 'exporter-handler')),
      role: this.role,
      logGroup,
      timeout: Duration.minutes(15),
      memorySize: 256,
      environment: {
        LEDGER_BUCKET: this.ledgerBucket.bucketName,
        WARNING_PERCENT: String(props.quotaWarningPercent ?? DEFAULT_WARNING_PERCENT),
        PER_KEY_METRICS: String(this.perKeyMetrics),
        METRIC_NAMESPACE: UsageMeter.METRIC_NAMESPACE,
      },
    });
    logGroup.grantWrite(this.role);
    return fn;
  }

  /** S3 under the ledger and marker prefixes, and PutEvents on the default bus with this source only. */
  private grantStaticPermissions(): void {
    const bucketArn = this.ledgerBucket.bucketArn;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteLedger',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [`${bucketArn}/${UsageLedger.PREFIX}*`],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QuotaWarningMarkers',
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [`${bucketArn}/${WARNING_PREFIX}*`],
      }),
    );
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QuotaWarnings',
        actions: ['events:PutEvents'],
        resources: [`arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`],
        conditions: { StringEquals: { 'events:source': UsageMeter.EVENT_SOURCE } },
      }),
    );
    this.ledgerBucket.encryptionKey?.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
  }

  /**
   * GET on each plan's usage and on API keys (GetApiKey, or GetApiKeys past 100 keys, for their customer
   * ids; never their values), nothing else.
   */
  private grantPlans(planIds: string[]): void {
    const stack = Stack.of(this);
    const arn = (p: string) => `arn:${stack.partition}:apigateway:${stack.region}::${p}`;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadUsage',
        actions: ['apigateway:GET'],
        resources: [...planIds.map((id) => arn(`/usageplans/${id}/usage`)), arn('/apikeys'), arn('/apikeys/*')],
      }),
    );
  }

  /** The plans as the exporter's PLANS environment variable gives them. */
  private plans(): Array<{ tier: string; usagePlanId: string; quota?: { limit: number; period: string } }> {
    return this.tiers.tierNames.map((tier) => {
      const plan = this.tiers.plan(tier);
      const cfn = plan.node.defaultChild as apigw.CfnUsagePlan;
      const quota = Stack.of(plan).resolve(cfn.quota) as { limit?: number; period?: string } | undefined;
      const limit = quota?.limit;
      return {
        tier,
        usagePlanId: plan.usagePlanId,
        ...(typeof limit === 'number' && quota?.period ? { quota: { limit, period: quota.period } } : {}),
      };
    });
  }

  private createInsightRules(logGroupNames: string[]): Array<{ title: string; ruleName: string }> {
    const base = Names.uniqueResourceName(this, { maxLength: 96, separator: '-' });
    return METER_INSIGHT_RULES.map((spec) => {
      const ruleName = `${base}-${spec.id}`;
      new cloudwatch.CfnInsightRule(this, spec.id, {
        ruleName,
        ruleState: 'ENABLED',
        ruleBody: Stack.of(this).toJsonString(insightRuleBody(spec, logGroupNames)),
      });
      return { title: spec.title, ruleName };
    });
  }

  private validate(): string[] {
    if (this.tiers.tierNames.length > 0) return [];
    return [
      propMessage(this, {
        prop: 'tiers',
        value: this.tiers.node.path,
        problem: 'has no tier to meter',
        expected: 'a UsageTiers with at least one tier (addTier) by synthesis',
      }),
    ];
  }
}

function isString(x: unknown): x is string {
  return typeof x === 'string';
}

/** Finishes the meter at synthesis, before read-only aspects such as cdk-nag run. */
class MeterFinalizer implements IAspect {
  constructor(
    private readonly meter: UsageMeter,
    private readonly finalize: () => void,
  ) {}
  public visit(node: IConstruct): void {
    if (node === this.meter) this.finalize();
  }
}

/** The props, checked before anything is created (JavaScript callers have no compiler). */
function checkProps(label: string, props: UsageMeterProps): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw propError(label, { prop: 'props', value: props, problem: 'is not an object', expected: '{ tiers, ... }' });
  }
  if (!UsageTiers.isUsageTiers(props.tiers)) {
    throw propError(label, {
      prop: 'tiers',
      value: props.tiers,
      problem: props.tiers === undefined ? 'is missing' : 'is not a UsageTiers',
      expected: "a UsageTiers (for a TieredApi: api.tiers, or use api.meter('Meter'))",
    });
  }
  const schedule = props.schedule as unknown as { expressionString?: unknown } | undefined;
  if (schedule !== undefined && (schedule === null || typeof schedule.expressionString !== 'string')) {
    throw propError(label, {
      prop: 'schedule',
      value: props.schedule,
      problem: 'is not a schedule',
      expected: 'an events.Schedule such as events.Schedule.rate(Duration.hours(1)), or leave it unset',
    });
  }
  const bucket = props.ledgerBucket as unknown as { bucketArn?: unknown } | undefined;
  if (bucket !== undefined && (bucket === null || typeof bucket.bucketArn !== 'string')) {
    throw propError(label, {
      prop: 'ledgerBucket',
      value: props.ledgerBucket,
      problem: 'is not a bucket',
      expected: 'an s3.IBucket, or leave it unset for a new bucket',
    });
  }
  for (const problem of [checkWarningPercent(props.quotaWarningPercent), checkPerKeyMetrics(props.perKeyMetrics)]) {
    if (problem) throw propError(label, problem);
  }
}
