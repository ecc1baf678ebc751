/**
 * UsageMeter on a TieredApi (3 tiers, 10 keys), vs an approximate hand-written aws-cdk-lib equivalent with
 * the same resource types and counts: the tiered RestApi with its plans and keys, a ledger bucket (SSL only,
 * versioned, retained, lifecycle rules), the exporter function (the same asset) with its role, policy and
 * log group, the schedule rule, three Contributor Insights rules on the access log group, a dashboard, a
 * Glue database and table (partition projection) and an Athena workgroup.
 *
 * Approximate: the hand-written side writes the IAM statements, insight-rule bodies, table columns and
 * dashboard widgets in the same spirit, not byte for byte (the templates differ by a few percent), so the
 * ratios compare "what the construct costs" with "what writing it out by hand costs", not identical output.
 */
import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TIERS } from './tiered-api';
import { TieredApi } from '../../src/apis';
import { UsageMeter } from '../../src/usage';
import { secureRestApi } from '../hand-written';
import { againstHandWritten, Scenario } from '../harness';

const KEYS = 10;
const EXPORTER_CODE = path.join(__dirname, '..', '..', 'src', 'usage', 'meter', 'exporter-handler');

export function ours(stack: Stack): void {
  // Without cdk-nag acknowledgements (metadata only), so that both sides have the same template content.
  const api = new TieredApi(stack, 'Api', { tiers: TIERS, acknowledgeNagFindings: false });
  api.root.addMethod('GET', new apigw.MockIntegration());
  for (let i = 0; i < KEYS; i++) api.addKey(`customer-${i}`, { tier: TIERS[i % 3].name });
  new UsageMeter(stack, 'Meter', { tiers: api.tiers });
}

function tieredApi(stack: Stack): { api: apigw.RestApi; plans: apigw.UsagePlan[] } {
  const fields = ['requestId', 'ip', 'user', 'caller', 'requestTime', 'httpMethod', 'resourcePath', 'status'];
  const format: Record<string, string> = {};
  for (const f of fields) format[f] = f === 'ip' ? '$context.identity.sourceIp' : `$context.${f}`;
  Object.assign(format, {
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    apiKeyId: '$context.identity.apiKeyId',
    responseType: '$context.error.responseType',
  });
  const api = secureRestApi(stack, {
    securityPolicy: 'SecurityPolicy_TLS12_PFS_2025_EDGE',
    throttle: { rateLimit: 1000, burstLimit: 2000 },
    accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(format)),
    props: { defaultMethodOptions: { apiKeyRequired: true } },
  });
  const plans = TIERS.map((t) => {
    const plan = new apigw.UsagePlan(stack, t.name, { name: t.name, throttle: t.throttle, quota: t.quota });
    plan.addApiStage({ stage: api.deploymentStage });
    return plan;
  });
  for (let i = 0; i < KEYS; i++) plans[i % 3].addApiKey(new apigw.ApiKey(stack, `Key:customer-${i}`));
  return { api, plans };
}

function ledgerBucket(stack: Stack): s3.Bucket {
  const expire = (id: string, prefix: string, days: number): s3.LifecycleRule => ({
    id,
    prefix,
    expiration: Duration.days(days),
    noncurrentVersionExpiration: Duration.days(1),
  });
  return new s3.Bucket(stack, 'Ledger', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      expire('QuotaWarningMarkers', 'quota-warnings/', 62),
      expire('AthenaResults', 'athena-results/', 30),
      { id: 'LedgerOldVersions', prefix: 'usage/', noncurrentVersionExpiration: Duration.days(90) },
    ],
  });
}

function exporter(stack: Stack, bucket: s3.Bucket, plans: apigw.UsagePlan[]): lambda.Function {
  const role = new iam.Role(stack, 'ExporterRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const region = Stack.of(stack).region;
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [bucket.arnForObjects('usage/*')],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects('quota-warnings/*')],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [Stack.of(stack).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: { StringEquals: { 'events:source': 'cdk-api-gatekeeper' } },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['apigateway:GET'],
      resources: [
        ...plans.map(
          (p) => `arn:${Stack.of(stack).partition}:apigateway:${region}::/usageplans/${p.usagePlanId}/usage`,
        ),
        `arn:${Stack.of(stack).partition}:apigateway:${region}::/apikeys`,
        `arn:${Stack.of(stack).partition}:apigateway:${region}::/apikeys/*`,
      ],
    }),
  );
  return new lambda.Function(stack, 'Exporter', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(EXPORTER_CODE),
    role,
    memorySize: 256,
    timeout: Duration.minutes(15),
    logGroup: new logs.LogGroup(stack, 'ExporterLogs', { retention: logs.RetentionDays.ONE_YEAR }),
    environment: {
      LEDGER_BUCKET: bucket.bucketName,
      WARNING_PERCENT: '80',
      PER_KEY_METRICS: 'false',
      METRIC_NAMESPACE: 'ApiGatekeeper/Usage',
      PLANS: Stack.of(stack).toJsonString(TIERS.map((t, i) => ({ tier: t.name, usagePlanId: plans[i].usagePlanId }))),
    },
  });
}

function insightRules(stack: Stack, logGroupName: string): string[] {
  const rules: Array<[string, string[] | undefined]> = [
    ['TopKeysByRequests', undefined],
    ['TopKeysBy429', ['429']],
    ['TopKeysBy403', ['403']],
  ];
  return rules.map(([id, statuses]) => {
    const ruleName = `Bench-Meter-${id}`;
    new cloudwatch.CfnInsightRule(stack, id, {
      ruleName,
      ruleState: 'ENABLED',
      ruleBody: Stack.of(stack).toJsonString({
        Schema: { Name: 'CloudWatchLogRule', Version: 1 },
        LogGroupNames: [logGroupName],
        LogFormat: 'JSON',
        Contribution: { Keys: ['$.apiKeyId'], Filters: statuses ? [{ Match: '$.status', In: statuses }] : [] },
        AggregateOn: 'Count',
      }),
    });
    return ruleName;
  });
}

function dashboard(stack: Stack, api: apigw.RestApi, logGroupName: string, ruleNames: string[]): void {
  const insight = (rule: string, stat: string, label: string) =>
    new cloudwatch.MathExpression({ expression: `INSIGHT_RULE_METRIC('${rule}', '${stat}')`, label });
  new cloudwatch.Dashboard(stack, 'Dashboard', {
    widgets: [
      [
        new cloudwatch.GraphWidget({
          title: 'Requests per tier',
          width: 12,
          left: TIERS.map(
            (t) =>
              new cloudwatch.Metric({
                namespace: 'ApiGatekeeper/Usage',
                metricName: 'Requests',
                dimensionsMap: { Tier: t.name },
                statistic: 'Maximum',
                period: Duration.hours(1),
                label: t.name,
              }),
          ),
        }),
        new cloudwatch.GraphWidget({
          title: '4XX errors per stage',
          width: 12,
          left: [api.deploymentStage.metricClientError({ statistic: 'Sum' })],
        }),
      ],
      [
        new cloudwatch.LogQueryWidget({
          title: '429 and 403 by response type',
          width: 12,
          logGroupNames: [logGroupName],
          view: cloudwatch.LogQueryVisualizationType.STACKEDAREA,
          queryLines: [
            'fields status, responseType',
            'filter status = "429" or status = "403"',
            'stats count(*) as requests by responseType, bin(1h)',
          ],
        }),
      ],
      ruleNames.map(
        (r) =>
          new cloudwatch.GraphWidget({
            title: r,
            width: 8,
            left: [insight(r, 'MaxContributorValue', 'top key'), insight(r, 'UniqueContributors', 'distinct keys')],
          }),
      ),
    ],
  });
}

function ledgerTable(stack: Stack, bucket: s3.Bucket): void {
  const account = Stack.of(stack).account;
  const db = new glue.CfnDatabase(stack, 'LedgerDatabase', {
    catalogId: account,
    databaseInput: { name: 'bench_meter', description: 'usage ledger' },
  });
  const column = (name: string, type = 'string') => ({ name, type });
  const table = new glue.CfnTable(stack, 'LedgerTable', {
    catalogId: account,
    databaseName: 'bench_meter',
    tableInput: {
      name: 'usage',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'json',
        'projection.enabled': 'true',
        'projection.date.type': 'date',
        'projection.date.format': 'yyyy-MM-dd',
        'projection.date.range': '2020-01-01,NOW',
        'projection.date.interval': '1',
        'projection.date.interval.unit': 'DAYS',
        'storage.location.template': `s3://${bucket.bucketName}/usage/date=\${date}/`,
      },
      partitionKeys: [column('date')],
      storageDescriptor: {
        columns: [
          column('tier'),
          column('usageplanid'),
          column('keyid'),
          column('customerid'),
          column('used', 'bigint'),
          column('remaining', 'bigint'),
        ],
        location: `s3://${bucket.bucketName}/usage/`,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
      },
    },
  });
  table.addDependency(db);
  new athena.CfnWorkGroup(stack, 'WorkGroup', {
    name: 'bench-meter',
    recursiveDeleteOption: true,
    workGroupConfiguration: {
      enforceWorkGroupConfiguration: true,
      publishCloudWatchMetricsEnabled: true,
      resultConfiguration: {
        encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        outputLocation: `s3://${bucket.bucketName}/athena-results/`,
      },
    },
  });
}

export function baseline(stack: Stack): void {
  const { api, plans } = tieredApi(stack);
  const accessLogs = stack.node.findChild('AccessLogs') as logs.LogGroup;
  const bucket = ledgerBucket(stack);
  const fn = exporter(stack, bucket, plans);
  new events.Rule(stack, 'Schedule', {
    schedule: events.Schedule.rate(Duration.hours(1)),
    targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
  });
  const ruleNames = insightRules(stack, accessLogs.logGroupName);
  dashboard(stack, api, accessLogs.logGroupName, ruleNames);
  ledgerTable(stack, bucket);
}

const name = 'usage-meter: TieredApi + UsageMeter, 3 tiers, 10 keys (vs approximate hand-written set)';

export const scenarios: Scenario[] = againstHandWritten(name, ours, baseline, { heapRounds: 5 });
