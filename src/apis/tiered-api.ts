import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkAccessPolicyProp } from './access-policy-prop';
import {
  applySecureDefaultsAfterConstruction,
  MethodAcknowledgements,
  methodAuth,
  withSecureDefaults,
} from './defaults';
import { applyEndpointSettings, checkEndpointSettings } from './endpoint-settings';
import { SecureRestApiProps } from './secure-rest-api-props';
import { AccessPolicy } from '../access';
import { describeNewConstruct, propError, propMessage } from '../private/errors';
import { AddKeyOptions, ImportKeyOptions, TierProps, UsageMeter, UsageMeterOptions, UsageTiers } from '../usage';

/** Properties of a {@link TieredApi}. */
export interface TieredApiProps extends SecureRestApiProps {
  /**
   * The tiers (one usage plan each), bound to this API's deployment stage.
   *
   * @example [{ name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1000, period: apigw.Period.DAY } }]
   * @default - no tiers yet; add them with `addTier()`. A TieredApi with no tier when synthesized is an error.
   */
  readonly tiers?: TierProps[];

  /**
   * Who may call the API at all, checked before the API key (403 when it refuses).
   *
   * @default - anyone who holds a valid key
   */
  readonly accessPolicy?: AccessPolicy;

  /**
   * Spread the API keys over this many nested stacks (see `UsageTiersProps.keyShards`). Fix it for the
   * life of the app: changing it replaces keys.
   *
   * @default - every key in this API's stack
   */
  readonly keyShards?: number;
}

/**
 * A REST API metered by API key: every method requires a key by default (a method's own
 * `apiKeyRequired: false` is respected), tiers of throttle and quota are usage plans bound to the
 * deployment stage, keys are added per tier with ids that never change when a key moves between tiers,
 * and a stage throttle keeps one key from exhausting the account's limit.
 *
 * @example
 * const api = new TieredApi(this, 'Orders', {
 *   tiers: [
 *     { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1000, period: apigw.Period.DAY } },
 *     { name: 'premium', throttle: { rateLimit: 500, burstLimit: 1000 } },
 *   ],
 * });
 * api.root.addResource('orders').addMethod('GET', integration);
 * api.addKey('acme', { tier: 'premium' });
 */
export class TieredApi extends apigw.RestApi {
  /** Stage-wide rate limit (requests/s) a TieredApi sets when `deployOptions` sets none: a tenth of the default account limit. */
  public static readonly DEFAULT_STAGE_RATE_LIMIT = 1000;
  /** Stage-wide burst limit a TieredApi sets when `deployOptions` sets none. */
  public static readonly DEFAULT_STAGE_BURST_LIMIT = 2000;

  /** The tiers: one usage plan per tier, keys and stage bindings. */
  public readonly tiers: UsageTiers;

  constructor(scope: Construct, id: string, props: TieredApiProps = {}) {
    const label = describeNewConstruct('TieredApi', scope, id);
    checkProps(label, props);
    checkEndpointSettings(label, props ?? {});
    const prepared = withSecureDefaults(
      scope,
      {
        ...props,
        defaultMethodOptions: { apiKeyRequired: true, ...props.defaultMethodOptions },
      },
      { stageRateLimit: TieredApi.DEFAULT_STAGE_RATE_LIMIT, stageBurstLimit: TieredApi.DEFAULT_STAGE_BURST_LIMIT },
    );
    super(scope, id, prepared.props);
    applyEndpointSettings(this, props ?? {});
    applySecureDefaultsAfterConstruction(this, prepared, tieredAcknowledgements);

    this.tiers = new UsageTiers(this, 'Tiers', {
      stages: [this.deploymentStage],
      tiers: props.tiers,
      keyShards: props.keyShards,
    });
    props.accessPolicy?.applyTo(this);

    this.node.addValidation({ validate: () => this.validateTiersAndKeys() });
  }

  /** Adds a tier (a usage plan bound to this API's stage) and returns its plan. */
  public addTier(tier: TierProps): apigw.UsagePlan {
    return this.tiers.addTier(tier);
  }

  /** The usage plan of the tier with this name (an escape hatch). */
  public plan(name: string): apigw.UsagePlan {
    return this.tiers.plan(name);
  }

  /**
   * Adds an API key to a tier. The key's logical id depends on `id` alone: moving it to another tier
   * replaces only its usage-plan association, never the key.
   */
  public addKey(id: string, options: AddKeyOptions): apigw.IApiKey {
    return this.tiers.addKey(id, options);
  }

  /** Puts an existing API key (by its id) into a tier. */
  public importKey(id: string, apiKeyId: string, options: ImportKeyOptions): apigw.IApiKey {
    return this.tiers.importKey(id, apiKeyId, options);
  }

  /**
   * Meters this API's tiers: a usage ledger per key and day, quota warnings, access logs with the key id,
   * insight rules and a dashboard (the same as `new UsageMeter(scope, id, { tiers: api.tiers })`, created
   * inside this API).
   */
  public meter(id: string, options: UsageMeterOptions = {}): UsageMeter {
    return new UsageMeter(this, id, { ...options, tiers: this.tiers });
  }

  private validateTiersAndKeys(): string[] {
    if (this.tiers.tierNames.length === 0) {
      return [
        propMessage(this, {
          prop: 'tiers',
          value: [],
          problem: 'must not be empty',
          expected:
            "at least one tier, e.g. [{ name: 'free', throttle: { rateLimit: 5, burstLimit: 10 } }], or call addTier()",
        }),
      ];
    }
    if (this.tiers.keyIds.length === 0 && !this.tiers.vendsKeysAtRunTime) {
      return [
        propMessage(this, {
          prop: 'keys',
          value: [],
          problem: `has tiers (${this.tiers.tierNames.join(', ')}) but no API key, so every key-required method answers 403`,
          expected:
            "at least one key: addKey('id', { tier }) or importKey(...), or grantKeyManagement(fn) to create keys at run time",
        }),
      ];
    }
    return [];
  }

  /** Grants a function the least permissions to create keys at run time and put them into a tier's plan. */
  public grantKeyManagement(grantee: iam.IGrantable, tier?: string): iam.Grant {
    return this.tiers.grantKeyManagement(grantee, tier);
  }
}

/** APIG4 and COG4 are acknowledged only on methods that require a key or use IAM or a Lambda authorizer. */
const tieredAcknowledgements: MethodAcknowledgements = (m) => {
  const { type, keyRequired } = methodAuth(m);
  if (keyRequired) {
    return [
      {
        rule: 'AwsSolutions-APIG4',
        reason:
          'The method requires an API key in a usage plan (TieredApi); add an authorizer where a key is not enough to identify the caller.',
      },
      {
        rule: 'AwsSolutions-COG4',
        reason: 'The method is metered by API key (TieredApi); Cognito is not needed for that.',
      },
    ];
  }
  if (type === apigw.AuthorizationType.IAM || type === apigw.AuthorizationType.CUSTOM) {
    return [
      {
        rule: 'AwsSolutions-COG4',
        reason: `The method authorizes callers with ${type === 'AWS_IAM' ? 'IAM (SigV4)' : 'a Lambda authorizer'}.`,
      },
    ];
  }
  return [];
};

/** The props, checked before anything is created (JavaScript callers have no compiler). */
function checkProps(label: string, props: TieredApiProps): void {
  if (props === null || typeof props !== 'object') {
    throw propError(label, {
      prop: 'props',
      value: props,
      problem: 'is not an object',
      expected: '{ tiers: [...] } or nothing',
    });
  }
  if (props.deploy === false) {
    throw propError(label, {
      prop: 'deploy',
      value: false,
      expected: 'true (or unset): usage plans bind to a deployed stage',
    });
  }
  checkAccessPolicyProp(label, props.accessPolicy);
  if (props.tiers !== undefined && !Array.isArray(props.tiers)) {
    throw propError(label, {
      prop: 'tiers',
      value: props.tiers,
      problem: 'is not a list',
      expected: "a list of tiers, e.g. [{ name: 'free', throttle: { rateLimit: 5, burstLimit: 10 } }]",
    });
  }
}
