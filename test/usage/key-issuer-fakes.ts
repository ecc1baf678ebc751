/**
 * In-memory fakes of the DynamoDB and API Gateway calls the KeyIssuer handler makes, wired in with
 * aws-sdk-client-mock. The DynamoDB fake evaluates the handler's condition and update expressions (the
 * small subset it uses), so idempotency and races are tested against real conditional semantics.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

type Attr = { S?: string; N?: string; BOOL?: boolean };
type Item = Record<string, Attr>;

function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  const e = new Error(name);
  e.name = name;
  Object.assign(e, extra);
  return e;
}

function scalar(a: Attr | undefined): string | number | boolean | undefined {
  if (!a) return undefined;
  if (a.N !== undefined) return Number(a.N);
  return a.S ?? a.BOOL;
}

/** Evaluates `attribute_not_exists(x)`, `x = :v`, `x < :v`, joined by AND / OR (AND binds tighter). */
export function evalCondition(
  cond: string | undefined,
  item: Item | undefined,
  values: any = {},
  names: any = {},
): boolean {
  if (!cond) return true;
  const name = (n: string) => names[n] ?? n;
  return cond.split(' OR ').some((alt) =>
    alt.split(' AND ').every((term) => {
      const t = term.trim();
      const ne = /^attribute_not_exists\((.+)\)$/.exec(t);
      if (ne) return item?.[name(ne[1])] === undefined;
      const cmp = /^(\S+) (=|<) (:\w+)$/.exec(t);
      if (!cmp) throw new Error(`fake: unsupported condition ${t}`);
      const left = scalar(item?.[name(cmp[1])]);
      const right = scalar(values[cmp[3]]);
      if (left === undefined) return false;
      return cmp[2] === '=' ? left === right : (left as number) < (right as number);
    }),
  );
}

/** Applies `SET a = :v, b = :w REMOVE c, d` or `ADD n :v`. */
export function applyUpdate(expr: string, item: Item, values: any = {}, names: any = {}): Item {
  const out: Item = { ...item };
  const name = (n: string) => names[n] ?? n;
  for (const [, verb, body] of expr.matchAll(/(SET|REMOVE|ADD) ((?:(?!SET |REMOVE |ADD ).)+)/g)) {
    for (const part of body
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      if (verb === 'REMOVE') {
        delete out[name(part)];
      } else if (verb === 'SET') {
        const [k, v] = part.split(' = ');
        out[name(k.trim())] = values[v.trim()];
      } else {
        const [k, v] = part.split(' ');
        out[name(k)] = { N: String(Number(out[name(k)]?.N ?? 0) + Number(values[v].N)) };
      }
    }
  }
  return out;
}

export class FakeTable {
  public readonly items = new Map<string, Item>();
  /** Called before each write, to inject a crash (throw) at a given step. */
  public beforeWrite: (kind: string, input: any) => void = () => {};

  public install(): ReturnType<typeof mockClient> {
    const mock = mockClient(DynamoDBClient);
    mock.on(GetItemCommand).callsFake(async (i) => {
      const item = this.items.get(i.Key.customerId.S);
      return item ? { Item: { ...item } } : {};
    });
    mock.on(PutItemCommand).callsFake(async (i) => {
      this.beforeWrite('PutItem', i);
      const id = i.Item.customerId.S;
      if (
        !evalCondition(
          i.ConditionExpression,
          this.items.get(id),
          i.ExpressionAttributeValues,
          i.ExpressionAttributeNames,
        )
      ) {
        throw awsError('ConditionalCheckFailedException');
      }
      this.items.set(id, { ...i.Item });
      return {};
    });
    mock.on(UpdateItemCommand).callsFake(async (i) => {
      this.beforeWrite('UpdateItem', i);
      this.update(i, 'ConditionalCheckFailedException');
      return {};
    });
    mock.on(DeleteItemCommand).callsFake(async (i) => {
      this.beforeWrite('DeleteItem', i);
      const id = i.Key.customerId.S;
      if (
        !evalCondition(
          i.ConditionExpression,
          this.items.get(id),
          i.ExpressionAttributeValues,
          i.ExpressionAttributeNames,
        )
      ) {
        throw awsError('ConditionalCheckFailedException');
      }
      this.items.delete(id);
      return {};
    });
    mock.on(TransactWriteItemsCommand).callsFake(async (i) => {
      this.beforeWrite('TransactWriteItems', i);
      const updates = i.TransactItems.map((t: any) => t.Update);
      const reasons = updates.map((u: any) =>
        evalCondition(
          u.ConditionExpression,
          this.items.get(u.Key.customerId.S),
          u.ExpressionAttributeValues,
          u.ExpressionAttributeNames,
        )
          ? { Code: 'None' }
          : { Code: 'ConditionalCheckFailed' },
      );
      if (reasons.some((r: any) => r.Code !== 'None')) {
        throw awsError('TransactionCanceledException', { CancellationReasons: reasons });
      }
      for (const u of updates) this.update(u, 'unexpected');
      return {};
    });
    return mock;
  }

  private update(i: any, failure: string): void {
    const id = i.Key.customerId.S;
    const current = this.items.get(id);
    if (!evalCondition(i.ConditionExpression, current, i.ExpressionAttributeValues, i.ExpressionAttributeNames)) {
      throw awsError(failure);
    }
    const next = applyUpdate(
      i.UpdateExpression,
      current ?? { customerId: { S: id } },
      i.ExpressionAttributeValues,
      i.ExpressionAttributeNames,
    );
    this.items.set(id, next);
  }
}

export interface FakeKey {
  id: string;
  value: string;
  name: string;
  customerId?: string;
  enabled: boolean;
}

export class FakeApiGateway {
  public readonly keys = new Map<string, FakeKey>();
  /** usagePlanId → key ids */
  public readonly planKeys = new Map<string, Set<string>>();
  /** Throttle the next N calls of a command name with TooManyRequestsException. */
  public readonly throttle = new Map<string, number>();
  /** Fail the next call of a command name with this error (a crash). */
  public readonly failNext = new Map<string, Error>();
  /** Refuse CreateApiKey with LimitExceededException. */
  public accountFull = false;
  private n = 0;

  public install(): ReturnType<typeof mockClient> {
    const mock = mockClient(APIGatewayClient);
    const gate = (name: string) => {
      const failure = this.failNext.get(name);
      if (failure) {
        this.failNext.delete(name);
        throw failure;
      }
      const left = this.throttle.get(name) ?? 0;
      if (left > 0) {
        this.throttle.set(name, left - 1);
        throw awsError('TooManyRequestsException');
      }
    };
    mock.on(CreateApiKeyCommand).callsFake(async (i) => {
      gate('CreateApiKey');
      if (this.accountFull) throw awsError('LimitExceededException');
      const k: FakeKey = {
        id: `key${++this.n}`,
        value: `value${this.n}`.padEnd(30, 'x'),
        name: i.name,
        customerId: i.customerId,
        enabled: i.enabled,
      };
      this.keys.set(k.id, k);
      return { id: k.id, value: k.value, name: k.name, customerId: k.customerId, enabled: k.enabled };
    });
    mock.on(GetApiKeysCommand).callsFake(async (i) => ({
      items: [...this.keys.values()]
        .filter(
          (k) => (!i.nameQuery || k.name.startsWith(i.nameQuery)) && (!i.customerId || k.customerId === i.customerId),
        )
        .map((k) => ({ id: k.id, name: k.name, customerId: k.customerId, enabled: k.enabled })),
    }));
    mock.on(GetApiKeyCommand).callsFake(async (i) => {
      const k = this.keys.get(i.apiKey);
      if (!k) throw awsError('NotFoundException');
      return { ...k, value: i.includeValue ? k.value : undefined };
    });
    mock.on(UpdateApiKeyCommand).callsFake(async (i) => {
      gate('UpdateApiKey');
      const k = this.keys.get(i.apiKey);
      if (!k) throw awsError('NotFoundException');
      for (const op of i.patchOperations) if (op.path === '/enabled') k.enabled = op.value === 'true';
      return { ...k };
    });
    mock.on(CreateUsagePlanKeyCommand).callsFake(async (i) => {
      gate('CreateUsagePlanKey');
      const set = this.planKeys.get(i.usagePlanId) ?? new Set<string>();
      if (set.has(i.keyId)) throw awsError('ConflictException');
      set.add(i.keyId);
      this.planKeys.set(i.usagePlanId, set);
      return { id: i.keyId, type: 'API_KEY' };
    });
    mock.on(DeleteUsagePlanKeyCommand).callsFake(async (i) => {
      const set = this.planKeys.get(i.usagePlanId);
      if (!set?.has(i.keyId)) throw awsError('NotFoundException');
      set.delete(i.keyId);
      return {};
    });
    return mock;
  }

  /** The plans a key is in. */
  public plansOf(keyId: string): string[] {
    return [...this.planKeys].filter(([, s]) => s.has(keyId)).map(([p]) => p);
  }
}
