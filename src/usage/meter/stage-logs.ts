/**
 * JSON access logs with the key id on every stage the tiers are bound to (docs/ARCHITECTURE.md
 * "Metering"), decided at synthesis:
 * - a stage with no access log gets a log group of its own (created inside the stage, so it lives in the
 *   stage's stack) and the meter's JSON format;
 * - a stage that logs JSON to CloudWatch Logs keeps its destination and its fields; the fields the meter
 *   needs that it lacks are added;
 * - a stage that logs another format, to Firehose, or that is not an `apigw.Stage` of this app, is left
 *   alone with a warning (its requests are still in the ledger, only not in the insight rules).
 */
import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { logGroupNameOfArn, logsKeyValue, meterLogFormat, mergeLogFormat } from './access-log';

/** What happened to one stage. */
export interface StageLogResult {
  /** The CloudWatch Logs group the stage logs to in the meter's fields (for the insight rules). */
  readonly logGroupName?: string;
}

const WARN = 'cdk-api-gatekeeper:';

function warn(meter: IConstruct, id: string, stage: apigw.IStage, problem: string): void {
  Annotations.of(meter).addWarningV2(
    `${WARN}${id}`,
    `UsageMeter '${meter.node.path}': stage '${stage.node.path}' ${problem}; its requests are still metered in the ledger, but the insight rules and the dashboard's log widgets do not see them`,
  );
}

/** Gives one bound stage the meter's access-log fields where that can be done (see the file comment). */
export function logStage(meter: IConstruct, stage: apigw.IStage): StageLogResult {
  const cfn = stage.node.defaultChild;
  if (!(cfn instanceof apigw.CfnStage)) {
    warn(
      meter,
      'meterStageNotLogged',
      stage,
      'is not a stage built in this app (an imported IStage), so its access log cannot be set',
    );
    return {};
  }
  const setting = cfn.accessLogSetting as apigw.CfnStage.AccessLogSettingProperty | undefined;
  if (setting === undefined || Token.isUnresolved(setting) || !setting.destinationArn) {
    if (setting !== undefined && Token.isUnresolved(setting)) {
      warn(meter, 'meterStageLogFormat', stage, 'has an access-log setting given as a token, which is left as it is');
      return {};
    }
    const group = new logs.LogGroup(stage, 'MeterAccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    cfn.accessLogSetting = { destinationArn: group.logGroupArn, format: meterLogFormat() };
    if (!hasCloudWatchAccount(stage)) {
      Annotations.of(meter).addWarningV2(
        `${WARN}meterNoCloudWatchRole`,
        `UsageMeter '${meter.node.path}': stage '${stage.node.path}' now logs to CloudWatch Logs, which needs the account's API Gateway CloudWatch role, and this app sets none for its account and region: set cloudWatchRole: true on the RestApi, or acknowledge this warning if the account already has one`,
      );
    }
    return { logGroupName: group.logGroupName };
  }
  if (setting.format !== undefined && logsKeyValue(setting.format)) {
    Annotations.of(meter).addWarningV2(
      `${WARN}meterLogsKeyValue`,
      `UsageMeter '${meter.node.path}': stage '${stage.node.path}' logs $context.identity.apiKey, the API key's value: log $context.identity.apiKeyId instead`,
    );
  }
  const logGroupName = logGroupNameOf(stage, setting.destinationArn);
  if (logGroupName === undefined) {
    warn(
      meter,
      'meterStageLogNotCloudWatch',
      stage,
      'logs to a destination that is not a CloudWatch Logs group (e.g. Firehose)',
    );
    return {};
  }
  return mergeFields(meter, stage, cfn, setting, logGroupName);
}

function mergeFields(
  meter: IConstruct,
  stage: apigw.IStage,
  cfn: apigw.CfnStage,
  setting: apigw.CfnStage.AccessLogSettingProperty,
  logGroupName: string,
): StageLogResult {
  const existing = setting.format ?? '';
  const decision = mergeLogFormat(existing, Token.isUnresolved(existing));
  if (decision.problem) {
    warn(
      meter,
      'meterStageLogFormat',
      stage,
      `has an access-log format that is ${decision.problem === 'token' ? 'a token' : 'not a JSON object'}, which is left as it is`,
    );
    return {};
  }
  if (decision.format !== undefined) cfn.accessLogSetting = { ...setting, format: decision.format };
  return { logGroupName };
}

/** The name of the log group an access-log ARN points at: a LogGroup of this app, or a literal ARN. */
function logGroupNameOf(stage: apigw.IStage, arn: string): string | undefined {
  if (!Token.isUnresolved(arn)) return logGroupNameOfArn(arn);
  const inStage = findLogGroup(stage, arn) ?? findLogGroup(Stack.of(stage), arn);
  return inStage?.logGroupName;
}

function findLogGroup(scope: IConstruct, arn: string): logs.LogGroup | undefined {
  return scope.node.findAll().find((c): c is logs.LogGroup => c instanceof logs.LogGroup && c.logGroupArn === arn);
}

/** Whether the app sets the API Gateway CloudWatch role (an `AWS::ApiGateway::Account`) for the stage's account and region. */
function hasCloudWatchAccount(stage: apigw.IStage): boolean {
  const stack = Stack.of(stage);
  return stage.node.root.node.findAll().some((c) => {
    if (!(c instanceof apigw.CfnAccount)) return false;
    const other = Stack.of(c);
    return other.account === stack.account && other.region === stack.region;
  });
}
