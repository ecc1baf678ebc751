/** Token buckets and quota counters, advanced by request time (docs/SEMANTICS.md "Usage plans and metering"). */
import type { ThrottleModel } from '../model';

interface Bucket {
  tokens: number;
  last: number;
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
