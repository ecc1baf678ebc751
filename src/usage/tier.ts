import { SecretValue } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';

/**
 * A token bucket: `rateLimit` requests per second refill a bucket of `burstLimit` requests.
 *
 * Applied per API key, aggregated over every stage the plan is bound to.
 */
export interface ThrottleProps {
  /**
   * Steady-state requests per second (a number ≥ 0; fractions allowed).
   */
  readonly rateLimit: number;

  /**
   * Bucket capacity: the most requests accepted at once (an integer ≥ 0).
   */
  readonly burstLimit: number;
}

/**
 * The number of requests one API key may make in a period.
 */
export interface QuotaProps {
  /**
   * Requests allowed per period (an integer > 0).
   */
  readonly limit: number;

  /**
   * The period the limit applies to.
   */
  readonly period: apigw.Period;

  /**
   * The quota offset. API Gateway documents two different meanings for it (requests subtracted in the
   * first period, or the day the period starts), so only 0 is known to be safe: any other value is
   * accepted with a warning.
   *
   * @default 0
   */
  readonly offset?: number;
}

/**
 * A throttle for one method of the bound stages, tighter than the tier's own throttle.
 *
 * The method is named by its HTTP verb and resource path (no `apigw.Method` object is needed, so tiers
 * can be declared before the API's methods exist). The method must exist on the stage's API when the app
 * is synthesized, and that API must be a `RestApi` built in this app.
 */
export interface MethodThrottle {
  /**
   * HTTP verb of the method: `GET`, `POST`, `PUT`, `DELETE`, `PATCH`, `HEAD`, `OPTIONS` or `ANY`
   * (any case).
   */
  readonly method: string;

  /**
   * Resource path of the method, e.g. `/orders` or `/orders/{id}`; `/` is the root.
   */
  readonly path: string;

  /**
   * Steady-state requests per second for this method (a number ≥ 0).
   */
  readonly rateLimit: number;

  /**
   * Bucket capacity for this method (an integer ≥ 0).
   */
  readonly burstLimit: number;
}

/**
 * One tier of service: a usage plan with a throttle and a quota, and the keys put into it.
 */
export interface TierProps {
  /**
   * The tier's name, unique within the `UsageTiers`; it names the usage plan and its construct id, so
   * keep it stable. Letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64
   * characters.
   */
  readonly name: string;

  /**
   * Description of the usage plan.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Throttle per API key, over all bound stages.
   *
   * @default - no plan throttle (stage and account throttles still apply)
   */
  readonly throttle?: ThrottleProps;

  /**
   * Quota per API key.
   *
   * @default - no quota
   */
  readonly quota?: QuotaProps;

  /**
   * Throttles for single methods, applied on every bound stage. Requires `throttle`.
   *
   * @default - none
   */
  readonly methodThrottles?: MethodThrottle[];

  /**
   * An AWS Marketplace SaaS product code to sell this tier through: the plan's product code is set by a
   * custom resource (UpdateUsagePlan has no CloudFormation property for it) and the role API Gateway
   * meters to Marketplace with (`ApiGatewayMarketplaceMeteringRole`) is created once per account in the
   * app. Give each key the buyer's Marketplace customer id (`customerId`). See README "Metering and
   * billing".
   *
   * @default - not sold through AWS Marketplace
   */
  readonly marketplaceProductCode?: string;
}

/**
 * Options for `UsageTiers.addKey`.
 */
export interface AddKeyOptions {
  /**
   * The tier to put the key in. Moving a key to another tier replaces only its usage-plan binding,
   * never the key.
   */
  readonly tier: string;

  /**
   * The key's value as a literal (20 to 128 characters). It is written into the template in plain
   * text: prefer `secretValue`. Changing it replaces the key. Give at most one of `value` and
   * `secretValue`.
   *
   * @default - API Gateway generates a value
   */
  readonly value?: string;

  /**
   * The key's value as a secret, resolved by CloudFormation through a dynamic reference
   * (e.g. `SecretValue.secretsManager('api-keys/acme')`). Changing it replaces the key. Give at most one
   * of `value` and `secretValue`.
   *
   * @default - API Gateway generates a value
   */
  readonly secretValue?: SecretValue;

  /**
   * Whether the key is enabled. A disabled key is kept (its requests get 403) and can be enabled again.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * An AWS Marketplace customer identifier.
   *
   * @default - none
   */
  readonly customerId?: string;

  /**
   * Description of the key.
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * Options for `UsageTiers.importKey`.
 */
export interface ImportKeyOptions {
  /**
   * The tier to put the existing key in.
   */
  readonly tier: string;
}
