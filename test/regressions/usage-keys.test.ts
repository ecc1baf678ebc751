import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { RequestSimulator, UsageTiers } from '../../src';

const FREE = { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 } };

function setup(apiProps: apigw.RestApiProps = {}) {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const api = new apigw.RestApi(stack, 'Api', apiProps);
  return { stack, api };
}

/** `METHOD /path` → ApiKeyRequired as synthesized. */
function keyRequired(stack: Stack, api: apigw.RestApi): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const t = Template.fromStack(stack);
  for (const m of api.methods) {
    const id = stack.getLogicalId(m.node.defaultChild as apigw.CfnMethod);
    out[`${m.httpMethod} ${m.resource.path}`] = t.toJSON().Resources[id].Properties.ApiKeyRequired;
  }
  return out;
}

describe('class 7: UsageTiers on a plain RestApi make unset apiKeyRequired true', () => {
  test('methods added before and after the tiers require a key; explicit false is kept', () => {
    // GIVEN
    const { stack, api } = setup();
    api.root.addMethod('GET', new apigw.MockIntegration());
    api.root.addMethod('PUT', new apigw.MockIntegration(), { apiKeyRequired: false });

    // WHEN
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });
    tiers.addKey('alice', { tier: 'free' });
    const items = api.root.addResource('items');
    items.addMethod('GET', new apigw.MockIntegration());
    items.addMethod('POST', new apigw.MockIntegration(), { apiKeyRequired: false });
    items.addMethod('DELETE', new apigw.MockIntegration(), { apiKeyRequired: true });

    // THEN
    expect(keyRequired(stack, api)).toEqual({
      'GET /': true,
      'PUT /': false,
      'GET /items': true,
      'POST /items': false,
      'DELETE /items': true,
    });
  });

  test('a method added after the tiers answers 403 without a key and 200 with one', () => {
    // GIVEN
    const { stack, api } = setup();
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });
    const key = tiers.addKey('alice', { tier: 'free' });

    // WHEN
    api.root.addResource('late').addMethod('GET', new apigw.MockIntegration());

    // THEN
    const sim = RequestSimulator.fromStack(stack);
    const noKey = sim.invoke({ method: 'GET', path: '/late' });
    expect([noKey.statusCode, noKey.decidedBy]).toEqual([403, 'api-key']);
    expect(sim.invoke({ method: 'GET', path: '/late', apiKeyRef: key.keyId }).statusCode).toBe(200);
  });

  test('CORS preflight OPTIONS methods (explicit false) stay key-free', () => {
    // GIVEN
    const { stack, api } = setup({
      defaultCorsPreflightOptions: { allowOrigins: apigw.Cors.ALL_ORIGINS },
    });
    api.root.addResource('items').addMethod('GET', new apigw.MockIntegration());

    // WHEN
    const tiers = new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] });
    tiers.addKey('alice', { tier: 'free' });
    api.root.addResource('late').addMethod('GET', new apigw.MockIntegration());

    // THEN
    const got = keyRequired(stack, api);
    expect(got).toMatchObject({ 'OPTIONS /': false, 'OPTIONS /items': false, 'GET /items': true, 'GET /late': true });
    expect(
      Object.entries(got)
        .filter(([k]) => k.startsWith('OPTIONS'))
        .map(([, v]) => v),
    ).not.toContain(true);
    const sim = RequestSimulator.fromStack(stack);
    expect(sim.invoke({ method: 'OPTIONS', path: '/items' }).statusCode).toBe(200);
  });

  test('defaultMethodOptions.apiKeyRequired: false is an explicit false and is kept', () => {
    // GIVEN
    const { stack, api } = setup({ defaultMethodOptions: { apiKeyRequired: false } });
    api.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN
    new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] }).addKey('alice', { tier: 'free' });

    // THEN
    expect(keyRequired(stack, api)).toEqual({ 'GET /': false });
  });

  test('the Deployment logical id changes when the tiers make a method key-required', () => {
    // GIVEN
    const ids = [false, true].map((withTiers) => {
      const { stack, api } = setup();
      api.root.addMethod('GET', new apigw.MockIntegration());
      // WHEN
      if (withTiers) {
        new UsageTiers(stack, 'Tiers', { stages: [api.deploymentStage], tiers: [FREE] }).addKey('alice', {
          tier: 'free',
        });
      }
      return Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'));
    });
    // THEN
    expect(ids[0]).toHaveLength(1);
    expect(ids[0]).not.toEqual(ids[1]);
  });
});
