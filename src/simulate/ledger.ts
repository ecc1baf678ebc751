/**
 * The usage ledger the simulated requests would produce: the quota step's per-key, per-day counts
 * (`PipelineState.usage`) as ledger lines (docs/ARCHITECTURE.md "Metering": the same shape as the
 * `UsageMeter` ledger, without importing usage/).
 */
import type { UsageEntry } from './decide/state';
import type { TemplateModel } from './model';
import type { SimulatedLedgerLine } from './request';

/** Ledger lines of the entries, sorted by date, tier and key id. */
export function ledgerLines(model: TemplateModel, entries: Iterable<UsageEntry>): SimulatedLedgerLine[] {
  const lines: SimulatedLedgerLine[] = [];
  for (const e of entries) {
    const plan = model.plans.find((p) => p.logicalId === e.planLogicalId);
    const key = model.keys.find((k) => k.logicalId === e.keyLogicalId);
    if (!plan || !key) continue;
    const line: SimulatedLedgerLine = {
      date: e.date,
      tier: plan.name,
      usagePlanId: physicalId(model, plan.logicalId),
      keyId: physicalId(model, key.logicalId),
      ...(key.customerId !== undefined ? { customerId: key.customerId } : {}),
      used: e.used,
      remaining: e.remaining,
    };
    lines.push(line);
  }
  return lines.sort((a, b) => compare(a.date, b.date) || compare(a.tier, b.tier) || compare(a.keyId, b.keyId));
}

function physicalId(model: TemplateModel, logicalId: string): string {
  const id = model.resolver.resolve({ Ref: logicalId });
  return typeof id === 'string' ? id : logicalId;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
