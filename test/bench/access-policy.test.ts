import { resourceCensus } from '../../bench/hand-written';
import { synthTemplate } from '../../bench/harness';
import { baseline, ours, ranges } from '../../bench/scenarios/access-policy';

function restApiPolicy(t: any): any {
  return Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi').Properties.Policy;
}

describe('bench smoke: access-policy scenario', () => {
  test.each([10, 1000])(
    'ours and the hand-written baseline synthesize the same resources and policy (%d sources)',
    (n) => {
      // GIVEN / WHEN
      const a = synthTemplate(ours(n));
      const b = synthTemplate(baseline(n));

      // THEN
      expect(resourceCensus(a)).toEqual(resourceCensus(b));
      expect(restApiPolicy(a)).toEqual(restApiPolicy(b));
      expect(restApiPolicy(a).Statement[0].Condition.NotIpAddress['aws:SourceIp']).toHaveLength(Math.ceil(n / 4));
    },
  );

  test('the sources are distinct /24 ranges, as many as asked', () => {
    // GIVEN / WHEN
    const { sources } = ranges(1000);

    // THEN
    expect(new Set(sources).size).toBe(1000);
    expect(sources.every((s) => /^10\.\d+\.\d+\.0\/24$/.test(s))).toBe(true);
  });
});
