'use strict';
/**
 * KeyIssuer: issues, moves and revokes customers' API keys at run time (see docs/ARCHITECTURE.md
 * "KeyIssuer protocol"). Plain JavaScript on the AWS SDK v3 of the Lambda runtime; nothing bundled.
 *
 * Input:  { action: 'issue' | 'move' | 'revoke' | 'get', customerId, tier? }
 * Output: issue  → { customerId, tier, keyId, value }
 *         move, revoke, get → { customerId, tier, keyId, enabled }
 *         errors → { error: 'UnknownTier' | 'UnknownCustomer' | 'TierMismatch' | 'KeyQuotaReached' | 'InvalidRequest', message }
 *
 * Environment: TABLE_NAME, TIER_PLANS (JSON { tier: usagePlanId }), MAX_KEYS (keys this issuer may create).
 *
 * Protocol. The table holds one record per customer, keyed on customerId, and one counter record
 * ('#keys'). Every step is idempotent or guarded by a condition, so a retry after a crash converges:
 *  1. claim:   PutItem { state: 'pending', tier, claimId, leaseUntil } if attribute_not_exists(customerId).
 *              Exactly one concurrent caller wins; the others read the winner's record and wait for it
 *              (or, once its lease has expired, take the lease over and finish its work).
 *  2. count:   one transaction: counter + 1 if below MAX_KEYS, and 'counted' set on the claim if not set
 *              yet (a retry never counts twice). Quota reached: the claim is deleted, KeyQuotaReached.
 *  3. key:     a key named 'gatekeeper-<claimId>' is looked up (GetApiKeys) before CreateApiKey, so a key
 *              created by a crashed attempt is found, not created twice. Its id is recorded (keyId).
 *  4. plan:    CreateUsagePlanKey (ConflictException = already done), then state 'ready'.
 *  Moves record 'movingTo' first, then DeleteUsagePlanKey (NotFound = done) and CreateUsagePlanKey
 *  (Conflict = done), then tier = movingTo. Revokes record state 'revoking', disable the key
 *  (UpdateApiKey), DeleteUsagePlanKey, then state 'revoked'. Any action that finds a record mid-way
 *  finishes that work first.
 */
const crypto = require('crypto');
const {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  UpdateApiKeyCommand,
} = require('@aws-sdk/client-api-gateway');
const {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} = require('@aws-sdk/client-dynamodb');

// Adaptive retry: the SDK's client-side rate limiter backs off when API Gateway's management API
// throttles (CreateApiKey allows a few calls per second per account).
const apigw = new APIGatewayClient({ retryMode: 'adaptive', maxAttempts: 10 });
const ddb = new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: 10 });

const COUNTER = '#keys';
const LEASE_MS = 60_000;
const WAIT_MS = 20_000;
const KEY_NAME_PREFIX = 'gatekeeper-';
const THROTTLED = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
]);

/** Replaceable in tests. */
const deps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  newId: () => crypto.randomBytes(12).toString('hex'),
};

class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function config() {
  const plans = JSON.parse(process.env.TIER_PLANS || '{}');
  const maxKeys = Number(process.env.MAX_KEYS || '10000');
  return { table: process.env.TABLE_NAME, plans, maxKeys };
}

/** Retries throttled calls that the SDK's own adaptive retry gave up on, with jittered backoff. */
async function send(client, command, attempts = 5) {
  for (let i = 1; ; i++) {
    try {
      return await client.send(command);
    } catch (e) {
      if (!THROTTLED.has(e && e.name) || i >= attempts) throw e;
      await deps.sleep(Math.min(2000, 100 * 2 ** i) * (0.5 + Math.random() / 2));
    }
  }
}

function isError(e, name) {
  return !!e && (e.name === name || e.Code === name);
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

function parseRequest(event, cfg) {
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    throw new Refusal(
      'InvalidRequest',
      'the request must be a JSON object such as {"action":"get","customerId":"acme"}',
    );
  }
  const { action, customerId, tier } = event;
  if (!['issue', 'move', 'revoke', 'get'].includes(action)) {
    throw new Refusal(
      'InvalidRequest',
      `'action' must be one of issue, move, revoke, get; got ${JSON.stringify(action)}`,
    );
  }
  if (typeof customerId !== 'string' || !/^[^#\s][^\s]{0,127}$/.test(customerId)) {
    throw new Refusal(
      'InvalidRequest',
      `'customerId' must be a string of 1 to 128 characters without spaces, not starting with '#'; got ${JSON.stringify(customerId)}`,
    );
  }
  if (action === 'issue' || action === 'move') {
    if (typeof tier !== 'string' || tier === '') {
      throw new Refusal('InvalidRequest', `'tier' is required for ${action}; got ${JSON.stringify(tier)}`);
    }
    planOf(cfg, tier);
  }
  return { action, customerId, tier };
}

function planOf(cfg, tier) {
  if (!Object.prototype.hasOwnProperty.call(cfg.plans, tier)) {
    throw new Refusal(
      'UnknownTier',
      `tier ${JSON.stringify(tier)} is not one of ${Object.keys(cfg.plans)
        .map((t) => JSON.stringify(t))
        .join(', ')}`,
    );
  }
  return cfg.plans[tier];
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const FIELDS = ['state', 'tier', 'keyId', 'claimId', 'movingTo', 'leaseOwner'];

function fromItem(item) {
  if (!item) return undefined;
  const r = { customerId: item.customerId.S };
  for (const f of FIELDS) if (item[f]) r[f] = item[f].S;
  if (item.leaseUntil) r.leaseUntil = Number(item.leaseUntil.N);
  if (item.counted) r.counted = item.counted.BOOL;
  return r;
}

async function read(cfg, customerId) {
  const out = await send(
    ddb,
    new GetItemCommand({ TableName: cfg.table, Key: { customerId: { S: customerId } }, ConsistentRead: true }),
  );
  return fromItem(out.Item);
}

/** A conditional UpdateItem; false when the condition failed. */
async function update(cfg, customerId, expression, condition, values, names) {
  try {
    await send(
      ddb,
      new UpdateItemCommand({
        TableName: cfg.table,
        Key: { customerId: { S: customerId } },
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
        ExpressionAttributeNames: names,
      }),
    );
    return true;
  } catch (e) {
    if (isError(e, 'ConditionalCheckFailedException')) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// issue
// ---------------------------------------------------------------------------------------------

async function issue(cfg, customerId, tier) {
  const me = deps.newId();
  let rec = await claim(cfg, customerId, tier, me);
  if (rec.tier !== tier && !rec.movingTo) {
    throw new Refusal(
      'TierMismatch',
      `customer ${JSON.stringify(customerId)} already has a key in tier ${JSON.stringify(rec.tier)}; use {"action":"move"} to change its tier`,
    );
  }
  rec = await settle(cfg, rec, me);
  if (rec.state === 'revoked') {
    throw new Refusal(
      'InvalidRequest',
      `customer ${JSON.stringify(customerId)} has a revoked key (${rec.keyId}); a revoked key is not issued again`,
    );
  }
  if (rec.tier !== tier) {
    throw new Refusal(
      'TierMismatch',
      `customer ${JSON.stringify(customerId)} already has a key in tier ${JSON.stringify(rec.tier)}; use {"action":"move"} to change its tier`,
    );
  }
  const key = await send(apigw, new GetApiKeyCommand({ apiKey: rec.keyId, includeValue: true }));
  return { customerId, tier: rec.tier, keyId: rec.keyId, value: key.value };
}

/** Step 1: the new claim (this caller won), or the record that is already there. */
async function claim(cfg, customerId, tier, me) {
  const claimId = deps.newId();
  try {
    await send(
      ddb,
      new PutItemCommand({
        TableName: cfg.table,
        Item: {
          customerId: { S: customerId },
          state: { S: 'pending' },
          tier: { S: tier },
          claimId: { S: claimId },
          leaseOwner: { S: me },
          leaseUntil: { N: String(deps.now() + LEASE_MS) },
        },
        ConditionExpression: 'attribute_not_exists(customerId)',
      }),
    );
    return { customerId, state: 'pending', tier, claimId, leaseOwner: me, leaseUntil: deps.now() + LEASE_MS };
  } catch (e) {
    if (!isError(e, 'ConditionalCheckFailedException')) throw e;
    const rec = await read(cfg, customerId);
    if (!rec) throw new Error(`the record of customer ${customerId} vanished while issuing; retry`);
    return rec;
  }
}

/** Steps 2-4 for a pending record, by the lease holder; others wait for it (or take an expired lease). */
async function finishIssue(cfg, rec, me) {
  const deadline = deps.now() + WAIT_MS;
  while (rec.state === 'pending' && rec.leaseOwner !== me) {
    if (rec.leaseUntil <= deps.now()) {
      const took = await update(
        cfg,
        rec.customerId,
        'SET leaseOwner = :me, leaseUntil = :until',
        'leaseUntil = :seen AND #s = :pending',
        {
          ':me': { S: me },
          ':until': { N: String(deps.now() + LEASE_MS) },
          ':seen': { N: String(rec.leaseUntil) },
          ':pending': { S: 'pending' },
        },
        { '#s': 'state' },
      );
      if (took) rec = { ...rec, leaseOwner: me };
      else rec = await read(cfg, rec.customerId);
      continue;
    }
    if (deps.now() >= deadline)
      throw new Error(`the key of customer ${rec.customerId} is being issued by another call; retry`);
    await deps.sleep(250);
    rec = await read(cfg, rec.customerId);
  }
  if (rec.state !== 'pending') return rec;
  await count(cfg, rec);
  const keyId = rec.keyId || (await findOrCreateKey(cfg, rec));
  await update(
    cfg,
    rec.customerId,
    'SET keyId = :k',
    '#s = :pending',
    { ':k': { S: keyId }, ':pending': { S: 'pending' } },
    { '#s': 'state' },
  );
  await addToPlan(planOf(cfg, rec.tier), keyId);
  await update(
    cfg,
    rec.customerId,
    'SET #s = :ready REMOVE leaseOwner, leaseUntil, claimId',
    '#s = :pending',
    { ':ready': { S: 'ready' }, ':pending': { S: 'pending' } },
    { '#s': 'state' },
  );
  return { customerId: rec.customerId, state: 'ready', tier: rec.tier, keyId };
}

/** Step 2: reserves one key of the quota, once per claim. */
async function count(cfg, rec) {
  if (rec.counted) return;
  try {
    await send(
      ddb,
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: cfg.table,
              Key: { customerId: { S: COUNTER } },
              UpdateExpression: 'ADD issued :one',
              ConditionExpression: 'attribute_not_exists(issued) OR issued < :max',
              ExpressionAttributeValues: { ':one': { N: '1' }, ':max': { N: String(cfg.maxKeys) } },
            },
          },
          {
            Update: {
              TableName: cfg.table,
              Key: { customerId: { S: rec.customerId } },
              UpdateExpression: 'SET counted = :t',
              ConditionExpression: 'claimId = :c AND attribute_not_exists(counted)',
              ExpressionAttributeValues: { ':t': { BOOL: true }, ':c': { S: rec.claimId } },
            },
          },
        ],
      }),
    );
  } catch (e) {
    if (!isError(e, 'TransactionCanceledException')) throw e;
    const [counter, own] = (e.CancellationReasons || []).map((r) => r && r.Code);
    if (own === 'ConditionalCheckFailed') return; // counted by an earlier attempt
    if (counter === 'ConditionalCheckFailed') await refuseQuota(cfg, rec);
    throw e;
  }
}

async function refuseQuota(cfg, rec) {
  try {
    await send(
      ddb,
      new DeleteItemCommand({
        TableName: cfg.table,
        Key: { customerId: { S: rec.customerId } },
        ConditionExpression: 'claimId = :c',
        ExpressionAttributeValues: { ':c': { S: rec.claimId } },
      }),
    );
  } catch (e) {
    if (!isError(e, 'ConditionalCheckFailedException')) throw e;
  }
  throw new Refusal(
    'KeyQuotaReached',
    `this issuer has created its ${cfg.maxKeys} keys (API Gateway allows 10,000 per account and region); no key was issued`,
  );
}

/** Step 3: the claim's key, created by an earlier attempt or now. */
async function findOrCreateKey(cfg, rec) {
  const name = `${KEY_NAME_PREFIX}${rec.claimId}`;
  const found = await send(apigw, new GetApiKeysCommand({ nameQuery: name, customerId: rec.customerId, limit: 25 }));
  const existing = (found.items || []).find((k) => k.name === name);
  if (existing) return existing.id;
  try {
    const key = await send(
      apigw,
      new CreateApiKeyCommand({
        name,
        customerId: rec.customerId,
        enabled: true,
        description: `Issued by KeyIssuer for customer ${rec.customerId}`,
      }),
    );
    return key.id;
  } catch (e) {
    if (isError(e, 'LimitExceededException')) {
      throw new Refusal(
        'KeyQuotaReached',
        'API Gateway refused a new key: the account has reached its quota of API keys',
      );
    }
    throw e;
  }
}

async function addToPlan(usagePlanId, keyId) {
  try {
    await send(apigw, new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));
  } catch (e) {
    if (!isError(e, 'ConflictException')) throw e; // already in the plan
  }
}

async function removeFromPlan(usagePlanId, keyId) {
  try {
    await send(apigw, new DeleteUsagePlanKeyCommand({ usagePlanId, keyId }));
  } catch (e) {
    if (!isError(e, 'NotFoundException')) throw e; // not in the plan
  }
}

// ---------------------------------------------------------------------------------------------
// Settling a record left mid-way, move, revoke, get
// ---------------------------------------------------------------------------------------------

/** Finishes whatever the record says is under way (issue, move or revoke) and returns the settled record. */
async function settle(cfg, rec, me) {
  if (rec.state === 'pending') rec = await finishIssue(cfg, rec, me);
  if (rec.movingTo) rec = await finishMove(cfg, rec);
  if (rec.state === 'revoking') rec = await finishRevoke(cfg, rec);
  return rec;
}

async function existing(cfg, customerId) {
  const rec = await read(cfg, customerId);
  if (!rec)
    throw new Refusal(
      'UnknownCustomer',
      `customer ${JSON.stringify(customerId)} has no key; issue one with {"action":"issue"}`,
    );
  return settle(cfg, rec, deps.newId());
}

async function move(cfg, customerId, tier) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rec = await existing(cfg, customerId);
    if (rec.state === 'revoked')
      throw new Refusal('InvalidRequest', `customer ${JSON.stringify(customerId)} has a revoked key; it cannot move`);
    if (rec.tier === tier) return view(rec);
    const started = await update(
      cfg,
      customerId,
      'SET movingTo = :to',
      '#s = :ready AND tier = :from AND attribute_not_exists(movingTo)',
      { ':to': { S: tier }, ':ready': { S: 'ready' }, ':from': { S: rec.tier } },
      { '#s': 'state' },
    );
    if (started) return view(await finishMove(cfg, { ...rec, movingTo: tier }));
  }
  throw new Error(`customer ${customerId} is being changed by other calls; retry`);
}

async function finishMove(cfg, rec) {
  await removeFromPlan(planOf(cfg, rec.tier), rec.keyId);
  await addToPlan(planOf(cfg, rec.movingTo), rec.keyId);
  await update(cfg, rec.customerId, 'SET tier = :to REMOVE movingTo', 'movingTo = :to', { ':to': { S: rec.movingTo } });
  return { ...rec, tier: rec.movingTo, movingTo: undefined };
}

async function revoke(cfg, customerId) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rec = await existing(cfg, customerId);
    if (rec.state === 'revoked') return view(rec);
    const started = await update(
      cfg,
      customerId,
      'SET #s = :revoking',
      '#s = :ready AND attribute_not_exists(movingTo)',
      { ':revoking': { S: 'revoking' }, ':ready': { S: 'ready' } },
      { '#s': 'state' },
    );
    if (started) return view(await finishRevoke(cfg, { ...rec, state: 'revoking' }));
  }
  throw new Error(`customer ${customerId} is being changed by other calls; retry`);
}

async function finishRevoke(cfg, rec) {
  await send(
    apigw,
    new UpdateApiKeyCommand({
      apiKey: rec.keyId,
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
    }),
  );
  await removeFromPlan(planOf(cfg, rec.tier), rec.keyId);
  await update(
    cfg,
    rec.customerId,
    'SET #s = :revoked',
    '#s = :revoking',
    { ':revoked': { S: 'revoked' }, ':revoking': { S: 'revoking' } },
    { '#s': 'state' },
  );
  return { ...rec, state: 'revoked' };
}

function view(rec) {
  return { customerId: rec.customerId, tier: rec.tier, keyId: rec.keyId, enabled: rec.state === 'ready' };
}

// ---------------------------------------------------------------------------------------------

async function handler(event) {
  const cfg = config();
  try {
    const req = parseRequest(event, cfg);
    switch (req.action) {
      case 'issue':
        return await issue(cfg, req.customerId, req.tier);
      case 'move':
        return await move(cfg, req.customerId, req.tier);
      case 'revoke':
        return await revoke(cfg, req.customerId);
      default:
        return view(await existing(cfg, req.customerId));
    }
  } catch (e) {
    if (e instanceof Refusal) return { error: e.code, message: e.message };
    throw e;
  }
}

module.exports = { handler, deps, apigw, ddb };
