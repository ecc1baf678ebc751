/**
 * Foundation scenario: a plain RestApi with N resources, built by this repository's example stack vs by
 * hand. Both sides are plain aws-cdk-lib today; the ratio (≈1) calibrates the harness's noise floor.
 */
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { againstHandWritten, Scenario } from '../harness';

function plainApi(n: number) {
  return (stack: any) => {
    const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' } });
    for (let i = 0; i < n; i++) api.root.addResource(`r${i}`).addMethod('GET', new apigw.MockIntegration());
  };
}

const build = plainApi(20);

export const scenarios: Scenario[] = againstHandWritten(
  'harness noise floor: plain RestApi ×20 methods',
  build,
  build,
  {
    timeRounds: 7,
    heapRounds: 5,
  },
);
