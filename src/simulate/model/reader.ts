/**
 * What every reader of the model shares: the resolver, the template's notes, the resources of one type
 * (with their Conditions evaluated) and the small value conversions CloudFormation allows.
 */
import { Resolver, isUnresolved } from '../intrinsics';
import type { ThrottleModel } from './types';

/** The template being read, handed to each reader in turn. */
export class TemplateReader {
  /** template-level notes: what was not simulated and why */
  public readonly notes: string[] = [];

  constructor(public readonly resolver: Resolver) {}

  public get resources(): Record<string, any> {
    return this.resolver.resources;
  }

  /** The resources of one type whose `Condition` holds (or cannot be evaluated: then kept, with a note). */
  public byType(type: string): [string, any][] {
    return Object.entries(this.resources).filter(([id, r]) => r && r.Type === type && this.included(id, r));
  }

  /** The logical id a `Ref` / `GetAtt` in a property names (resolved, then mapped back from its placeholder). */
  public logicalOf(v: any): string | undefined {
    const r = this.resolver.resolve(v);
    if (typeof r !== 'string') return undefined;
    return this.resolver.idToLogical.get(r) ?? (this.resources[r] ? r : undefined);
  }

  private included(id: string, res: any): boolean {
    if (!res || typeof res !== 'object') return false;
    if (res.Condition === undefined) return true;
    const c = this.resolver.condition(String(res.Condition));
    if (isUnresolved(c)) {
      this.notes.push(`${id}: condition ${res.Condition} cannot be evaluated (${c.why}); the resource is kept`);
      return true;
    }
    return c;
  }
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function bool(v: any, dflt: boolean): boolean {
  if (v === true || v === false) return v;
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
  }
  return dflt;
}

export function num(v: any): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

export function normPath(p: string): string {
  let s = p.trim();
  if (!s.startsWith('/')) s = '/' + s;
  s = s.replace(/\/+/g, '/');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/** Throttle from `{RateLimit, BurstLimit}` (any case); a missing half is [U] and assumed as said in notes. */
export function throttleOf(raw: any, what: string): ThrottleModel | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const rate = num(raw.RateLimit ?? raw.rateLimit);
  const burst = num(raw.BurstLimit ?? raw.burstLimit);
  if (rate === undefined && burst === undefined) return undefined;
  const notes: string[] = [];
  let r = rate;
  let b = burst;
  if (b === undefined) {
    b = Math.max(1, Math.ceil(r ?? 1));
    notes.push(`${what} has no BurstLimit; what API Gateway uses then is unverified [U], assumed burst ${b} (= rate)`);
  }
  if (r === undefined) {
    r = b;
    notes.push(`${what} has no RateLimit; what API Gateway uses then is unverified [U], assumed rate ${r} (= burst)`);
  }
  return { rateLimit: Math.max(0, r), burstLimit: Math.max(0, Math.floor(b)), notes };
}

/** Identity sources from a comma-separated `IdentitySource` (`method.request.header.Auth, stageVariables.x`). */
export function identitySourcesOf(v: any): string[] {
  if (typeof v !== 'string') return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
