import { synthTemplate } from '../../bench/harness';
import { baseline, ours } from '../../bench/scenarios/tiered-api';

/** Resource types and their counts in a template. */
function census(t: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of Object.values<any>(t.Resources)) out[r.Type] = (out[r.Type] ?? 0) + 1;
  return out;
}

describe('bench smoke: tiered-api scenario', () => {
  test('ours and the hand-written baseline synthesize the same resources (10 keys)', () => {
    // GIVEN / WHEN
    const a = synthTemplate(ours(10));
    const b = synthTemplate(baseline(10));

    // THEN
    expect(census(a)).toEqual(census(b));
    expect(census(a)['AWS::CloudFormation::Stack']).toBe(1);
  });
});
