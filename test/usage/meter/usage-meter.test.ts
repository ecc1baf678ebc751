import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { TieredApi, UsageMeter, UsageTiers } from '../../../src';
import { meterLogFormat } from '../../../src/usage/meter/access-log';
import { unacknowledgedNagFindings } from '../../apis/nag';

const ENV = { account: '123456789012', region: 'us-east-1' };
const FREE = {
  name: 'free',
  throttle: { rateLimit: 5, burstLimit: 10 },
  quota: { limit: 1000, period: apigw.Period.DAY },
};
const PREMIUM = { name: 'premium', quota: { limit: 1_000_000, period: apigw.Period.MONTH } };

function setup(stageOptions: apigw.StageOptions = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const api = new apigw.RestApi(stack, 'Api', {
    cloudWatchRole: true,
    deployOptions: { stageName: 'prod', ...stageOptions },
  });
  api.root.addMethod('GET', new apigw.MockIntegration());
  const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE, PREMIUM] });
  tiers.addKey('acme', { tier: 'free', customerId: 'acme-marketplace-id' });
  return { app, stack, api, tiers };
}

function ref(stack: Stack, c: { node: { defaultChild?: unknown } }): { Ref: string } {
  return { Ref: stack.getLogicalId(c.node.defaultChild as any) };
}

const arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, suffix]] });

describe('UsageMeter', () => {
  test('creates a ledger bucket: S3-managed encryption, SSL only, no public access, versioned, retained, with lifecycle rules', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    const t = Template.fromStack(stack);
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'QuotaWarningMarkers',
              Prefix: 'quota-warnings/',
              ExpirationInDays: 62,
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
              Status: 'Enabled',
            },
            {
              Id: 'AthenaResults',
              Prefix: 'athena-results/',
              ExpirationInDays: 30,
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
              Status: 'Enabled',
            },
            {
              Id: 'LedgerOldVersions',
              Prefix: 'usage/',
              NoncurrentVersionExpiration: { NoncurrentDays: 90 },
              Status: 'Enabled',
            },
          ],
        },
      },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('the exporter: Node.js 22, its own log group, the plans, bucket and settings in its environment', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    const meter = new UsageMeter(stack, 'Meter', { tiers, quotaWarningPercent: 90, perKeyMetrics: true });

    // THEN
    const t = Template.fromStack(stack);
    const free = ref(stack, tiers.plan('free'));
    const premium = ref(stack, tiers.plan('premium'));
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 900,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('MeterExporterLogs') } },
      Environment: {
        Variables: {
          LEDGER_BUCKET: ref(stack, meter.ledgerBucket),
          WARNING_PERCENT: '90',
          PER_KEY_METRICS: 'true',
          METRIC_NAMESPACE: 'ApiGatekeeper/Usage',
          PLANS: {
            'Fn::Join': [
              '',
              [
                '[{"tier":"free","usagePlanId":"',
                free,
                '","quota":{"limit":1000,"period":"DAY"}},{"tier":"premium","usagePlanId":"',
                premium,
                '","quota":{"limit":1000000,"period":"MONTH"}}]',
              ],
            ],
          },
        },
      },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    expect(meter.exporter.node.path).toBe('Stack/Meter/Exporter');
  });

  test('runs hourly by default, or on the given schedule', () => {
    // GIVEN
    const { stack, tiers } = setup();
    const other = new UsageTiers(stack, 'Other', { tiers: [{ name: 'x' }] });

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });
    new UsageMeter(stack, 'Daily', { tiers: other, schedule: events.Schedule.rate(Duration.days(1)) });

    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MeterExporter'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  });

  test('the exporter role has exactly the least-privilege statements: no apigateway:*, no s3:*, no *', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    const meter = new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    const t = Template.fromStack(stack);
    const bucketArn = {
      'Fn::GetAtt': [stack.getLogicalId(meter.ledgerBucket.node.defaultChild as s3.CfnBucket), 'Arn'],
    };
    const free = ref(stack, tiers.plan('free'));
    const premium = ref(stack, tiers.plan('premium'));
    const policies = t.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^MeterExporterRole') }] },
    });
    expect(Object.keys(policies)).toHaveLength(1);
    const statements = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
    expect(statements).toEqual(
      [
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: {
            'Fn::GetAtt': [stack.getLogicalId(meter.node.findChild('ExporterLogs').node.defaultChild as any), 'Arn'],
          },
        },
        {
          Sid: 'WriteLedger',
          Action: ['s3:GetObject', 's3:PutObject'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [bucketArn, '/usage/*']] },
        },
        {
          Sid: 'QuotaWarningMarkers',
          Action: ['s3:PutObject', 's3:DeleteObject'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [bucketArn, '/quota-warnings/*']] },
        },
        {
          Sid: 'QuotaWarnings',
          Action: 'events:PutEvents',
          Effect: 'Allow',
          Resource: arn(':events:us-east-1:123456789012:event-bus/default'),
          Condition: { StringEquals: { 'events:source': 'cdk-api-gatekeeper' } },
        },
        {
          Sid: 'ReadUsage',
          Action: 'apigateway:GET',
          Effect: 'Allow',
          Resource: [
            {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1::/usageplans/', free, '/usage'],
              ],
            },
            {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1::/usageplans/', premium, '/usage'],
              ],
            },
            arn(':apigateway:us-east-1::/apikeys'),
            arn(':apigateway:us-east-1::/apikeys/*'),
          ],
        },
      ].map((s) => expect.objectContaining(s)),
    );
    const actions = statements.flatMap((s: any) => [s.Action].flat());
    expect(actions).not.toContain('apigateway:*');
    expect(actions).not.toContain('s3:*');
    expect(actions).not.toContain('*');
    expect(statements.every((s: any) => s.Effect === 'Allow' && s.Resource !== '*')).toBe(true);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('tiers added after the meter are metered too (environment and permissions)', () => {
    // GIVEN
    const { stack, tiers } = setup();
    new UsageMeter(stack, 'Meter', { tiers });

    // WHEN
    tiers.addTier({ name: 'gold' });

    // THEN
    const t = Template.fromStack(stack);
    const gold = ref(stack, tiers.plan('gold'));
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { PLANS: { 'Fn::Join': ['', Match.arrayWith([gold, '"}]'])] } } },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadUsage',
            Resource: Match.arrayWith([
              {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1::/usageplans/', gold, '/usage'],
                ],
              },
            ]),
          }),
        ]),
      },
    });
  });

  test('a bucket of your own is used as it is; its KMS key is granted for writing', () => {
    // GIVEN
    const { stack, tiers } = setup();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Mine', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
    });

    // WHEN
    const meter = new UsageMeter(stack, 'Meter', { tiers, ledgerBucket: bucket });

    // THEN
    const t = Template.fromStack(stack);
    expect(meter.ledgerBucket).toBe(bucket);
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
          },
        ]),
      },
    });
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        ResultConfiguration: {
          EncryptionConfiguration: {
            EncryptionOption: 'SSE_KMS',
            KmsKey: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
          },
        },
      },
    });
  });

  test('a stage without access logs gets a log group of its own and the JSON format with the key id, never the key value', () => {
    // GIVEN
    const { stack, api, tiers } = setup();

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    const t = Template.fromStack(stack);
    const groupId = stack.getLogicalId(api.deploymentStage.node.findChild('MeterAccessLogs').node.defaultChild as any);
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [groupId, 'Arn'] }, Format: meterLogFormat() },
    });
    const format = JSON.parse(meterLogFormat());
    expect(format).toMatchObject({
      apiKeyId: '$context.identity.apiKeyId',
      status: '$context.status',
      responseType: '$context.error.responseType',
      responseLength: '$context.responseLength',
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
    });
    expect(meterLogFormat()).not.toMatch(/\$context\.identity\.apiKey"/);
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
  });

  test('warns when a newly logged stage has no CloudWatch role in the app', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const api = new apigw.RestApi(stack, 'Api', { cloudWatchRole: false });
    api.root.addMethod('GET', new apigw.MockIntegration());
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Meter',
      Match.stringLikeRegexp('needs the account.s API Gateway CloudWatch role.*meterNoCloudWatchRole'),
    );
  });

  test('no CloudWatch-role warning when the app sets the role', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    Annotations.fromStack(stack).hasNoWarning('/Stack/Meter', Match.stringLikeRegexp('meterNoCloudWatchRole'));
  });

  test('a stage that logs JSON to CloudWatch keeps its destination and fields; the missing fields are added', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const api = new TieredApi(stack, 'Api', { tiers: [FREE] });
    api.root.addMethod('GET', new apigw.MockIntegration());
    api.addKey('acme', { tier: 'free' });

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers: api.tiers });

    // THEN
    const t = Template.fromStack(stack);
    const stage = Object.values(t.findResources('AWS::ApiGateway::Stage'))[0] as any;
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    const standard = JSON.parse(apigw.AccessLogFormat.jsonWithStandardFields().toString());
    expect(format).toEqual({
      ...standard,
      apiKeyId: '$context.identity.apiKeyId',
      responseType: '$context.error.responseType',
    });
    const own = api.deploymentStage.node.findChild('AccessLogs').node.defaultChild as any;
    expect(stage.Properties.AccessLogSetting.DestinationArn).toEqual({
      'Fn::GetAtt': [stack.getLogicalId(own), 'Arn'],
    });
    t.resourceCountIs('AWS::Logs::LogGroup', 2); // the API's own access logs and the exporter's logs
  });

  test('warns, and leaves the stage alone, when its access log is not JSON', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const group = new logs.LogGroup(stack, 'Clf');
    const { tiers } = ((): { tiers: UsageTiers } => {
      const api = new apigw.RestApi(stack, 'Api', {
        deployOptions: {
          accessLogDestination: new apigw.LogGroupLogDestination(group),
          accessLogFormat: apigw.AccessLogFormat.clf(),
        },
      });
      api.root.addMethod('GET', new apigw.MockIntegration());
      return { tiers: new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] }) };
    })();

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Meter',
      Match.stringLikeRegexp(
        'has an access-log format that is not a JSON object.*\\[ack: cdk-api-gatekeeper:meterStageLogFormat\\]',
      ),
    );
    const stage = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::Stage'))[0] as any;
    expect(stage.Properties.AccessLogSetting.Format).toEqual(apigw.AccessLogFormat.clf().toString());
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::InsightRule', 0);
  });

  test('warns about a Firehose destination and about an imported stage, and about a format that logs the key value', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addMethod('GET', new apigw.MockIntegration());
    const cfnStage = api.deploymentStage.node.defaultChild as apigw.CfnStage;
    cfnStage.accessLogSetting = {
      destinationArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x',
      format: '{"k":"$context.identity.apiKey"}',
    };
    const imported = apigw.Stage.fromStageAttributes(stack, 'Imported', { stageName: 'other', restApi: api });
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage, imported], tiers: [FREE] });

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    const a = Annotations.fromStack(stack);
    a.hasWarning('/Stack/Meter', Match.stringLikeRegexp('not a CloudWatch Logs group.*meterStageLogNotCloudWatch'));
    a.hasWarning(
      '/Stack/Meter',
      Match.stringLikeRegexp("stage 'Stack/Imported' is not a stage built in this app.*meterStageNotLogged"),
    );
    a.hasWarning(
      '/Stack/Meter',
      Match.stringLikeRegexp('logs \\$context.identity.apiKey, the API key.s value.*meterLogsKeyValue'),
    );
  });

  test('warns when an existing JSON format logs the API key value', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const group = new logs.LogGroup(stack, 'Group');
    const api = new apigw.RestApi(stack, 'Api', {
      deployOptions: {
        accessLogDestination: new apigw.LogGroupLogDestination(group),
        accessLogFormat: apigw.AccessLogFormat.custom(
          '{"requestId":"$context.requestId","key":"$context.identity.apiKey"}',
        ),
      },
    });
    api.root.addMethod('GET', new apigw.MockIntegration());
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Meter',
      Match.stringLikeRegexp('logs \\$context.identity.apiKey.*meterLogsKeyValue'),
    );
  });

  test('three Contributor Insights rules on the access-log group: top keys by requests, by 429 and by 403', () => {
    // GIVEN
    const { stack, api, tiers } = setup();

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    const t = Template.fromStack(stack);
    const group = {
      Ref: stack.getLogicalId(api.deploymentStage.node.findChild('MeterAccessLogs').node.defaultChild as any),
    };
    const body = (filters: string) => ({
      'Fn::Join': [
        '',
        [
          '{"Schema":{"Name":"CloudWatchLogRule","Version":1},"LogGroupNames":["',
          group,
          `"],"LogFormat":"JSON","Contribution":{"Keys":["$.apiKeyId"],"Filters":${filters}},"AggregateOn":"Count"}`,
        ],
      ],
    });
    t.resourceCountIs('AWS::CloudWatch::InsightRule', 3);
    t.hasResourceProperties('AWS::CloudWatch::InsightRule', {
      RuleName: Match.stringLikeRegexp('-TopKeysByRequests$'),
      RuleState: 'ENABLED',
      RuleBody: body('[]'),
    });
    t.hasResourceProperties('AWS::CloudWatch::InsightRule', {
      RuleName: Match.stringLikeRegexp('-TopKeysBy429$'),
      RuleBody: body('[{"Match":"$.status","In":["429"]}]'),
    });
    t.hasResourceProperties('AWS::CloudWatch::InsightRule', {
      RuleName: Match.stringLikeRegexp('-TopKeysBy403$'),
      RuleBody: body('[{"Match":"$.status","In":["403"]}]'),
    });
  });

  test("the dashboard shows requests per tier, 4XX per stage, 429/403 from the logs and the rules' top contributors", () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    const dash = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0] as any;
    const body = JSON.stringify(dash.Properties.DashboardBody);
    for (const s of [
      'Requests per tier',
      '[\\"ApiGatekeeper/Usage\\",\\"Requests\\",\\"Tier\\",\\"free\\"',
      '[\\"ApiGatekeeper/Usage\\",\\"Requests\\",\\"Tier\\",\\"premium\\"',
      '4XXError',
      '429 and 403 by response type',
      'stats count(*) as requests by responseType',
      "INSIGHT_RULE_METRIC('",
      "-TopKeysBy429', 'MaxContributorValue')",
      "-TopKeysBy403', 'UniqueContributors')",
    ]) {
      expect(body).toContain(s);
    }
  });

  test('a Glue table over the ledger with JSON SerDe and partition projection on date, and an enforced, encrypted Athena workgroup', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    const meter = new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    const t = Template.fromStack(stack);
    const bucket = ref(stack, meter.ledgerBucket);
    expect(meter.ledgerDatabaseName).toMatch(/^[a-z0-9_]+$/);
    expect(meter.ledgerTableName).toBe('usage');
    t.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: { Name: meter.ledgerDatabaseName },
    });
    t.hasResource('AWS::Glue::Table', {
      DependsOn: [Match.stringLikeRegexp('^MeterLedgerDatabase')],
      Properties: {
        DatabaseName: meter.ledgerDatabaseName,
        TableInput: {
          Name: 'usage',
          TableType: 'EXTERNAL_TABLE',
          Parameters: {
            classification: 'json',
            'projection.enabled': 'true',
            'projection.date.type': 'date',
            'projection.date.format': 'yyyy-MM-dd',
            'projection.date.range': '2020-01-01,NOW',
            'projection.date.interval': '1',
            'projection.date.interval.unit': 'DAYS',
            'storage.location.template': { 'Fn::Join': ['', ['s3://', bucket, '/usage/date=${date}/']] },
          },
          PartitionKeys: [{ Name: 'date', Type: 'string' }],
          StorageDescriptor: {
            Location: { 'Fn::Join': ['', ['s3://', bucket, '/usage/']] },
            SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
            Columns: [
              { Name: 'tier', Type: 'string' },
              { Name: 'usageplanid', Type: 'string' },
              { Name: 'keyid', Type: 'string' },
              { Name: 'customerid', Type: 'string' },
              { Name: 'used', Type: 'bigint' },
              { Name: 'remaining', Type: 'bigint' },
            ],
          },
        },
      },
    });
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: meter.workGroupName,
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', bucket, '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      },
    });
  });

  test("onQuotaWarning matches this meter's quota-warning events on the default bus", () => {
    // GIVEN
    const { stack, tiers } = setup();
    const meter = new UsageMeter(stack, 'Meter', { tiers });
    const topic = new sns.Topic(stack, 'Topic');

    // WHEN
    const rule = meter.onQuotaWarning('NearLimit', { target: new targets.SnsTopic(topic) });

    // THEN
    expect(rule).toBeInstanceOf(events.Rule);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['cdk-api-gatekeeper'],
        'detail-type': ['Quota Warning'],
        account: ['123456789012'],
        detail: { usagePlanId: [ref(stack, tiers.plan('free')), ref(stack, tiers.plan('premium'))] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) } })],
    });
  });

  test('metricRequests is the Tier metric of the exporter', () => {
    // GIVEN
    const { stack, tiers } = setup();
    const meter = new UsageMeter(stack, 'Meter', { tiers });

    // WHEN
    const m = meter.metricRequests('free');

    // THEN
    expect(m.namespace).toBe('ApiGatekeeper/Usage');
    expect(m.metricName).toBe('Requests');
    expect(m.dimensions).toEqual({ Tier: 'free' });
    expect(() => meter.metricRequests('gold')).toThrow(
      /UsageMeter 'Stack\/Meter': 'tier' is not a tier of the metered UsageTiers: got "gold"; expected one of "free", "premium"/,
    );
  });

  test("addKey with customerId sets the key's CustomerId", () => {
    // GIVEN / WHEN
    const { stack } = setup();

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::ApiKey', { CustomerId: 'acme-marketplace-id' });
  });

  test('passes cdk-nag AwsSolutions with no unacknowledged finding on the meter', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    const meter = new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    expect(unacknowledgedNagFindings(meter)).toEqual([]);
  });

  test('snapshot', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN
    const meter = new UsageMeter(stack, 'Meter', { tiers });
    meter.onQuotaWarning('NearLimit');

    // THEN
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

describe('UsageMeter bad input', () => {
  test.each([
    [0, 'is out of range: got 0'],
    [101, 'is out of range: got 101'],
    [50.5, 'is out of range: got 50.5'],
    [Number.NaN, 'is out of range: got NaN'],
    ['80', 'is not a number: got "80"'],
    [null, 'is not a number: got null'],
  ])('fails when quotaWarningPercent is %p', (value, message) => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN / THEN
    expect(() => new UsageMeter(stack, 'Meter', { tiers, quotaWarningPercent: value as any })).toThrow(
      `UsageMeter 'Stack/Meter': 'quotaWarningPercent' ${message}; expected an integer from 1 to 100`,
    );
  });

  test.each([
    [undefined, 'is missing: got undefined'],
    [null, 'is not a UsageTiers: got null'],
    [{}, 'is not a UsageTiers: got {}'],
    ['tiers', 'is not a UsageTiers: got "tiers"'],
  ])('fails when tiers is %p', (value, message) => {
    // GIVEN
    const { stack } = setup();

    // WHEN / THEN
    expect(() => new UsageMeter(stack, 'Meter', { tiers: value as any })).toThrow(
      `UsageMeter 'Stack/Meter': 'tiers' ${message}; expected a UsageTiers`,
    );
  });

  test.each([[null], [undefined], ['x']])('fails when props is %p', (value) => {
    // GIVEN
    const { stack } = setup();

    // WHEN / THEN
    expect(() => new UsageMeter(stack, 'Meter', value as any)).toThrow(/UsageMeter 'Stack\/Meter': '(props|tiers)'/);
  });

  test('fails when schedule, ledgerBucket or perKeyMetrics have the wrong type', () => {
    // GIVEN
    const { stack, tiers } = setup();

    // WHEN / THEN
    expect(() => new UsageMeter(stack, 'A', { tiers, schedule: 'rate(1 hour)' as any })).toThrow(
      `UsageMeter 'Stack/A': 'schedule' is not a schedule: got "rate(1 hour)"; expected an events.Schedule`,
    );
    expect(() => new UsageMeter(stack, 'B', { tiers, ledgerBucket: 'my-bucket' as any })).toThrow(
      `UsageMeter 'Stack/B': 'ledgerBucket' is not a bucket: got "my-bucket"; expected an s3.IBucket`,
    );
    expect(() => new UsageMeter(stack, 'C', { tiers, perKeyMetrics: 'yes' as any })).toThrow(
      `UsageMeter 'Stack/C': 'perKeyMetrics' is not a boolean: got "yes"; expected true or false`,
    );
  });

  test('fails when the tiers have no tier by synthesis', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const tiers = new UsageTiers(stack, 'Tiers');

    // WHEN
    new UsageMeter(stack, 'Meter', { tiers });

    // THEN
    expect(() => app.synth()).toThrow(/UsageMeter 'Stack\/Meter': 'tiers' has no tier to meter/);
  });
});
