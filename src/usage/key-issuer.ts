import * as path from 'path';
import { CfnResource, Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MAX_KEYS } from './checks';
import { UsageTiers } from './usage-tiers';
import { describeNewConstruct, propError, propMessage } from '../private/errors';
import { acknowledgeNagRule } from '../private/nag';

/**
 * Props of `KeyIssuer`.
 */
export interface KeyIssuerProps {
  /**
   * The tiers keys are issued into (a `UsageTiers`; for a `TieredApi`, `api.tiers`). Every tier it has
   * when the `KeyIssuer` is created can be named in a request; add the tiers first.
   */
  readonly tiers: UsageTiers;

  /**
   * The most keys this issuer creates. API Gateway allows 10,000 API keys per account and region (not
   * adjustable), including disabled ones and those created elsewhere.
   *
   * @default - 10,000 minus the API keys this app defines in its templates
   */
  readonly maxKeys?: number;

  /**
   * What happens to the customer table (customer → key, tier and state) when the issuer is removed.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const HANDLER_DIR = path.join(__dirname, 'key-issuer-handler');

/**
 * Issues, moves and revokes customers' API keys at run time: a Lambda function invoked with JSON.
 *
 * - `{ "action": "issue", "customerId": "acme", "tier": "free" }` → `{ customerId, tier, keyId, value }`:
 *   a new enabled key with the customer id set, in the tier's usage plan. Idempotent, also under
 *   concurrent calls: issuing again for the same customer returns the same key; another tier is a
 *   `TierMismatch` (use `move`).
 * - `{ "action": "move", "customerId", "tier" }` → the key leaves its plan and joins the tier's plan;
 *   its id and value do not change.
 * - `{ "action": "revoke", "customerId" }` → the key is disabled and leaves its plan.
 * - `{ "action": "get", "customerId" }` → `{ customerId, tier, keyId, enabled }` (never the value).
 * - Errors are returned: `{ error: 'UnknownTier' | 'UnknownCustomer' | 'TierMismatch' | 'KeyQuotaReached' | 'InvalidRequest', message }`.
 *
 * **When to use it instead of `addKey`.** Keys in the template (`UsageTiers.addKey`, with `keyShards` for
 * many) suit a known, slowly changing set of clients that you deploy. Use a `KeyIssuer` when customers
 * sign up at run time (a sign-up flow, a marketplace subscription): no deployment per customer, no
 * stack-size limit, up to API Gateway's 10,000 keys per account and region. A customer's record
 * (customer id → key id, tier, state) is kept in a DynamoDB table that makes issuing idempotent.
 *
 * Least privilege: the function may create, read and update API keys (`/apikeys`, `/apikeys/*`), add
 * keys to and remove them from its tiers' usage plans only, and read and write its own table.
 *
 * @example
 * const issuer = new KeyIssuer(this, 'Issuer', { tiers: api.tiers });
 * issuer.grantInvoke(signupFunction);
 */
export class KeyIssuer extends Construct {
  /** The function that issues, moves and revokes keys (invoke it with the JSON above). */
  public readonly function: lambda.IFunction;

  /** The customer table (partition key `customerId`). */
  public readonly table: dynamodb.ITable;

  private readonly tierNames: string[];
  private readonly tiers: UsageTiers;

  constructor(scope: Construct, id: string, props: KeyIssuerProps) {
    checkProps(describeNewConstruct('KeyIssuer', scope, id), props);
    super(scope, id);
    this.tiers = props.tiers;
    this.tierNames = props.tiers.tierNames;

    const table = new dynamodb.Table(this, 'Customers', {
      partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // The L1 property: the L2's `pointInTimeRecovery` is deprecated and its replacement is newer than 2.179.
    (table.node.defaultChild as dynamodb.CfnTable).pointInTimeRecoverySpecification = {
      pointInTimeRecoveryEnabled: true,
    };
    this.table = table;

    const stack = Stack.of(this);
    const fn = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_DIR),
      timeout: Duration.seconds(60),
      memorySize: 256,
      description: `Issues, moves and revokes API keys of ${props.tiers.node.path}`,
      environment: {
        TABLE_NAME: table.tableName,
        TIER_PLANS: stack.toJsonString(
          Object.fromEntries(this.tierNames.map((t) => [t, props.tiers.plan(t).usagePlanId])),
        ),
        MAX_KEYS: Lazy.string({ produce: () => String(props.maxKeys ?? Math.max(0, MAX_KEYS - keysInApp(this))) }),
      },
    });
    this.function = fn;
    this.grantOwnAccess(fn);
    this.acknowledgeNags(fn);
    this.node.addValidation({ validate: () => this.validateTiers() });
  }

  /**
   * Grants a principal permission to invoke the issuer (`lambda:InvokeFunction` on its function): whoever
   * holds it may issue, move, revoke and read every customer's key.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (!grantee || typeof grantee !== 'object' || !('grantPrincipal' in grantee)) {
      throw propError(this, {
        prop: 'grantee',
        value: grantee,
        problem: 'is not grantable',
        expected: 'an iam.IGrantable such as a lambda.Function or an iam.Role',
      });
    }
    return this.function.grantInvoke(grantee);
  }

  /**
   * POST on `/apikeys` and on the tiers' `/usageplans/{id}/keys` (CreateApiKey, CreateUsagePlanKey) come
   * from `grantKeyManagement` (which also marks the tiers as vending keys at run time); the rest is the
   * least the handler needs beyond that: GetApiKeys, GetApiKey, UpdateApiKey, DeleteUsagePlanKey and its
   * table (TransactWriteItems needs UpdateItem on each item it writes).
   */
  private grantOwnAccess(fn: lambda.Function): void {
    const stack = Stack.of(this);
    const arn = (p: string) => `arn:${stack.partition}:apigateway:${stack.region}::${p}`;
    const plans = this.tierNames.map((t) => this.tiers.plan(t).usagePlanId);
    this.tiers.grantKeyManagement(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'ListApiKeys', actions: ['apigateway:GET'], resources: [arn('/apikeys')] }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndDisableApiKeys',
        actions: ['apigateway:GET', 'apigateway:PATCH'],
        resources: [arn('/apikeys/*')],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RemoveKeysFromTierPlans',
        actions: ['apigateway:DELETE'],
        resources: plans.map((p) => arn(`/usageplans/${p}/keys/*`)),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'CustomerTable',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
      }),
    );
  }

  /** cdk-nag acknowledgements, each on the one resource and finding where its reason holds. */
  private acknowledgeNags(fn: lambda.Function): void {
    const stack = Stack.of(this);
    const role = fn.role?.node.defaultChild;
    if (role && CfnResource.isCfnResource(role)) {
      acknowledgeNagRule(
        role,
        'AwsSolutions-IAM4',
        'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      );
    }
    const policy = fn.role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
    if (policy && CfnResource.isCfnResource(policy)) {
      const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
      const finding = (p: string) => `Resource::arn:<AWS::Partition>:apigateway:${region}::${p}`;
      acknowledgeNagRule(
        policy,
        'AwsSolutions-IAM5',
        'API key ids are generated at run time, so the issuer addresses keys as /apikeys/* (read and disable).',
        finding('/apikeys/*'),
      );
      for (const t of this.tierNames) {
        const plan = this.tiers.plan(t).node.defaultChild as CfnResource;
        if (Stack.of(plan) !== stack) continue;
        acknowledgeNagRule(
          policy,
          'AwsSolutions-IAM5',
          `The issuer removes run-time keys from tier '${t}' only: /usageplans/{id}/keys/* of that tier's plan.`,
          finding(`/usageplans/<${stack.resolve(stack.getLogicalId(plan))}>/keys/*`),
        );
      }
    }
    acknowledgeNagRule(
      fn.node.defaultChild as CfnResource,
      'AwsSolutions-L1',
      'The handler is written and tested for Node.js 22 (a supported Lambda runtime) and its bundled AWS SDK v3.',
    );
  }

  private validateTiers(): string[] {
    const later = this.tiers.tierNames.filter((t) => !this.tierNames.includes(t));
    if (later.length === 0) return [];
    return [
      propMessage(this, {
        prop: 'tiers',
        value: later,
        problem: 'gained tiers after the KeyIssuer was created, so it cannot issue keys into them',
        expected: 'a KeyIssuer created after the last addTier() (or a second KeyIssuer for the new tiers)',
      }),
    ];
  }
}

/** API keys defined in the app's templates (they count against the same account quota). */
function keysInApp(scope: Construct): number {
  return scope.node.root.node
    .findAll()
    .filter((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::ApiGateway::ApiKey').length;
}

/** The props, checked before anything is created (JavaScript callers have no compiler). */
function checkProps(label: string, props: KeyIssuerProps): void {
  if (props === null || typeof props !== 'object') {
    throw propError(label, { prop: 'props', value: props, problem: 'is not an object', expected: '{ tiers }' });
  }
  if (!UsageTiers.isUsageTiers(props.tiers)) {
    throw propError(label, {
      prop: 'tiers',
      value: props.tiers,
      problem: 'is not a UsageTiers',
      expected: 'a UsageTiers (for a TieredApi: api.tiers)',
    });
  }
  if (props.tiers.tierNames.length === 0) {
    throw propError(label, {
      prop: 'tiers',
      value: props.tiers.node.path,
      problem: 'has no tiers',
      expected: 'a UsageTiers with at least one tier (add tiers before creating the KeyIssuer)',
    });
  }
  const max = props.maxKeys;
  if (max !== undefined && !Token.isUnresolved(max)) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_KEYS) {
      throw propError(label, {
        prop: 'maxKeys',
        value: max,
        problem: 'is out of range',
        expected: `an integer from 1 to ${MAX_KEYS}, or leave it unset`,
      });
    }
  }
}
