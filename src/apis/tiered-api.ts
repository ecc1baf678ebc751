import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AccessPolicy } from '../access';
import { describeNewConstruct, propError, propMessage } from '../private/errors';
import { acknowledgeNagRule } from '../private/nag';
import { AddKeyOptions, ImportKeyOptions, TierProps, UsageTiers } from '../usage';
import { applySecureDefaultsAfterConstruction, withSecureDefaults } from './defaults';

/** Properties of a {@link TieredApi}. */
export interface TieredApiProps extends apigw.RestApiProps {
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
    if (props.deploy === false) {
      throw propError(describeNewConstruct('TieredApi', scope, id), {
        prop: 'deploy',
        value: false,
        expected: 'true (or unset): usage plans bind to a deployed stage',
      });
    }
    const withDefaults = withSecureDefaults(
      {
        ...props,
        defaultMethodOptions: { apiKeyRequired: true, ...props.defaultMethodOptions },
      },
      { stageRateLimit: TieredApi.DEFAULT_STAGE_RATE_LIMIT, stageBurstLimit: TieredApi.DEFAULT_STAGE_BURST_LIMIT },
    );
    super(scope, id, withDefaults);
    applySecureDefaultsAfterConstruction(this, withDefaults);
    acknowledgeNagRule(
      this,
      'AwsSolutions-APIG4',
      'Every method requires an API key in a usage plan (apiKeyRequired defaults to true); add an authorizer where a key is not enough to identify the caller.',
    );

    this.tiers = new UsageTiers(this, 'Tiers', { stages: [this.deploymentStage], tiers: props.tiers });
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
