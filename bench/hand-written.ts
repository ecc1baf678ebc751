/**
 * Hand-written aws-cdk-lib building blocks shared by the baselines of bench/scenarios/: what a user writes
 * to get, without this library, the same resources the opinionated APIs (PrivateApi, CrossAccountApi,
 * TieredApi) make with their secure defaults.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Resource types and their counts in a template (the bench smoke tests compare both sides with it). */
export function resourceCensus(template: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of Object.values<any>(template.Resources ?? {})) out[r.Type] = (out[r.Type] ?? 0) + 1;
  return out;
}

/** Options of {@link secureRestApi}. */
export interface SecureRestApiOptions {
  /** Extra RestApi props (endpoint configuration, policy, default method options). */
  readonly props?: apigw.RestApiProps;
  /** Stage method settings beyond execution logging at ERROR, e.g. a stage throttle. */
  readonly throttle?: { rateLimit: number; burstLimit: number };
  /** The access log format. Default: JSON with the standard fields. */
  readonly accessLogFormat?: apigw.AccessLogFormat;
  /** The TLS security policy the library's default would choose for this endpoint type. */
  readonly securityPolicy: string;
}

/**
 * A RestApi with the library's secure defaults written by hand: the account CloudWatch role, execution
 * logging at ERROR, a JSON access log to a log group kept one year, a request validator, a TLS security
 * policy (L1 override: RestApiProps at the 2.179 floor have none) and one GET method that uses the validator;
 * the log group and the stage wait for the account's CloudWatch role.
 */
export function secureRestApi(stack: Stack, options: SecureRestApiOptions): apigw.RestApi {
  const accessLogs = new logs.LogGroup(stack, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
  const api = new apigw.RestApi(stack, 'Api', {
    ...options.props,
    cloudWatchRole: true,
    deployOptions: {
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      throttlingRateLimit: options.throttle?.rateLimit,
      throttlingBurstLimit: options.throttle?.burstLimit,
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      accessLogFormat: options.accessLogFormat ?? apigw.AccessLogFormat.jsonWithStandardFields(),
    },
  });
  const cfn = api.node.defaultChild as apigw.CfnRestApi;
  cfn.addPropertyOverride('SecurityPolicy', options.securityPolicy);
  cfn.addPropertyOverride('EndpointAccessMode', 'BASIC');
  // Logging needs the account's CloudWatch role first (a first deploy into a new account would fail).
  const account = api.node.findChild('Account');
  accessLogs.node.addDependency(account);
  api.deploymentStage.node.addDependency(account);
  const requestValidator = api.addRequestValidator('DefaultValidator', {
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  api.root.addMethod('GET', new apigw.MockIntegration(), { requestValidator });
  return api;
}
