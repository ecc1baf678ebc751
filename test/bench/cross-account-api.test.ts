import { resourceCensus } from '../../bench/hand-written';
import { synthTemplate } from '../../bench/harness';
import { baseline, ours } from '../../bench/scenarios/cross-account-api';

function restApi(t: any): any {
  return Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi').Properties;
}

describe('bench smoke: cross-account-api scenario', () => {
  test('ours and the hand-written baseline synthesize the same resources and RestApi', () => {
    // GIVEN / WHEN
    const a = synthTemplate(ours);
    const b = synthTemplate(baseline);

    // THEN
    expect(resourceCensus(a)).toEqual(resourceCensus(b));
    expect(restApi(a)).toEqual(restApi(b));
  });
});
