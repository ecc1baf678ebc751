import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { CrossAccountApi, PrivateApi, Source, TieredApi } from '../../src';

const ENV = { account: '123456789012', region: 'us-east-1' };

function addApis(stacks: [Stack, Stack, Stack]): void {
  const [a, b, c] = stacks;
  const p = new PrivateApi(a, 'Private', { vpcEndpointIds: ['vpce-0123456789abcdef0'] });
  p.root.addMethod('GET', new apigw.MockIntegration());
  const x = new CrossAccountApi(b, 'Cross', { allow: [Source.accounts(['111122223333'])] });
  x.root.addMethod('GET', new apigw.MockIntegration());
  const t = new TieredApi(c, 'Tiered', { tiers: [{ name: 'free', throttle: { rateLimit: 1, burstLimit: 2 } }] });
  t.root.addMethod('GET', new apigw.MockIntegration());
  t.addKey('k', { tier: 'free' });
}

function accountCount(app: App): number {
  app.synth();
  return app.node
    .findAll()
    .filter((c): c is Stack => Stack.isStack(c))
    .reduce((sum, s) => sum + Object.keys(Template.fromStack(s).findResources('AWS::ApiGateway::Account')).length, 0);
}

describe('class 10: at most one AWS::ApiGateway::Account per account and region', () => {
  test('three APIs in one stack create one Account, and every stage waits for it', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });

    // WHEN
    addApis([stack, stack, stack]);

    // THEN
    expect(accountCount(app)).toBe(1);
    const t = Template.fromStack(stack);
    const accountId = Object.keys(t.findResources('AWS::ApiGateway::Account'))[0];
    const stages = Object.values(t.findResources('AWS::ApiGateway::Stage'));
    expect(stages).toHaveLength(3);
    for (const s of stages) expect(s.DependsOn ?? []).toContain(accountId);
  });

  test('three APIs across two stacks of the same env create one Account', () => {
    // GIVEN
    const app = new App();
    const one = new Stack(app, 'One', { env: ENV });
    const two = new Stack(app, 'Two', { env: ENV });

    // WHEN
    addApis([one, two, two]);

    // THEN
    expect(accountCount(app)).toBe(1);
  });

  test('three APIs across three stacks of the same env create one Account', () => {
    // GIVEN
    const app = new App();
    const stacks = ['A', 'B', 'C'].map((id) => new Stack(app, id, { env: ENV })) as [Stack, Stack, Stack];

    // WHEN
    addApis(stacks);

    // THEN
    expect(accountCount(app)).toBe(1);
  });

  test('stacks of different regions each get their own Account', () => {
    // GIVEN
    const app = new App();
    const east = new Stack(app, 'East', { env: ENV });
    const west = new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } });

    // WHEN
    addApis([east, west, east]);

    // THEN
    expect(accountCount(app)).toBe(2);
    expect(Template.fromStack(west).findResources('AWS::ApiGateway::Account')).not.toEqual({});
  });

  test('with @aws-cdk/aws-apigateway:disableCloudWatchRole and no cloudWatchRole prop, none is created', () => {
    // GIVEN
    const app = new App({ context: { '@aws-cdk/aws-apigateway:disableCloudWatchRole': true } });
    const one = new Stack(app, 'One', { env: ENV });
    const two = new Stack(app, 'Two', { env: ENV });

    // WHEN
    addApis([one, two, one]);

    // THEN
    expect(accountCount(app)).toBe(0);
    for (const s of [one, two]) {
      Template.fromStack(s).resourceCountIs('AWS::IAM::Role', 0);
    }
  });

  test('with the flag set, an explicit cloudWatchRole: true still creates one Account', () => {
    // GIVEN
    const app = new App({ context: { '@aws-cdk/aws-apigateway:disableCloudWatchRole': true } });
    const stack = new Stack(app, 'S', { env: ENV });

    // WHEN
    const api = new CrossAccountApi(stack, 'Cross', {
      allow: [Source.accounts(['111122223333'])],
      cloudWatchRole: true,
    });
    api.root.addMethod('GET', new apigw.MockIntegration());

    // THEN
    expect(accountCount(app)).toBe(1);
  });
});
