/**
 * The secure defaults shared by PrivateApi, CrossAccountApi and TieredApi (README "Default settings").
 * Every default yields to the user's own RestApiProps; cdk-nag AwsSolutions findings that the defaults
 * cannot fix are acknowledged with their reason.
 */
import { Aspects, IAspect, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { acknowledgeNagRule } from '../private/nag';

/** Retention of the access-log group the APIs create by default. */
export const DEFAULT_ACCESS_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * An access-log destination that creates its own log group inside the stage when the stage binds it, so
 * the group is part of the API's construct tree without creating anything before `super()`.
 */
class OwnLogGroupDestination implements apigw.IAccessLogDestination {
  public bind(stage: apigw.IStage): apigw.AccessLogDestinationConfig {
    const group = new logs.LogGroup(stage, 'AccessLogs', {
      retention: DEFAULT_ACCESS_LOG_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return { destinationArn: group.logGroupArn };
  }
}

export interface SecureDefaultsOptions {
  /** Stage throttle to apply when the user sets none (TieredApi). */
  readonly stageRateLimit?: number;
  readonly stageBurstLimit?: number;
}

/**
 * RestApiProps with the secure defaults filled in where the user left them unset:
 * access logging (JSON, standard fields) to a log group with one-year retention, execution logging at
 * ERROR level, the account-level CloudWatch role that execution logging needs, and an optional stage
 * throttle. Nothing the user set is changed.
 */
export function withSecureDefaults<T extends apigw.RestApiProps>(props: T, options: SecureDefaultsOptions = {}): T {
  if (props.deploy === false) return props;
  const user = props.deployOptions ?? {};
  const deployOptions: apigw.StageOptions = {
    ...user,
    accessLogDestination: user.accessLogDestination ?? new OwnLogGroupDestination(),
    accessLogFormat: user.accessLogFormat ?? apigw.AccessLogFormat.jsonWithStandardFields(),
    loggingLevel: user.loggingLevel ?? apigw.MethodLoggingLevel.ERROR,
    throttlingRateLimit: user.throttlingRateLimit ?? options.stageRateLimit,
    throttlingBurstLimit: user.throttlingBurstLimit ?? options.stageBurstLimit,
  };
  return { ...props, cloudWatchRole: props.cloudWatchRole ?? true, deployOptions };
}

/**
 * After `super()`: a request validator (body and parameters) used by every method that names none, and
 * the cdk-nag acknowledgements that apply to every API of this library.
 */
export function applySecureDefaultsAfterConstruction(api: apigw.RestApi, props: apigw.RestApiProps): void {
  const userDefaults = props.defaultMethodOptions ?? {};
  if (!userDefaults.requestValidator && !userDefaults.requestValidatorOptions) {
    const validator = api.addRequestValidator('DefaultValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // aws-cdk-lib's Method ignores `defaultMethodOptions.requestValidator`, so attach the validator to every
    // method of this API that names none, once the tree is complete.
    Aspects.of(api).add(new AttachDefaultValidator(api, validator));
  }
  acknowledgeCommon(api);
}

class AttachDefaultValidator implements IAspect {
  constructor(
    private readonly api: apigw.RestApi,
    private readonly validator: apigw.RequestValidator,
  ) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof apigw.Method) || node.api !== this.api) return;
    const cfn = node.node.defaultChild as apigw.CfnMethod;
    if (cfn.requestValidatorId === undefined) cfn.requestValidatorId = this.validator.requestValidatorId;
  }
}

function acknowledgeCommon(api: IConstruct) {
  acknowledgeNagRule(
    api,
    'AwsSolutions-APIG3',
    'AWS WAF is an application-level choice (cost, rules); associate a WebACL with the stage where the API is internet-facing.',
  );
  acknowledgeNagRule(
    api,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'The account-level API Gateway logging role uses the AWS managed policy that API Gateway documents for it.',
  );
  acknowledgeNagRule(
    api,
    'AwsSolutions-COG4',
    'Cognito is one authorizer among several; this API authorizes with its resource policy, IAM or API keys (see README "Default settings").',
  );
}
