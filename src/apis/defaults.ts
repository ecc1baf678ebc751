/**
 * The secure defaults shared by PrivateApi, CrossAccountApi and TieredApi (README "Default settings").
 * Every default yields to the user's own RestApiProps, and none breaks a deploy:
 * - access logging (JSON, standard fields) to a log group with one-year retention;
 * - the account-level CloudWatch role: at most one `AWS::ApiGateway::Account` per account and region in
 *   the app (the first API that needs one creates it, the others wait for it); the user's `cloudWatchRole`
 *   and the `@aws-cdk/aws-apigateway:disableCloudWatchRole` feature flag are respected;
 * - execution logging at ERROR only where this app provides that role (otherwise a first deploy into an
 *   account without one would fail);
 * - a request validator for methods that name none, and an optional stage throttle;
 * - cdk-nag acknowledgements on the resources where their reason holds.
 */
import { AspectPriority, Aspects, CfnResource, FeatureFlags, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { SecureRestApiProps } from './secure-rest-api-props';
import { acknowledgeNagRule } from '../private/nag';

/** Retention of the access-log group the APIs create by default. */
export const DEFAULT_ACCESS_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

const DISABLE_CLOUDWATCH_ROLE = '@aws-cdk/aws-apigateway:disableCloudWatchRole';
const MANAGED_LOGGING_POLICY =
  'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

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

/** The defaults decided before `super()`, and what must be done after it. */
export interface PreparedDefaults<T> {
  readonly props: T;
  /** Another API's `AWS::ApiGateway::Account` (same account and region) this API's stages must wait for. */
  readonly sharedAccount?: apigw.CfnAccount;
}

/** The app's `AWS::ApiGateway::Account` for the account and region of `scope`'s stack, if any. */
function accountResourceFor(scope: IConstruct): apigw.CfnAccount | undefined {
  const stack = Stack.of(scope);
  return scope.node.root.node.findAll().find((c): c is apigw.CfnAccount => {
    if (!(c instanceof apigw.CfnAccount)) return false;
    const other = Stack.of(c);
    return other.account === stack.account && other.region === stack.region;
  });
}

/**
 * RestApiProps with the secure defaults filled in where the user left them unset. Nothing the user set is
 * changed.
 */
export function withSecureDefaults<T extends SecureRestApiProps>(
  scope: IConstruct,
  props: T,
  options: SecureDefaultsOptions = {},
): PreparedDefaults<T> {
  const shared = props.cloudWatchRole === undefined ? accountResourceFor(scope) : undefined;
  const flagOff = FeatureFlags.of(scope).isEnabled(DISABLE_CLOUDWATCH_ROLE) === true;
  const cloudWatchRole = props.cloudWatchRole ?? (shared || flagOff ? false : true);
  const roleProvided = cloudWatchRole || shared !== undefined;
  if (props.deploy === false) return { props: { ...props, cloudWatchRole }, sharedAccount: shared };
  const user = props.deployOptions ?? {};
  const deployOptions: apigw.StageOptions = {
    ...user,
    accessLogDestination: user.accessLogDestination ?? new OwnLogGroupDestination(),
    accessLogFormat: user.accessLogFormat ?? apigw.AccessLogFormat.jsonWithStandardFields(),
    loggingLevel: user.loggingLevel ?? (roleProvided ? apigw.MethodLoggingLevel.ERROR : undefined),
    throttlingRateLimit: user.throttlingRateLimit ?? options.stageRateLimit,
    throttlingBurstLimit: user.throttlingBurstLimit ?? options.stageBurstLimit,
  };
  return { props: { ...props, cloudWatchRole, deployOptions }, sharedAccount: shared };
}

/** Which cdk-nag rules a method's configuration gives a reason to acknowledge, with the reason. */
export type MethodAcknowledgements = (method: apigw.CfnMethod) => Array<{ rule: string; reason: string }>;

/** How an API's methods are authorized, as the cdk-nag acknowledgements need it. */
export function methodAuth(method: apigw.CfnMethod): { type: string; keyRequired: boolean } {
  const stack = Stack.of(method);
  const type = stack.resolve(method.authorizationType);
  return { type: typeof type === 'string' ? type : 'NONE', keyRequired: stack.resolve(method.apiKeyRequired) === true };
}

/**
 * After `super()`: the shared CloudWatch account dependency, a request validator (body and parameters) used
 * by every method that names none, and the cdk-nag acknowledgements (per resource, where the reason holds).
 */
export function applySecureDefaultsAfterConstruction(
  api: apigw.RestApi,
  prepared: PreparedDefaults<SecureRestApiProps>,
  acknowledgements: MethodAcknowledgements,
): void {
  const props = prepared.props;
  if (prepared.sharedAccount) {
    (api as unknown as { cloudWatchAccount?: apigw.CfnAccount }).cloudWatchAccount = prepared.sharedAccount;
    api.deploymentStage?.node.addDependency(prepared.sharedAccount);
  }
  const userDefaults = props.defaultMethodOptions ?? {};
  const validator =
    userDefaults.requestValidator || userDefaults.requestValidatorOptions
      ? undefined
      : api.addRequestValidator('DefaultValidator', { validateRequestBody: true, validateRequestParameters: true });
  const acknowledge = props.acknowledgeNagFindings ?? true;
  Aspects.of(api).add(new ApiDefaultsAspect(api, validator, acknowledge ? acknowledgements : undefined), {
    priority: AspectPriority.MUTATING,
  });
}

/**
 * Runs before read-only aspects (cdk-nag 2 runs as one): attaches the default validator to every method
 * of this API that names none (aws-cdk-lib's Method ignores `defaultMethodOptions.requestValidator`), and
 * writes the cdk-nag acknowledgements on the API's methods, stages and logging role.
 */
class ApiDefaultsAspect implements IAspect {
  constructor(
    private readonly api: apigw.RestApi,
    private readonly validator: apigw.RequestValidator | undefined,
    private readonly acknowledgements: MethodAcknowledgements | undefined,
  ) {}

  public visit(node: IConstruct): void {
    if (node instanceof apigw.CfnMethod && methodOf(node)?.api === this.api) {
      if (this.validator && node.requestValidatorId === undefined) {
        node.requestValidatorId = this.validator.requestValidatorId;
      }
      const acks = this.acknowledgements && (isCorsPreflight(node) ? CORS_PREFLIGHT_ACKS : this.acknowledgements(node));
      for (const a of acks ?? []) acknowledgeNagRule(node, a.rule, a.reason);
    } else if (this.acknowledgements && node instanceof apigw.CfnStage && node.node.scope?.node.scope === this.api) {
      acknowledgeNagRule(
        node,
        'AwsSolutions-APIG3',
        'AWS WAF is an application-level choice (cost, rules); associate a WebACL with the stage where the API is internet-facing.',
      );
    } else if (this.acknowledgements && isLoggingRole(node, this.api)) {
      acknowledgeNagRule(
        node as CfnResource,
        'AwsSolutions-IAM4',
        'The account-level API Gateway logging role uses the AWS managed policy that API Gateway documents for it.',
        MANAGED_LOGGING_POLICY,
      );
    }
  }
}

const CORS_PREFLIGHT_REASON =
  'A CORS preflight (OPTIONS answered by a mock integration): browsers send no credentials with a preflight, so it cannot require a key or an authorizer.';
const CORS_PREFLIGHT_ACKS = [
  { rule: 'AwsSolutions-APIG4', reason: CORS_PREFLIGHT_REASON },
  { rule: 'AwsSolutions-COG4', reason: CORS_PREFLIGHT_REASON },
];

/** An OPTIONS method with no authorization and a MOCK integration, as `addCorsPreflight` makes it. */
function isCorsPreflight(cfn: apigw.CfnMethod): boolean {
  const stack = Stack.of(cfn);
  const integration = stack.resolve(cfn.integration) as { type?: unknown } | undefined;
  return (
    cfn.httpMethod === 'OPTIONS' &&
    integration?.type === 'MOCK' &&
    methodAuth(cfn).type === 'NONE' &&
    !methodAuth(cfn).keyRequired
  );
}

function methodOf(cfn: apigw.CfnMethod): apigw.Method | undefined {
  const owner = cfn.node.scope;
  return owner instanceof apigw.Method ? owner : undefined;
}

/** The CloudWatch role `RestApi` creates for `cloudWatchRole: true` (`<api>/CloudWatchRole/Resource`). */
function isLoggingRole(node: IConstruct, api: apigw.RestApi): boolean {
  return (
    CfnResource.isCfnResource(node) &&
    node.cfnResourceType === 'AWS::IAM::Role' &&
    node.node.scope?.node.id === 'CloudWatchRole' &&
    node.node.scope?.node.scope === api
  );
}
