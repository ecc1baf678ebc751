import { resourceCensus } from '../../bench/hand-written';
import { synthTemplate } from '../../bench/harness';
import { baseline, ours } from '../../bench/scenarios/usage-meter';

describe('bench smoke: usage-meter scenario', () => {
  test('ours and the approximate hand-written baseline synthesize the same resource types and counts', () => {
    // GIVEN / WHEN
    const a = synthTemplate(ours);
    const b = synthTemplate(baseline);

    // THEN
    expect(resourceCensus(a)).toEqual(resourceCensus(b));
    expect(resourceCensus(a)['AWS::CloudWatch::InsightRule']).toBe(3);
    expect(resourceCensus(a)['AWS::ApiGateway::ApiKey']).toBe(10);
  });
});
