/**
 * Property-test budgets. CI runs the full budgets; `PROPERTY_RUNS_SCALE` (e.g. 0.05 in `npm run test:fast`)
 * scales every budget down, never below `min` runs, so a contributor's loop stays short.
 */
export function propertyRuns(full: number, min: number = 5): number {
  const raw = process.env.PROPERTY_RUNS_SCALE;
  const scale = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) return full;
  return Math.max(Math.min(min, full), Math.round(full * scale));
}

/** True at the full budgets (CI); false in the scaled-down inner loop, where the largest scale tests are skipped. */
export function fullBudget(): boolean {
  const raw = process.env.PROPERTY_RUNS_SCALE;
  if (raw === undefined || raw === '') return true;
  const scale = Number(raw);
  return !Number.isFinite(scale) || scale <= 0 || scale >= 1;
}
