'use strict';
/**
 * The usage ledger's format (docs/ARCHITECTURE.md "Metering"): pure functions, no AWS calls. The construct
 * library mirrors them in `src/usage/meter/ledger.ts` (`UsageLedger`), and a unit test keeps both equal.
 */

/** Key prefix of the ledger objects. */
const LEDGER_PREFIX = 'usage/';
/** Key prefix of the "already warned" markers (never under the ledger prefix, so Athena never reads them). */
const WARNING_PREFIX = 'quota-warnings/';

/** `YYYY-MM-DD` of a Date in UTC. */
function utcDate(d) {
  return d.toISOString().slice(0, 10);
}

/** The UTC day before `date` (`YYYY-MM-DD`). */
function previousUtcDate(date) {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return utcDate(d);
}

/** The `YYYY-MM-DD` `days` after `date`. */
function addUtcDays(date, days) {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return utcDate(d);
}

/** The ledger object key of one plan and day: `usage/date=YYYY-MM-DD/<usagePlanId>.jsonl`. */
function ledgerObjectKey(date, usagePlanId) {
  return `${LEDGER_PREFIX}date=${date}/${usagePlanId}.jsonl`;
}

/**
 * One ledger line, with its fields in the documented order; `customerId` only when the key has one.
 * @param {{date: string, tier: string, usagePlanId: string, keyId: string, customerId?: string, used: number, remaining: number}} e
 */
function ledgerLine(e) {
  const line = { date: e.date, tier: e.tier, usagePlanId: e.usagePlanId, keyId: e.keyId };
  if (typeof e.customerId === 'string' && e.customerId !== '') line.customerId = e.customerId;
  line.used = e.used;
  line.remaining = e.remaining;
  return JSON.stringify(line);
}

/** The body of one ledger object: its lines sorted by key id, each ending in a newline (same input, same bytes). */
function ledgerBody(entries) {
  const sorted = [...entries].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
  return sorted.map((e) => `${ledgerLine(e)}\n`).join('');
}

/**
 * The id of the quota period that contains `date`: the day for DAY, `YYYY-MM` for MONTH, and for WEEK the
 * Sunday that starts the week (`week-YYYY-MM-DD`), the reading the library assumes elsewhere too: which
 * weekday API Gateway starts a week on is not documented (docs/SEMANTICS.md "Metering"), and the id only
 * decides when a key can be warned again.
 */
function quotaPeriodId(period, date) {
  if (period === 'DAY') return date;
  if (period === 'MONTH') return date.slice(0, 7);
  const d = new Date(`${date}T00:00:00.000Z`);
  return `week-${addUtcDays(date, -d.getUTCDay())}`;
}

/** The marker key that records "this key was warned in this period". */
function warningMarkerKey(periodId, usagePlanId, keyId) {
  return `${WARNING_PREFIX}${periodId}/${usagePlanId}/${keyId}`;
}

/**
 * How much of the period's quota a key has used, from the current day's `[used, remaining]` pair: the
 * limit minus what remains (GetUsage's `remaining` is what is left of the period's quota), and never less
 * than the day's own use for a DAY quota.
 */
function usedInPeriod(quota, used, remaining) {
  const fromRemaining = Number.isFinite(remaining) ? Math.max(0, quota.limit - remaining) : 0;
  return quota.period === 'DAY' ? Math.max(used, fromRemaining) : Math.max(fromRemaining, used);
}

/** Whole percent of the quota used (rounded down). */
function percentUsed(quota, periodUsed) {
  return Math.floor((periodUsed * 100) / quota.limit);
}

module.exports = {
  LEDGER_PREFIX,
  WARNING_PREFIX,
  utcDate,
  previousUtcDate,
  addUtcDays,
  ledgerObjectKey,
  ledgerLine,
  ledgerBody,
  quotaPeriodId,
  warningMarkerKey,
  usedInPeriod,
  percentUsed,
};
