'use strict';
/**
 * The UsageMeter exporter (docs/ARCHITECTURE.md "Metering"). On its schedule, for every tier's usage plan:
 * GetUsage for the current UTC day and the day before (paging through `position`), the keys' customer ids
 * (GetApiKey), one ledger object per plan and day, quota warnings (once per key and period) and Embedded
 * Metric Format lines. Uses the AWS SDK for JavaScript v3 of the Lambda runtime; nothing is bundled.
 *
 * Environment: PLANS (JSON: [{ tier, usagePlanId, quota?: { limit, period } }]), LEDGER_BUCKET,
 * WARNING_PERCENT, PER_KEY_METRICS ('true' | 'false'), METRIC_NAMESPACE.
 *
 * Throttling (TooManyRequestsException, SlowDown) is retried by the SDK itself: every client uses the
 * `adaptive` retry mode (a client-side rate limiter on top of exponential backoff) with MAX_ATTEMPTS
 * attempts; what is still throttled after that fails the run, and the next scheduled run rewrites the days.
 */
const {
  APIGatewayClient,
  GetUsageCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
} = require('@aws-sdk/client-api-gateway');
const { S3Client, PutObjectCommand, HeadObjectCommand, DeleteObjectCommand } = require('@aws-sdk/client-s3');
const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');
const crypto = require('crypto');
const ledger = require('./ledger');

const MAX_ATTEMPTS = 10;
const RETRY = { maxAttempts: MAX_ATTEMPTS, retryMode: 'adaptive' };
const PAGE_LIMIT = 500;
const KEY_LOOKUP_CONCURRENCY = 4;
/** Past this many keys in a plan, one paged GetApiKeys (500 a page) is cheaper than a GetApiKey per key. */
const KEY_LISTING_THRESHOLD = 100;
const EVENT_SOURCE = 'cdk-api-gatekeeper';
const EVENT_DETAIL_TYPE = 'Quota Warning';
const HASH_METADATA = 'content-sha256';

let clients;
/** The SDK clients, created once per container, all with adaptive retry. */
function getClients() {
  if (!clients) {
    clients = {
      apigw: new APIGatewayClient(RETRY),
      s3: new S3Client(RETRY),
      events: new EventBridgeClient(RETRY),
    };
  }
  return clients;
}

/** The run's settings from the environment. */
function readConfig(env) {
  const plans = JSON.parse(env.PLANS || '[]');
  return {
    plans,
    bucket: env.LEDGER_BUCKET,
    warningPercent: Number(env.WARNING_PERCENT || '80'),
    perKeyMetrics: env.PER_KEY_METRICS === 'true',
    namespace: env.METRIC_NAMESPACE || 'ApiGatekeeper/Usage',
  };
}

/** The instant the run is for: the scheduled event's `time`, else now. */
function runTime(event) {
  const t = event && typeof event.time === 'string' ? Date.parse(event.time) : NaN;
  return Number.isFinite(t) ? new Date(t) : new Date();
}

/** Every page of GetUsage for one plan and date range: `{ keyId: [[used, remaining], ...] }`. */
async function fetchUsage(apigw, usagePlanId, startDate, endDate) {
  const items = {};
  let position;
  do {
    const page = await apigw.send(
      new GetUsageCommand({ usagePlanId, startDate, endDate, limit: PAGE_LIMIT, position }),
    );
    Object.assign(items, page.items || {});
    position = page.position;
  } while (position);
  return items;
}

/**
 * The customer id of every key (undefined when it has none or no longer exists): a GetApiKey per key, a few
 * at a time, or for many keys one paged GetApiKeys (API Gateway's management calls are rate-limited, and a
 * run must finish within the function's timeout).
 */
async function fetchCustomerIds(apigw, keyIds) {
  return keyIds.length > KEY_LISTING_THRESHOLD ? listCustomerIds(apigw, keyIds) : lookUpCustomerIds(apigw, keyIds);
}

/** Every key of the account, page by page (values never requested): only the asked-for ids are kept. */
async function listCustomerIds(apigw, keyIds) {
  const wanted = new Set(keyIds);
  const result = new Map(keyIds.map((k) => [k, undefined]));
  let position;
  do {
    const page = await apigw.send(new GetApiKeysCommand({ limit: PAGE_LIMIT, position, includeValues: false }));
    for (const key of page.items || []) {
      if (wanted.has(key.id) && typeof key.customerId === 'string' && key.customerId !== '') {
        result.set(key.id, key.customerId);
      }
    }
    position = page.position;
  } while (position);
  return result;
}

async function lookUpCustomerIds(apigw, keyIds) {
  const result = new Map();
  const queue = [...keyIds];
  async function worker() {
    while (queue.length > 0) {
      const keyId = queue.shift();
      result.set(keyId, await fetchCustomerId(apigw, keyId));
    }
  }
  await Promise.all(Array.from({ length: Math.min(KEY_LOOKUP_CONCURRENCY, queue.length) }, worker));
  return result;
}

async function fetchCustomerId(apigw, keyId) {
  try {
    const key = await apigw.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: false }));
    return typeof key.customerId === 'string' && key.customerId !== '' ? key.customerId : undefined;
  } catch (e) {
    if (e && e.name === 'NotFoundException') return undefined;
    throw e;
  }
}

/** Ledger entries of one plan, by date, from GetUsage's items (index i of a key's list is startDate + i). */
function entriesByDate(plan, items, startDate, dates, customerIds) {
  const byDate = new Map(dates.map((d) => [d, []]));
  for (const keyId of Object.keys(items)) {
    const pairs = items[keyId] || [];
    pairs.forEach((pair, i) => {
      const date = ledger.addUtcDays(startDate, i);
      if (!byDate.has(date) || !Array.isArray(pair)) return;
      byDate.get(date).push({
        date,
        tier: plan.tier,
        usagePlanId: plan.usagePlanId,
        keyId,
        customerId: customerIds.get(keyId),
        used: Number(pair[0]) || 0,
        remaining: Number(pair[1]),
      });
    });
  }
  return byDate;
}

/** Writes an object unless it already holds exactly this body (so a re-run adds no object version). */
async function writeIfChanged(s3, bucket, key, body) {
  const hash = crypto.createHash('sha256').update(body).digest('hex');
  if ((await storedHash(s3, bucket, key)) === hash) return false;
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'application/x-ndjson',
      Metadata: { [HASH_METADATA]: hash },
    }),
  );
  return true;
}

/**
 * The content hash a ledger object was written with, or undefined when there is none. Without
 * s3:ListBucket, S3 answers 403 instead of 404 for a missing object: both mean "write it".
 */
async function storedHash(s3, bucket, key) {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata ? head.Metadata[HASH_METADATA] : undefined;
  } catch (e) {
    const status = e && e.$metadata ? e.$metadata.httpStatusCode : undefined;
    if (e && (e.name === 'NotFound' || e.name === 'NoSuchKey' || status === 404 || status === 403)) return undefined;
    throw e;
  }
}

/**
 * Claims the warning of one key and period: a conditional put (`If-None-Match: *`) of a marker object
 * succeeds for exactly one writer, so overlapping runs warn once. False when the marker exists.
 */
async function claimWarning(s3, bucket, markerKey, detail) {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: markerKey,
        Body: JSON.stringify(detail),
        ContentType: 'application/json',
        IfNoneMatch: '*',
      }),
    );
    return true;
  } catch (e) {
    const status = e && e.$metadata ? e.$metadata.httpStatusCode : undefined;
    if (e && (e.name === 'PreconditionFailed' || status === 412)) return false;
    if (e && (e.name === 'ConditionalRequestConflict' || status === 409)) return false;
    throw e;
  }
}

/** The quota-warning detail of a key's current day, or undefined when it is below the threshold. */
function warningDetail(plan, entry, warningPercent) {
  const quota = plan.quota;
  if (!quota || !(quota.limit > 0)) return undefined;
  const used = ledger.usedInPeriod(quota, entry.used, entry.remaining);
  const percent = ledger.percentUsed(quota, used);
  if (percent < warningPercent) return undefined;
  const detail = { tier: plan.tier, usagePlanId: plan.usagePlanId, keyId: entry.keyId };
  if (entry.customerId !== undefined) detail.customerId = entry.customerId;
  return { ...detail, used, limit: quota.limit, period: quota.period, percent };
}

/** Sends one warning; if EventBridge refuses it, the marker is removed so that the next run tries again. */
async function sendWarning(c, bucket, markerKey, detail) {
  let failure;
  try {
    const out = await c.events.send(
      new PutEventsCommand({
        Entries: [{ Source: EVENT_SOURCE, DetailType: EVENT_DETAIL_TYPE, Detail: JSON.stringify(detail) }],
      }),
    );
    if (out.FailedEntryCount) failure = new Error(`PutEvents refused the warning: ${JSON.stringify(out.Entries)}`);
  } catch (e) {
    failure = e;
  }
  if (failure) {
    await c.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: markerKey }));
    throw failure;
  }
}

/** Warns every key of a plan whose current-day use reaches the threshold, once per key and period. */
async function warnPlan(c, cfg, plan, todayEntries, today) {
  let sent = 0;
  for (const entry of todayEntries) {
    const detail = warningDetail(plan, entry, cfg.warningPercent);
    if (!detail) continue;
    const periodId = ledger.quotaPeriodId(plan.quota.period, today);
    const markerKey = ledger.warningMarkerKey(periodId, plan.usagePlanId, entry.keyId);
    if (!(await claimWarning(c.s3, cfg.bucket, markerKey, detail))) continue;
    await sendWarning(c, cfg.bucket, markerKey, detail);
    sent++;
  }
  return sent;
}

/** Embedded Metric Format: requests so far in the UTC day per tier (and per key with perKeyMetrics). */
function emitMetrics(cfg, tier, todayEntries, now) {
  const emf = (dimensions, values) =>
    JSON.stringify({
      _aws: {
        Timestamp: now.getTime(),
        CloudWatchMetrics: [
          { Namespace: cfg.namespace, Dimensions: [dimensions], Metrics: [{ Name: 'Requests', Unit: 'Count' }] },
        ],
      },
      ...values,
    });
  const lines = [emf(['Tier'], { Tier: tier, Requests: todayEntries.reduce((s, e) => s + e.used, 0) })];
  if (cfg.perKeyMetrics) {
    for (const e of todayEntries)
      lines.push(emf(['Tier', 'ApiKeyId'], { Tier: tier, ApiKeyId: e.keyId, Requests: e.used }));
  }
  for (const line of lines) process.stdout.write(`${line}\n`);
  return lines;
}

/** Exports one plan: its ledger objects for both days, its warnings and its metrics. */
async function exportPlan(c, cfg, plan, days, now) {
  const [yesterday, today] = days;
  const items = await fetchUsage(c.apigw, plan.usagePlanId, yesterday, today);
  const customerIds = await fetchCustomerIds(c.apigw, Object.keys(items));
  const byDate = entriesByDate(plan, items, yesterday, days, customerIds);
  let written = 0;
  for (const [date, entries] of byDate) {
    if (
      await writeIfChanged(c.s3, cfg.bucket, ledger.ledgerObjectKey(date, plan.usagePlanId), ledger.ledgerBody(entries))
    ) {
      written++;
    }
  }
  const warnings = await warnPlan(c, cfg, plan, byDate.get(today), today);
  emitMetrics(cfg, plan.tier, byDate.get(today), now);
  const requestsToday = byDate.get(today).reduce((sum, e) => sum + e.used, 0);
  return {
    usagePlanId: plan.usagePlanId,
    tier: plan.tier,
    keys: Object.keys(items).length,
    requestsToday,
    written,
    warnings,
  };
}

exports.handler = async function handler(event) {
  const cfg = readConfig(process.env);
  const now = runTime(event);
  const today = ledger.utcDate(now);
  const days = [ledger.previousUtcDate(today), today];
  const c = getClients();
  const plans = [];
  const failures = [];
  // One plan's failure does not stop the others; the run still fails so that it is seen (and retried).
  for (const plan of cfg.plans) {
    try {
      plans.push(await exportPlan(c, cfg, plan, days, now));
    } catch (e) {
      failures.push({ plan, error: e });
    }
  }
  if (failures.length === 1) throw failures[0].error;
  if (failures.length > 1) {
    const detail = failures.map(
      (f) => `${f.plan.tier} (${f.plan.usagePlanId}): ${f.error && f.error.name}: ${f.error && f.error.message}`,
    );
    throw new Error(`exporting ${failures.length} plans failed: ${detail.join('; ')}`);
  }
  return { dates: days, plans };
};

/** For tests: forget the cached clients. */
exports.resetClients = function resetClients() {
  clients = undefined;
};
exports.RETRY = RETRY;
exports.getClients = getClients;
