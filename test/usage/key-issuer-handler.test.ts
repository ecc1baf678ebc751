import { CreateApiKeyCommand, CreateUsagePlanKeyCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { FakeApiGateway, FakeTable } from './key-issuer-fakes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const issuer = require('../../src/usage/key-issuer-handler/index.js');

const PLANS = { free: 'planFree', premium: 'planPremium' };

let table: FakeTable;
let gw: FakeApiGateway;
let apiMock: ReturnType<FakeApiGateway['install']>;
let ddbMock: ReturnType<FakeTable['install']>;
let clock: number;

beforeEach(() => {
  process.env.TABLE_NAME = 'Customers';
  process.env.TIER_PLANS = JSON.stringify(PLANS);
  process.env.MAX_KEYS = '100';
  table = new FakeTable();
  gw = new FakeApiGateway();
  ddbMock = table.install();
  apiMock = gw.install();
  clock = 1_000_000;
  issuer.deps.now = () => clock;
  issuer.deps.sleep = async (ms: number) => {
    clock += ms;
  };
});

afterEach(() => {
  apiMock.restore();
  ddbMock.restore();
});

const call = (event: unknown) => issuer.handler(event);

describe('KeyIssuer handler: issue', () => {
  test('issues an enabled key with the customer id in the tier plan', async () => {
    // GIVEN / WHEN
    const r = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // THEN
    expect(r).toEqual({ customerId: 'acme', tier: 'free', keyId: 'key1', value: gw.keys.get('key1')!.value });
    expect(gw.keys.get('key1')).toMatchObject({ customerId: 'acme', enabled: true });
    expect(gw.plansOf('key1')).toEqual(['planFree']);
    expect(table.items.get('acme')).toMatchObject({ state: { S: 'ready' }, tier: { S: 'free' }, keyId: { S: 'key1' } });
    expect(table.items.get('#keys')).toMatchObject({ issued: { N: '1' } });
  });

  test('issuing again for the same customer returns the same key (idempotent)', async () => {
    // GIVEN
    const first = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // WHEN
    const again = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // THEN
    expect(again).toEqual(first);
    expect(apiMock.commandCalls(CreateApiKeyCommand)).toHaveLength(1);
    expect(table.items.get('#keys')).toMatchObject({ issued: { N: '1' } });
  });

  test('concurrent issues for one customer create one key and all return it', async () => {
    // GIVEN / WHEN: five calls at once (the fakes interleave at every await)
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call({ action: 'issue', customerId: 'acme', tier: 'premium' })),
    );

    // THEN
    expect(apiMock.commandCalls(CreateApiKeyCommand)).toHaveLength(1);
    expect(new Set(results.map((r: any) => r.keyId))).toEqual(new Set(['key1']));
    expect(results.every((r: any) => r.value === gw.keys.get('key1')!.value)).toBe(true);
    expect(gw.plansOf('key1')).toEqual(['planPremium']);
  });

  test("a loser of the conditional put returns the winner's key", async () => {
    // GIVEN: the winner's record is already there when the loser's PutItem runs
    await call({ action: 'issue', customerId: 'acme', tier: 'free' });
    const puts: string[] = [];
    table.beforeWrite = (kind) => puts.push(kind);

    // WHEN
    const r = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // THEN: the put was tried and refused; nothing else was written
    expect(puts).toEqual(['PutItem']);
    expect(r.keyId).toBe('key1');
  });

  test('a different tier for an issued customer is a TierMismatch that says to use move', async () => {
    // GIVEN
    await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // WHEN
    const r = await call({ action: 'issue', customerId: 'acme', tier: 'premium' });

    // THEN
    expect(r).toEqual({ error: 'TierMismatch', message: expect.stringContaining('use {"action":"move"}') });
  });

  test.each([
    ['after the claim', 'TransactWriteItems'],
    ['after the key was created', 'UpdateItem'],
  ])('a retry converges when the first call crashed %s', async (_title, crashAt) => {
    // GIVEN: the first call dies at its first write of that kind
    let crashed = false;
    table.beforeWrite = (kind) => {
      if (kind === crashAt && !crashed) {
        crashed = true;
        throw new Error('Lambda timed out');
      }
    };
    await expect(call({ action: 'issue', customerId: 'acme', tier: 'free' })).rejects.toThrow('Lambda timed out');

    // WHEN: a retry once the crashed call's lease has expired
    clock += 61_000;
    const r = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // THEN: one key, in the plan, counted once
    expect(r).toMatchObject({ customerId: 'acme', tier: 'free', keyId: 'key1' });
    expect(gw.keys.size).toBe(1);
    expect(gw.plansOf('key1')).toEqual(['planFree']);
    expect(table.items.get('#keys')).toMatchObject({ issued: { N: '1' } });
    expect(table.items.get('acme')).toMatchObject({ state: { S: 'ready' } });
  });

  test('a retry while the first call still holds its lease waits for it', async () => {
    // GIVEN: a pending claim whose holder is still working (lease 60 s from now)
    table.items.set('acme', {
      customerId: { S: 'acme' },
      state: { S: 'pending' },
      tier: { S: 'free' },
      claimId: { S: 'c1' },
      leaseOwner: { S: 'other' },
      leaseUntil: { N: String(clock + 60_000) },
    });

    // WHEN: the holder never finishes; the waiter gives up after its wait
    const r = call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // THEN
    await expect(r).rejects.toThrow('being issued by another call; retry');
    expect(apiMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
  });

  test("fails with KeyQuotaReached past the issuer's key quota and leaves no claim", async () => {
    // GIVEN
    process.env.MAX_KEYS = '2';
    await call({ action: 'issue', customerId: 'a', tier: 'free' });
    await call({ action: 'issue', customerId: 'b', tier: 'free' });

    // WHEN
    const r = await call({ action: 'issue', customerId: 'c', tier: 'free' });

    // THEN
    expect(r).toEqual({ error: 'KeyQuotaReached', message: expect.stringContaining('2 keys') });
    expect(table.items.has('c')).toBe(false);
    expect(gw.keys.size).toBe(2);
  });

  test('fails with KeyQuotaReached when API Gateway refuses a new key (account quota)', async () => {
    // GIVEN
    gw.accountFull = true;

    // WHEN
    const r = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // THEN
    expect(r).toEqual({ error: 'KeyQuotaReached', message: expect.stringContaining('quota of API keys') });
  });

  test('throttled management calls are retried', async () => {
    // GIVEN
    gw.throttle.set('CreateApiKey', 2);
    gw.throttle.set('CreateUsagePlanKey', 1);

    // WHEN
    const r = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // THEN
    expect(r.keyId).toBe('key1');
    expect(apiMock.commandCalls(CreateApiKeyCommand)).toHaveLength(3);
    expect(apiMock.commandCalls(CreateUsagePlanKeyCommand)).toHaveLength(2);
  });

  test('the SDK clients use adaptive retry', async () => {
    // GIVEN / WHEN / THEN
    const mode = async (c: any) =>
      typeof c.config.retryMode === 'function' ? c.config.retryMode() : c.config.retryMode;
    expect(await mode(issuer.apigw)).toBe('adaptive');
    expect(await mode(issuer.ddb)).toBe('adaptive');
  });
});

describe('KeyIssuer handler: move, revoke, get', () => {
  test("move: the key leaves its plan and joins the new tier's plan, id and value unchanged", async () => {
    // GIVEN
    const issued = await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // WHEN
    const moved = await call({ action: 'move', customerId: 'acme', tier: 'premium' });

    // THEN
    expect(moved).toEqual({ customerId: 'acme', tier: 'premium', keyId: issued.keyId, enabled: true });
    expect(gw.plansOf(issued.keyId)).toEqual(['planPremium']);
    const again = await call({ action: 'issue', customerId: 'acme', tier: 'premium' });
    expect(again).toEqual({ ...issued, tier: 'premium' });
  });

  test('move to the tier the key is in changes nothing', async () => {
    // GIVEN
    await call({ action: 'issue', customerId: 'acme', tier: 'free' });
    const before = apiMock.calls().length;

    // WHEN
    const r = await call({ action: 'move', customerId: 'acme', tier: 'free' });

    // THEN
    expect(r).toMatchObject({ tier: 'free', enabled: true });
    expect(apiMock.calls().length).toBe(before);
  });

  test('a move that crashed between its two plan calls is finished by the next call', async () => {
    // GIVEN: the key left the free plan, then the move died
    await call({ action: 'issue', customerId: 'acme', tier: 'free' });
    gw.failNext.set('CreateUsagePlanKey', new Error('crash'));
    await expect(call({ action: 'move', customerId: 'acme', tier: 'premium' })).rejects.toThrow('crash');
    expect(gw.plansOf('key1')).toEqual([]);

    // WHEN
    const r = await call({ action: 'get', customerId: 'acme' });

    // THEN
    expect(r).toEqual({ customerId: 'acme', tier: 'premium', keyId: 'key1', enabled: true });
    expect(gw.plansOf('key1')).toEqual(['planPremium']);
  });

  test('revoke: the key is disabled and leaves its plan; get shows it disabled', async () => {
    // GIVEN
    await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // WHEN
    const r = await call({ action: 'revoke', customerId: 'acme' });

    // THEN
    expect(r).toEqual({ customerId: 'acme', tier: 'free', keyId: 'key1', enabled: false });
    expect(gw.keys.get('key1')!.enabled).toBe(false);
    expect(gw.plansOf('key1')).toEqual([]);
    expect(apiMock.commandCalls(UpdateApiKeyCommand)[0].args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/enabled', value: 'false' },
    ]);
    expect(await call({ action: 'get', customerId: 'acme' })).toEqual(r);
    expect(await call({ action: 'revoke', customerId: 'acme' })).toEqual(r);
    expect(await call({ action: 'issue', customerId: 'acme', tier: 'free' })).toEqual({
      error: 'InvalidRequest',
      message: expect.stringContaining('revoked'),
    });
  });

  test('get never returns the value', async () => {
    // GIVEN
    await call({ action: 'issue', customerId: 'acme', tier: 'free' });

    // WHEN
    const r = await call({ action: 'get', customerId: 'acme' });

    // THEN
    expect(r).toEqual({ customerId: 'acme', tier: 'free', keyId: 'key1', enabled: true });
  });

  test.each([
    [{ action: 'get', customerId: 'nobody' }],
    [{ action: 'move', customerId: 'nobody', tier: 'free' }],
    [{ action: 'revoke', customerId: 'nobody' }],
  ])('fails with UnknownCustomer for %j', async (event) => {
    // GIVEN / WHEN
    const r = await call(event);

    // THEN
    expect(r).toEqual({ error: 'UnknownCustomer', message: expect.stringContaining('"nobody" has no key') });
  });

  test.each([
    [{ action: 'issue', customerId: 'acme', tier: 'gold' }],
    [{ action: 'move', customerId: 'acme', tier: 'gold' }],
  ])('fails with UnknownTier for %j', async (event) => {
    // GIVEN / WHEN
    const r = await call(event);

    // THEN
    expect(r).toEqual({ error: 'UnknownTier', message: 'tier "gold" is not one of "free", "premium"' });
  });

  test.each([
    [null, 'must be a JSON object'],
    [[], 'must be a JSON object'],
    ['issue', 'must be a JSON object'],
    [{ action: 'delete', customerId: 'acme' }, "'action' must be one of"],
    [{ action: 'get' }, "'customerId' must be a string"],
    [{ action: 'get', customerId: '' }, "'customerId' must be a string"],
    [{ action: 'get', customerId: '#keys' }, "not starting with '#'"],
    [{ action: 'get', customerId: 42 }, "'customerId' must be a string"],
    [{ action: 'issue', customerId: 'acme' }, "'tier' is required for issue"],
    [{ action: 'move', customerId: 'acme', tier: 3 }, "'tier' is required for move"],
  ])('fails with InvalidRequest for %j', async (event, message) => {
    // GIVEN / WHEN
    const r = await call(event);

    // THEN
    expect(r).toEqual({ error: 'InvalidRequest', message: expect.stringContaining(message) });
  });
});
