/**
 * Foundation scenario: a plain RestApi with N resources, built by this repository's example stack vs by
 * hand. Both sides are plain aws-cdk-lib today; the ratio (≈1) calibrates the harness's noise floor.
 */
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Scenario, synthHeapMb, synthTimeMs, templateBytes } from '../harness';

function plainApi(n: number) {
  return (stack: any) => {
    const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' } });
    for (let i = 0; i < n; i++) api.root.addResource(`r${i}`).addMethod('GET', new apigw.MockIntegration());
  };
}

const build = plainApi(20);

export const scenarios: Scenario[] = [
  {
    name: 'harness noise floor: plain RestApi ×20 methods',
    metric: 'synth wall time (ms)',
    goal: '<= 1.10',
    ours: () => synthTimeMs(build),
    baseline: () => synthTimeMs(build),
    rounds: 7,
  },
  {
    name: 'harness noise floor: plain RestApi ×20 methods',
    metric: 'peak heap (MB)',
    goal: '<= 1.25',
    ours: () => synthHeapMb(build),
    baseline: () => synthHeapMb(build),
    rounds: 5,
  },
  {
    name: 'harness noise floor: plain RestApi ×20 methods',
    metric: 'template bytes',
    goal: '<= 1.00',
    ours: () => templateBytes(build),
    baseline: () => templateBytes(build),
    rounds: 1,
  },
];
