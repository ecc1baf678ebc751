/** Token buckets and quota counters, advanced by request time (docs/SEMANTICS.md "Usage plans and metering"). */
import type { ThrottleModel } from '../model';

interface Bucket {
  tokens: number;
  last: number;
}

/**
 * What one key used in one plan on one UTC day, as the quota step counted it (the ledger's source):
 * `used` requests admitted by the plan's throttle and quota, `remaining` what was left of the quota
 * period's limit after the day's last request (-1 when the plan has no quota), `touches` every request
 * that reached the quota step with this key (counted or refused), so a caller can tell which lines its
 * requests reached.
 */
export interface UsageEntry {
  readonly planLogicalId: string;
  readonly keyLogicalId: string;
  /** `YYYY-MM-DD`, UTC */
  readonly date: string;
  used: number;
  remaining: number;
  touches: number;
}

export interface QuotaCounter {
  window: number;
  used: number;
  first: boolean;
}

/** Token buckets and quota counters, advanced by request time. */
export class PipelineState {
  public readonly buckets = new Map<string, Bucket>();
  public readonly quotas = new Map<string, QuotaCounter>();
  /** per plan, key and UTC day, in the order first seen */
  public readonly usage = new Map<string, UsageEntry>();

  /** Takes one token if there is one (refilling at `rate`/s up to `burst` since the last look). */
  public take(key: string, t: ThrottleModel, at: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: t.burstLimit, last: at };
      this.buckets.set(key, b);
    }
    if (at > b.last) {
      b.tokens = Math.min(t.burstLimit, b.tokens + (t.rateLimit * (at - b.last)) / 1000);
      b.last = at;
    }
    if (b.tokens >= 1 - 1e-9) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  public reset(): void {
    this.buckets.clear();
    this.quotas.clear();
    this.usage.clear();
  }

  /** The usage entry of a plan, key and request time (created on first use). */
  public usageEntry(planLogicalId: string, keyLogicalId: string, at: number): UsageEntry {
    const date = new Date(at).toISOString().slice(0, 10);
    const k = `${planLogicalId}\u0000${keyLogicalId}\u0000${date}`;
    let e = this.usage.get(k);
    if (!e) {
      e = { planLogicalId, keyLogicalId, date, used: 0, remaining: -1, touches: 0 };
      this.usage.set(k, e);
    }
    return e;
  }
}

const DAY_MS = 86_400_000;

/** Index of the UTC quota window that holds `at`. WEEK windows start on Sunday 00:00 UTC [U]. */
export function quotaWindow(period: string, at: number): number {
  const day = Math.floor(at / DAY_MS);
  if (period === 'DAY') return day;
  if (period === 'WEEK') return day - ((((day + 4) % 7) + 7) % 7);
  const d = new Date(at);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Account-level throttle per region (docs/SEMANTICS.md "Quotas"). */
export function accountThrottle(region: string): ThrottleModel {
  if (region === 'af-south-1' || region === 'eu-south-1') return { rateLimit: 2500, burstLimit: 1250, notes: [] };
  return { rateLimit: 10000, burstLimit: 5000, notes: [] };
}
