/**
 * Key shards: where a `UsageTiers` puts each API key and its usage-plan bindings, and the checks on how
 * many resources that makes per stack. Not exported from the package.
 *
 * - Without `keyShards`, every key lives in the UsageTiers' own stack, and synthesis fails (naming the
 *   shard count needed) before that stack would pass CloudFormation's 500 resources.
 * - With `keyShards: N`, key `id` lives in nested stack `KeyShard<i>` with `i = fnv1a32(id) mod N`: the
 *   shard depends on the id and N alone, so adding or removing keys never moves another key. Shards are
 *   created when their first key arrives (CloudFormation rejects a template without resources). Every
 *   shard holds at most {@link MAX_RESOURCES_PER_SHARD} resources.
 *
 * The hash is part of the contract (changing it would move keys): FNV-1a, 32 bits, over the id's UTF-8
 * bytes. See docs/ARCHITECTURE.md "Key shards".
 */
import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { UsageProblem } from './checks';
import { propError, propMessage } from '../private/errors';

/** Resources per key shard: CloudFormation allows 500 per stack; 50 are left as headroom. */
export const MAX_RESOURCES_PER_SHARD = 450;
/** CloudFormation's resources per stack (the default of `@aws-cdk/core:stackResourceLimit`). */
export const MAX_RESOURCES_PER_STACK = 500;
/**
 * The most shards: each is a resource of the parent stack, and 10,000 keys (API Gateway's quota per
 * account and region) need about 60.
 */
export const MAX_KEY_SHARDS = 100;

const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

/** FNV-1a (32 bits) of the UTF-8 bytes of `text`, as an unsigned integer. */
/* eslint-disable no-bitwise -- a hash is bit arithmetic */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
/* eslint-enable no-bitwise */

/** The shard (0 … shards-1) of a key: depends on its id and the shard count alone, never on other keys. */
export function keyShardIndex(keyId: string, shards: number): number {
  return fnv1a32(keyId) % shards;
}

/** The construct id of shard `index` (its nested stack). */
export function keyShardId(index: number): string {
  return `KeyShard${index}`;
}

/** The `keyShards` prop: unset, or an integer 1 … {@link MAX_KEY_SHARDS}. */
export function checkKeyShards(prop: string, value: unknown): UsageProblem[] {
  if (value === undefined) return [];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_KEY_SHARDS) {
    return [
      {
        prop,
        value,
        problem: typeof value === 'number' ? 'is out of range' : 'is not a number',
        expected: `an integer from 1 to ${MAX_KEY_SHARDS} (the number of nested stacks keys are spread over), or leave it unset`,
      },
    ];
  }
  return [];
}

/**
 * The smallest shard count from `from` up to {@link MAX_KEY_SHARDS} whose fullest shard holds at most
 * `perShard` of the given resources (`weights`: resources per key id), or undefined if none does.
 */
export function shardsNeeded(
  weights: ReadonlyMap<string, number>,
  perShard: number = MAX_RESOURCES_PER_SHARD,
  from: number = 1,
): number | undefined {
  const hashes = [...weights].map(([id, w]) => [fnv1a32(id), w] as const);
  const total = hashes.reduce((s, [, w]) => s + w, 0);
  for (let n = Math.max(from, Math.ceil(total / perShard), 1); n <= MAX_KEY_SHARDS; n++) {
    const load = new Array<number>(n).fill(0);
    for (const [h, w] of hashes) load[h % n] += w;
    if (Math.max(...load) <= perShard) return n;
  }
  return undefined;
}

/** Resources in a stack's own template (not in its nested stacks). */
function countResources(stack: Stack): number {
  let n = 0;
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) n++;
  }
  return n;
}

/**
 * Where one UsageTiers' keys go: its own scope, or one of N nested stacks chosen by the key id. It also
 * counts the resources placed per key, for the shard count it suggests.
 */
export class KeyPlacement {
  /** Resources placed per key id. */
  private readonly weights = new Map<string, number>();
  private readonly shardStacks = new Map<number, NestedStack>();
  /** Per shard, the construct keys are put under (see scopeFor). */
  private readonly shardScopes = new Map<number, Construct>();

  /**
   * @param owner the UsageTiers (errors name it; unsharded keys are its children)
   * @param shards the `keyShards` prop as given (checked here)
   */
  constructor(
    private readonly owner: Construct,
    private readonly shards: number | undefined,
  ) {
    const problem = checkKeyShards('keyShards', shards)[0];
    if (problem) throw propError(owner, problem);
  }

  /** The scope of the next resource of key `keyId` (its ApiKey or a UsagePlanKey). */
  public scopeFor(keyId: string): Construct {
    this.weights.set(keyId, (this.weights.get(keyId) ?? 0) + 1);
    if (this.shards === undefined) return this.owner;
    const index = keyShardIndex(keyId, this.shards);
    let scope = this.shardScopes.get(index);
    if (!scope) {
      const shard = new NestedStack(this.owner, keyShardId(index), {
        description: `API keys of ${this.owner.node.path}, shard ${index} of ${this.shards}`,
      });
      // A scope of two path components under the stack makes CDK hash the full path into every logical
      // id: a resource directly in the nested stack would get its id with only non-alphanumerics
      // removed, so that bindings 'Key:a-b@t' and 'Key:ab@t' would collide.
      scope = new Construct(shard, 'Keys');
      this.shardStacks.set(index, shard);
      this.shardScopes.set(index, scope);
    }
    return scope;
  }

  /** The resource-count errors of the finished tree (run from the owner's node validation). */
  public validate(): string[] {
    return this.shards === undefined ? this.validateUnsharded() : this.validateShards(this.shards);
  }

  private validateShards(shards: number): string[] {
    const errors: string[] = [];
    for (const [index, shard] of [...this.shardStacks].sort(([a], [b]) => a - b)) {
      const count = countResources(shard);
      if (count <= MAX_RESOURCES_PER_SHARD) continue;
      errors.push(
        propMessage(this.owner, {
          prop: 'keyShards',
          value: shards,
          problem: `puts ${count} resources into nested stack '${keyShardId(index)}', over ${MAX_RESOURCES_PER_SHARD} per key shard`,
          expected: this.advice(shards + 1),
        }),
      );
    }
    return errors;
  }

  private validateUnsharded(): string[] {
    if (this.weights.size === 0) return [];
    const stack = Stack.of(this.owner);
    const raw = stack.node.tryGetContext(STACK_RESOURCE_LIMIT_CONTEXT);
    const limit = raw !== undefined ? parseInt(String(raw), 10) : MAX_RESOURCES_PER_STACK;
    if (!(limit > 0)) return [];
    const count = countResources(stack);
    if (count <= limit) return [];
    const own = [...this.weights.values()].reduce((s, w) => s + w, 0);
    return [
      propMessage(this.owner, {
        prop: 'keyShards',
        value: undefined,
        problem: `is unset, so stack '${stack.node.path}' would hold ${count} resources (${own} of them API keys and their usage-plan bindings), over CloudFormation's ${limit} per stack`,
        expected: this.advice(1),
      }),
    ];
  }

  private advice(from: number): string {
    const needed = shardsNeeded(this.weights, MAX_RESOURCES_PER_SHARD, from);
    const issuer = 'or issue keys at run time with KeyIssuer';
    return needed !== undefined
      ? `'keyShards: ${needed}' or more (keys in nested stacks; changing it later replaces keys), ${issuer}`
      : `${issuer} (these keys need more than ${MAX_KEY_SHARDS} key shards)`;
  }
}
