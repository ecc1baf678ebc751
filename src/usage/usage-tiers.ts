import { Annotations, CfnResource, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import {
  bindingId,
  checkKeyOptions,
  checkKeyValue,
  checkMethodThrottles,
  checkName,
  checkQuota,
  checkThrottle,
  checkTierFields,
  keyConstructId,
  KEY_VALUE_MAX,
  KEY_VALUE_MIN,
  MAX_KEYS,
  MAX_PLANS,
  MAX_PLANS_PER_KEY,
  planConstructId,
  UsageProblem,
} from './checks';
import { KeyPlacement } from './key-shards';
import { applyMarketplaceProductCode } from './marketplace';
import { requireKeysOn } from './require-keys';
import { AddKeyOptions, ImportKeyOptions, MethodThrottle, TierProps } from './tier';
import { addResourceDependency } from '../private/dependency';
import { describeNewConstruct, propError, propMessage, scopeError } from '../private/errors';

/**
 * Props of `UsageTiers`.
 */
export interface UsageTiersProps {
  /**
   * The stages every tier is bound to (of one or more APIs). More can be added with `addStage`.
   *
   * @default - none yet; add them with `addStage` before synthesis
   */
  readonly stages?: apigw.IStage[];

  /**
   * The tiers. More can be added with `addTier`.
   *
   * @default - none yet; add them with `addTier`
   */
  readonly tiers?: TierProps[];

  /**
   * Spread the keys over this many nested stacks (`AWS::CloudFormation::Stack` children of this
   * construct, ids `KeyShard0` … `KeyShard<N-1>`), for apps with more keys than one stack can hold.
   *
   * Each key (its `ApiKey` and its `UsagePlanKey`s) goes into shard `fnv1a32(id) mod N`: the shard depends
   * on the key's id and N alone, so adding or removing keys never moves another key. A shard is created
   * when its first key arrives and holds at most 450 resources (synthesis fails, naming the shard count
   * needed). The usage plans stay in this stack; their ids reach the shards as nested-stack parameters.
   *
   * Fix N for the life of the app: **changing it (or setting it on an app that has keys) moves keys to
   * other stacks, so CloudFormation replaces them, and a replaced key gets a new id and, unless it has a
   * fixed value, a new value.** Beyond about 10,000 keys (API Gateway's quota), issue keys at run time
   * with `KeyIssuer` instead.
   *
   * @default - every key in this construct's stack; synthesis fails before that stack would pass
   * CloudFormation's 500 resources
   */
  readonly keyShards?: number;
}

interface Tier {
  readonly props: TierProps;
  readonly plan: apigw.UsagePlan;
}

interface KeyEntry {
  readonly id: string;
  readonly tier: string;
  readonly key: apigw.IApiKey;
  /** For imported keys: the id given (literal or token string), to detect the same key imported twice. */
  readonly importedId?: string;
  /** For literal values: to detect the same value twice (keys with the same value are the same key). */
  readonly literalValue?: string;
}

const WARN = 'cdk-api-gatekeeper:';
const USAGE_TIERS_SYMBOL = Symbol.for('cdk-api-gatekeeper.UsageTiers');

/**
 * Tiers of service for REST APIs: one usage plan per tier (throttle, quota, per-method throttles), bound
 * to one or more stages, and API keys put into tiers.
 *
 * A key's construct id and logical id depend on the key's own id alone: moving a key to another tier,
 * reordering keys or tiers, or adding and removing others never replaces an `ApiKey`; a move replaces
 * only its `UsagePlanKey`.
 *
 * @example
 * const tiers = new UsageTiers(this, 'Tiers', {
 *   stages: [api.deploymentStage],
 *   tiers: [
 *     { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1000, period: apigw.Period.DAY } },
 *     { name: 'premium', throttle: { rateLimit: 500, burstLimit: 1000 } },
 *   ],
 * });
 * tiers.addKey('acme', { tier: 'premium' });
 */
export class UsageTiers extends Construct {
  /**
   * Whether `x` is a `UsageTiers` (works across copies of this library).
   */
  public static isUsageTiers(x: unknown): x is UsageTiers {
    return typeof x === 'object' && x !== null && USAGE_TIERS_SYMBOL in x;
  }

  private readonly tiers = new Map<string, Tier>();
  private readonly keys = new Map<string, KeyEntry>();
  private readonly boundStages: apigw.IStage[] = [];
  /** Grantees of `grantKeyManagement()` for every tier: tiers added later are granted to them too. */
  private readonly allTierGrantees: iam.IGrantable[] = [];
  private keyManagementGranted = false;
  /** Where keys and their bindings go (this construct, or key shards). */
  private readonly placement: KeyPlacement;

  constructor(scope: Construct, id: string, props: UsageTiersProps = {}) {
    checkProps(describeNewConstruct('UsageTiers', scope, id), props);
    super(scope, id);
    Object.defineProperty(this, USAGE_TIERS_SYMBOL, { value: true });
    this.placement = new KeyPlacement(this, props.keyShards);
    for (const t of props.tiers ?? []) this.addTier(t);
    for (const s of props.stages ?? []) this.addStage(s);
    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /**
   * The names of the tiers, in the order they were added.
   */
  public get tierNames(): string[] {
    return [...this.tiers.keys()];
  }

  /**
   * The ids of the keys added with `addKey()` or `importKey()`, in the order they were added.
   */
  public get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * Whether keys can reach the tiers other than through `addKey()` / `importKey()`: true once
   * `grantKeyManagement()` has been called (keys are then created at run time).
   */
  public get vendsKeysAtRunTime(): boolean {
    return this.keyManagementGranted;
  }

  /**
   * The stages the tiers are bound to.
   */
  public get stages(): apigw.IStage[] {
    return [...this.boundStages];
  }

  /**
   * Adds a tier: a usage plan bound to every stage of this `UsageTiers` (including stages added later).
   *
   * @returns the tier's usage plan
   */
  public addTier(tier: TierProps): apigw.UsagePlan {
    if (tier === null || typeof tier !== 'object' || Array.isArray(tier)) {
      throw propError(this, {
        prop: `tiers[${this.tiers.size}]`,
        value: tier,
        problem: 'is not an object',
        expected: "a tier such as { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 } }",
      });
    }
    const prop = `tiers[${tier.name === undefined ? this.tiers.size : JSON.stringify(tier.name)}]`;
    this.throwErrors([...checkName(`${prop}.name`, tier.name)]);
    if (this.tiers.has(tier.name)) {
      throw propError(this, {
        prop: `${prop}.name`,
        value: tier.name,
        problem: 'is a duplicate tier name',
        expected: `a name not yet used by this UsageTiers (used: ${this.tierNames.join(', ')})`,
      });
    }
    const problems = [
      ...checkTierFields(prop, tier),
      ...checkThrottle(`${prop}.throttle`, tier.throttle),
      ...checkQuota(`${prop}.quota`, tier.quota),
      ...checkMethodThrottles(`${prop}.methodThrottles`, tier.methodThrottles, tier.throttle !== undefined),
    ];
    this.throwErrors(problems);

    const plan = new apigw.UsagePlan(this, planConstructId(tier.name), {
      name: tier.name,
      description: tier.description,
      throttle: tier.throttle
        ? { rateLimit: tier.throttle.rateLimit, burstLimit: tier.throttle.burstLimit }
        : undefined,
      quota: tier.quota ? { limit: tier.quota.limit, period: tier.quota.period, offset: tier.quota.offset } : undefined,
    });
    this.warn(plan, problems);
    applyMarketplaceProductCode(this, plan, `${prop}.marketplaceProductCode`, tier.marketplaceProductCode);
    const entry: Tier = { props: tier, plan };
    this.tiers.set(tier.name, entry);
    for (const stage of this.boundStages) this.bind(entry, stage);
    for (const grantee of this.allTierGrantees) this.grantPlans(grantee, [plan], false);
    return plan;
  }

  /**
   * Binds every tier (present and future) to a stage. The usage plans are ordered after the stage (through
   * the `Ref` to its `AWS::ApiGateway::Stage`, or a `DependsOn` on the stage found by name or on the API's
   * deployment when the stage has no resource of its own), so a first deployment never fails with
   * "API Stage not found".
   * Adding the same stage twice has no further effect.
   */
  public addStage(stage: apigw.IStage): void {
    if (!stage || typeof stage !== 'object' || !('restApi' in stage)) {
      throw propError(this, {
        prop: 'stages',
        value: stage,
        problem: 'is not a stage',
        expected: 'an apigw.IStage, e.g. api.deploymentStage',
      });
    }
    if (this.boundStages.includes(stage)) return;
    this.boundStages.push(stage);
    for (const tier of this.tiers.values()) this.bind(tier, stage);
  }

  /**
   * The usage plan of a tier (an escape hatch).
   */
  public plan(name: string): apigw.UsagePlan {
    return this.tier('name', name).plan;
  }

  /**
   * Creates an API key and puts it into a tier.
   *
   * The key's logical id depends on `id` alone; its `UsagePlanKey`'s on `id` and the tier name. So moving
   * the key to another tier replaces only the `UsagePlanKey`; changing `value` or `secretValue` replaces
   * the key (CloudFormation replaces an `ApiKey` whose `Value` changes), and so does changing `id`.
   *
   * @param id the key's id, unique within this `UsageTiers` (letters, digits, `.`, `_`, `-`)
   * @returns the key
   */
  public addKey(id: string, options: AddKeyOptions): apigw.IApiKey {
    this.checkNewKey(id, options);
    const { value, secretValue } = options;
    if (value !== undefined && secretValue !== undefined) {
      throw propError(this, {
        prop: `keys[${JSON.stringify(id)}].secretValue`,
        value: '<a SecretValue>',
        problem: "is given together with 'value'",
        expected: "at most one of 'value' (a literal) and 'secretValue' (resolved by CloudFormation)",
      });
    }
    if (secretValue !== undefined && !SecretValue.isSecretValue(secretValue)) {
      throw propError(this, {
        prop: `keys[${JSON.stringify(id)}].secretValue`,
        value: typeof secretValue,
        problem: 'is not a SecretValue',
        expected: "a SecretValue such as SecretValue.secretsManager('name'), or use 'value'",
      });
    }
    if (value !== undefined && typeof value !== 'string') {
      throw propError(this, {
        prop: `keys[${JSON.stringify(id)}].value`,
        value: typeof value,
        problem: 'is not a string',
        expected: `a string of ${KEY_VALUE_MIN} to ${KEY_VALUE_MAX} letters and digits`,
      });
    }
    const valueProblems = checkKeyValue(`keys[${JSON.stringify(id)}].value`, value);
    this.throwErrors([...valueProblems, ...checkKeyOptions(`keys[${JSON.stringify(id)}]`, options)]);
    if (value !== undefined && !Token.isUnresolved(value)) {
      for (const other of this.keys.values()) {
        if (other.literalValue === value) {
          throw propError(this, {
            prop: `keys[${JSON.stringify(id)}].value`,
            value: `<redacted: the same value as key '${other.id}'>`,
            problem: 'is a duplicate key value (API Gateway treats keys with the same value as one key)',
            expected: 'a value no other key has',
          });
        }
      }
    }
    const key = new apigw.ApiKey(this.placement.scopeFor(id), keyConstructId(id), {
      // Never unwrap anywhere but here: a SecretValue becomes a CloudFormation dynamic reference.
      value: secretValue !== undefined ? secretValue.unsafeUnwrap() : value,
      enabled: options.enabled ?? true,
      customerId: options.customerId,
      description: options.description,
    });
    this.warn(key, valueProblems);
    this.putKey({
      id,
      tier: options.tier,
      key,
      literalValue: value !== undefined && !Token.isUnresolved(value) ? value : undefined,
    });
    return key;
  }

  /**
   * Puts an existing API key (created outside this app or elsewhere in it) into a tier.
   *
   * @param id the key's id, unique within this `UsageTiers` among created and imported keys
   * @param apiKeyId the API Gateway id of the key (not its value)
   * @returns the key
   */
  public importKey(id: string, apiKeyId: string, options: ImportKeyOptions): apigw.IApiKey {
    this.checkNewKey(id, options);
    if (typeof apiKeyId !== 'string' || (!Token.isUnresolved(apiKeyId) && !/^[A-Za-z0-9]{1,64}$/.test(apiKeyId))) {
      throw propError(this, {
        prop: `keys[${JSON.stringify(id)}].apiKeyId`,
        value: apiKeyId,
        problem: 'is not an API key id',
        expected: "the key's API Gateway id (letters and digits, e.g. 'a1b2c3d4e5'), or a token",
      });
    }
    const key = apigw.ApiKey.fromApiKeyId(this, keyConstructId(id), apiKeyId);
    this.putKey({ id, tier: options.tier, key, importedId: apiKeyId });
    return key;
  }

  /**
   * Grants what a function needs to create API keys at run time and put them into a tier's usage plan,
   * and nothing else: `apigateway:POST` on `/apikeys` (CreateApiKey, whose response carries the generated
   * value) and on `/usageplans/{planId}/keys` (CreateUsagePlanKey) of one tier's plan, or of every tier's
   * plan (including tiers added later) when `tier` is omitted.
   *
   * Not granted: reading, updating or deleting keys, other usage plans, and tagging. The Service
   * Authorization Reference lists `apigateway:PUT` beside `apigateway:POST` for CreateApiKey; it is needed
   * only to tag a key while creating it (grant PUT on `arn:aws:apigateway:{region}::/tags/*` yourself).
   * Sources: API Gateway API reference (CreateApiKey `POST /apikeys`, CreateUsagePlanKey
   * `POST /usageplans/{usageplanId}/keys`) and the Service Authorization Reference for Amazon API Gateway
   * Management (resource ARNs `arn:{partition}:apigateway:{region}::/apikeys` and
   * `…::/usageplans/{id}/keys`).
   *
   * @param tier the tier keys may be put into
   * @default - every tier
   */
  public grantKeyManagement(grantee: iam.IGrantable, tier?: string): iam.Grant {
    if (!grantee || typeof grantee !== 'object' || !('grantPrincipal' in grantee)) {
      throw propError(this, {
        prop: 'grantee',
        value: grantee,
        problem: 'is not grantable',
        expected: 'an iam.IGrantable such as a lambda.Function or an iam.Role',
      });
    }
    if (tier !== undefined) this.tier('tier', tier);
    this.keyManagementGranted = true;
    if (tier === undefined) this.allTierGrantees.push(grantee);
    const plans = tier !== undefined ? [this.tier('tier', tier).plan] : [...this.tiers.values()].map((t) => t.plan);
    return this.grantPlans(grantee, plans, true);
  }

  private grantPlans(grantee: iam.IGrantable, plans: apigw.UsagePlan[], createKeys: boolean): iam.Grant {
    const stack = Stack.of(this);
    const arn = (path: string) => `arn:${stack.partition}:apigateway:${stack.region}::${path}`;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['apigateway:POST'],
      resourceArns: [
        ...(createKeys ? [arn('/apikeys')] : []),
        ...plans.map((p) => arn(`/usageplans/${p.usagePlanId}/keys`)),
      ],
    });
  }

  private tier(prop: string, name: string): Tier {
    const t = typeof name === 'string' ? this.tiers.get(name) : undefined;
    if (!t) {
      throw propError(this, {
        prop,
        value: name,
        problem: 'is not a tier of this UsageTiers',
        expected: `one of ${this.tierNames.length ? this.tierNames.map((n) => JSON.stringify(n)).join(', ') : '(no tiers yet)'}`,
      });
    }
    return t;
  }

  private checkNewKey(id: string, options: { tier: string }): void {
    this.throwErrors(checkName('id', id));
    if (this.keys.has(id)) {
      throw propError(this, {
        prop: 'id',
        value: id,
        problem: 'is a duplicate key id',
        expected: 'an id not yet used by a key of this UsageTiers',
      });
    }
    if (!options || typeof options !== 'object' || typeof options.tier !== 'string') {
      throw propError(this, {
        prop: `keys[${JSON.stringify(id)}].tier`,
        value: options?.tier,
        problem: 'is missing',
        expected: 'the name of a tier',
      });
    }
    this.tier(`keys[${JSON.stringify(id)}].tier`, options.tier);
  }

  private putKey(entry: KeyEntry): void {
    this.keys.set(entry.id, entry);
    const plan = this.tiers.get(entry.tier)!.plan;
    new apigw.CfnUsagePlanKey(this.placement.scopeFor(entry.id), bindingId(entry.id, entry.tier), {
      keyId: entry.key.keyId,
      keyType: 'API_KEY',
      usagePlanId: plan.usagePlanId,
    });
  }

  private bind(tier: Tier, stage: apigw.IStage): void {
    const throttles = tier.props.methodThrottles ?? [];
    const apiStage: { stage: apigw.Stage; throttle?: apigw.ThrottlingPerMethod[] } = { stage: stage as apigw.Stage };
    if (throttles.length > 0) {
      // Found lazily: the API's methods may be added after the tier. Missing ones are reported by validation.
      Object.defineProperty(apiStage, 'throttle', {
        enumerable: true,
        get: () => resolveMethodThrottles(stage, throttles).found,
      });
    }
    tier.plan.addApiStage(apiStage);
    const planResource = tier.plan.node.defaultChild as CfnResource;
    // A plan naming the stage by its own resource's Ref is already ordered after it; only a stage known by
    // name (imported, or the deployment's) needs an explicit DependsOn.
    const target = stageResource(stage);
    if (target && target !== stage.node.defaultChild) addResourceDependency(planResource, target);
    requireKeysOn(stage.restApi);
  }

  private throwErrors(problems: UsageProblem[]): void {
    const err = problems.find((p) => !p.warning);
    if (err) throw propError(this, err);
  }

  private warn(scope: IConstruct, problems: UsageProblem[]): void {
    for (const p of problems) {
      if (p.warning) Annotations.of(scope).addWarningV2(`${WARN}${p.warning}`, propMessage(this, p));
    }
  }

  /** Checks that need the finished tree (methods, other UsageTiers, the whole app). */
  private validateTree(): string[] {
    const errors: string[] = [...this.placement.validate()];
    if (this.boundStages.length === 0 && this.tiers.size > 0) {
      Annotations.of(this).addWarningV2(
        `${WARN}usageNoStage`,
        `${describe(this)}: the tiers are bound to no stage, so every key gets 403; add one with 'stages' or addStage(stage)`,
      );
    }
    // Method throttles: every method must exist on every bound stage's API.
    for (const tier of this.tiers.values()) {
      const throttles = tier.props.methodThrottles ?? [];
      if (throttles.length === 0) continue;
      for (const stage of this.boundStages) {
        const r = resolveMethodThrottles(stage, throttles);
        if (!r.api) {
          errors.push(
            propMessage(this, {
              prop: `tiers[${JSON.stringify(tier.props.name)}].methodThrottles`,
              value: stage.restApi.node.path,
              problem:
                "need the stage's API to be a RestApi built in this app (its methods are looked up by method and path)",
              expected:
                "a stage of an apigw.RestApi in this app, or set per-method throttles on the plan with plan('name').addApiStage",
            }),
          );
          continue;
        }
        for (const m of r.missing) {
          errors.push(
            propMessage(this, {
              prop: `tiers[${JSON.stringify(tier.props.name)}].methodThrottles`,
              value: { method: m.method, path: m.path },
              problem: `names a method that does not exist on API '${r.api.node.path}'`,
              expected: `one of its methods: ${r.api.methods.map((x) => `${x.httpMethod} ${x.resource.path}`).join(', ') || '(none)'}`,
            }),
          );
        }
      }
    }
    // Stages whose API's methods all say apiKeyRequired: false: the plans would never apply.
    for (const stage of this.boundStages) {
      const api = stage.restApi;
      if (!apigw.RestApi.isRestApi(api) || api.methods.length === 0) continue;
      if (api.methods.every((m) => !methodRequiresKey(m))) {
        Annotations.of(this).addWarningV2(
          `${WARN}usageNoKeyRequired`,
          `${describe(this)}: stage '${stage.node.path}' is bound to the tiers but every method of API '${api.node.path}' sets apiKeyRequired: false, so the tiers' throttles and quotas never apply; remove apiKeyRequired: false where callers must use a key`,
        );
      }
    }
    const scan = scanApp(this);
    if (scan.usageTiers[0] === this) errors.push(...this.validateApp(scan));
    return errors;
  }

  /** App-wide checks, run once (by the first UsageTiers in the tree). */
  private validateApp(scan: AppScan): string[] {
    const errors: string[] = [];
    const { usageTiers: all, plans, keys, stages } = scan;
    if (plans > MAX_PLANS) {
      Annotations.of(this).addWarningV2(
        `${WARN}usagePlanQuota`,
        `the app defines ${plans} usage plans; API Gateway allows ${MAX_PLANS} per account and region unless the quota is raised`,
      );
    }
    if (keys > MAX_KEYS) {
      errors.push(
        scopeError(
          this,
          `the app defines ${keys} API keys; API Gateway allows at most ${MAX_KEYS} per account and region (not adjustable): create keys at run time or split them across regions`,
        ).message,
      );
    }
    // One key, one plan per stage; at most 10 plans per key. Keys are identified by their id expression.
    const byKey = new Map<string, { owner: UsageTiers; tier: string; keyId: string; stages: apigw.IStage[] }[]>();
    for (const t of all) {
      for (const b of t.keys.values()) {
        const ident = b.importedId ?? (b.literalValue !== undefined ? `value:${b.literalValue}` : b.key.keyId);
        const list = byKey.get(ident) ?? [];
        list.push({ owner: t, tier: b.tier, keyId: b.id, stages: t.boundStages });
        byKey.set(ident, list);
      }
    }
    for (const list of byKey.values()) {
      if (list.length < 2) continue;
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const shared = list[i].stages.filter((s) => list[j].stages.some((o) => sameStage(s, o)));
          if (shared.length > 0) {
            errors.push(
              propMessage(list[j].owner, {
                prop: `keys[${JSON.stringify(list[j].keyId)}]`,
                value: `the same API key as '${list[i].owner.node.path}' key '${list[i].keyId}'`,
                problem: `puts one key into two usage plans ('${list[i].tier}' and '${list[j].tier}') bound to the same stage '${shared[0].node.path}'`,
                expected: 'each key in at most one tier per stage (API Gateway allows one plan per stage for a key)',
              }),
            );
          }
        }
      }
      if (list.length > MAX_PLANS_PER_KEY) {
        Annotations.of(list[0].owner).addWarningV2(
          `${WARN}usagePlansPerKey`,
          `key '${list[0].keyId}' is in ${list.length} usage plans; API Gateway allows ${MAX_PLANS_PER_KEY} per key unless the quota is raised`,
        );
      }
    }
    // Key-required methods on stages no tier covers: their callers always get 403.
    const covered = all.flatMap((t) => t.stages);
    const apis = new Set(covered.map((s) => s.restApi).filter((a): a is apigw.RestApi => apigw.RestApi.isRestApi(a)));
    for (const api of apis) {
      const keyed = api.methods.filter(methodRequiresKey);
      if (keyed.length === 0) continue;
      for (const stage of stages.filter((s) => s.restApi === api && !covered.some((c) => sameStage(c, s)))) {
        Annotations.of(stage).addWarningV2(
          `${WARN}usageStageNotCovered`,
          `stage '${stage.node.path}' of API '${api.node.path}' has ${keyed.length} key-required method(s) (e.g. ${keyed[0].httpMethod} ${keyed[0].resource.path}) but no UsageTiers binds it, so every request gets 403; bind it with addStage (acknowledge this warning if another usage plan covers it)`,
        );
      }
    }
    return errors;
  }
}
function describe(c: IConstruct): string {
  return `${c.constructor.name} '${c.node.path}'`;
}

/** A method of a bound API requires a key unless it says `apiKeyRequired: false` (unset ones get true). */
function methodRequiresKey(m: apigw.Method): boolean {
  const cfn = m.node.defaultChild as apigw.CfnMethod | undefined;
  return cfn?.apiKeyRequired !== false;
}

/** The props, checked before anything is created (JavaScript callers have no compiler). */
function checkProps(label: string, props: UsageTiersProps): void {
  if (props === null || typeof props !== 'object') {
    throw propError(label, {
      prop: 'props',
      value: props,
      problem: 'is not an object',
      expected: '{ stages?, tiers? }',
    });
  }
  for (const prop of ['stages', 'tiers'] as const) {
    if (props[prop] !== undefined && !Array.isArray(props[prop])) {
      throw propError(label, {
        prop,
        value: props[prop],
        problem: 'is not a list',
        expected: `a list of ${prop}, or leave it unset`,
      });
    }
  }
}

/**
 * The resource a usage plan must wait for: the stage's own `AWS::ApiGateway::Stage`; for a stage imported
 * by name, the app's `AWS::ApiGateway::Stage` of that API with that name; else the API's latest deployment
 * (a stage created implicitly by a deployment). Nothing for stages outside the app.
 */
function stageResource(stage: apigw.IStage): CfnResource | undefined {
  const own = stage.node.defaultChild;
  if (own && CfnResource.isCfnResource(own)) return own;
  const api = stage.restApi;
  if (!Token.isUnresolved(stage.stageName)) {
    const named = api.node.root.node
      .findAll()
      .find(
        (c): c is apigw.CfnStage => c instanceof apigw.CfnStage && c.stageName === stage.stageName && isStageOf(c, api),
      );
    if (named) return named;
  }
  if (api instanceof apigw.RestApiBase) {
    const dep = api.latestDeployment?.node.defaultChild;
    if (dep && CfnResource.isCfnResource(dep)) return dep;
  }
  return undefined;
}

function isStageOf(cfn: apigw.CfnStage, api: apigw.IRestApi): boolean {
  const owner = cfn.node.scope;
  return owner instanceof apigw.Stage && owner.restApi === api;
}

interface ResolvedThrottles {
  readonly api?: apigw.RestApi;
  readonly found: apigw.ThrottlingPerMethod[];
  readonly missing: MethodThrottle[];
}

function resolveMethodThrottles(stage: apigw.IStage, throttles: MethodThrottle[]): ResolvedThrottles {
  const api = stage.restApi;
  if (!apigw.RestApi.isRestApi(api)) return { found: [], missing: throttles };
  const found: apigw.ThrottlingPerMethod[] = [];
  const missing: MethodThrottle[] = [];
  for (const t of throttles) {
    const verb = t.method.toUpperCase();
    const method = api.methods.find((m) => m.httpMethod === verb && m.resource.path === t.path);
    if (method) found.push({ method, throttle: { rateLimit: t.rateLimit, burstLimit: t.burstLimit } });
    else missing.push(t);
  }
  return { api, found, missing };
}

/** What the app-wide checks need from the whole tree, gathered in one pass. */
interface AppScan {
  readonly usageTiers: UsageTiers[];
  readonly stages: apigw.Stage[];
  readonly plans: number;
  readonly keys: number;
}

function scanApp(scope: IConstruct): AppScan {
  const usageTiers: UsageTiers[] = [];
  const stages: apigw.Stage[] = [];
  let plans = 0;
  let keys = 0;
  for (const c of scope.node.root.node.findAll()) {
    if (CfnResource.isCfnResource(c)) {
      if (c.cfnResourceType === 'AWS::ApiGateway::UsagePlan') plans++;
      else if (c.cfnResourceType === 'AWS::ApiGateway::ApiKey') keys++;
    } else if (UsageTiers.isUsageTiers(c)) {
      usageTiers.push(c);
    } else if (c instanceof apigw.Stage) {
      stages.push(c);
    }
  }
  return { usageTiers, stages, plans, keys };
}

function sameStage(a: apigw.IStage, b: apigw.IStage): boolean {
  return a === b || (a.restApi.restApiId === b.restApi.restApiId && a.stageName === b.stageName);
}
