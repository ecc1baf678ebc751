import * as fc from 'fast-check';
import { PipelineState, quotaWindow } from '../../src/simulate/pipeline';
import { propertyRuns } from '../support/budget';

describe('token bucket properties', () => {
  test('served requests never exceed burst + rate × elapsed, and a slow enough client is never throttled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 500 }),
        (burst, rate, n, interval) => {
          const state = new PipelineState();
          const t = { rateLimit: rate, burstLimit: burst, notes: [] };
          let served = 0;
          for (let i = 0; i < n; i++) if (state.take('k', t, 1_000_000 + i * interval)) served++;
          const elapsed = ((n - 1) * interval) / 1000;
          expect(served).toBeLessThanOrEqual(Math.floor(burst + rate * elapsed + 1e-6));
          expect(served).toBeLessThanOrEqual(n);
          if (interval >= 1000 / rate) expect(served).toBe(n);
          if (n <= burst) expect(served).toBe(n);
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });

  test('quota windows are UTC days, Sunday-started weeks and calendar months', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (at) => {
        const d = new Date(at);
        const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
        expect(quotaWindow('DAY', at)).toBe(quotaWindow('DAY', dayStart));
        expect(quotaWindow('DAY', dayStart - 1)).toBe(quotaWindow('DAY', at) - 1);
        const sunday = dayStart - d.getUTCDay() * 86_400_000;
        expect(quotaWindow('WEEK', at)).toBe(quotaWindow('WEEK', sunday));
        expect(quotaWindow('WEEK', sunday - 1)).not.toBe(quotaWindow('WEEK', at));
        const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
        expect(quotaWindow('MONTH', at)).toBe(quotaWindow('MONTH', monthStart));
        expect(quotaWindow('MONTH', monthStart - 1)).toBe(quotaWindow('MONTH', at) - 1);
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
