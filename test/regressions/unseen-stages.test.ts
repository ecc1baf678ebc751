import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { AccessPolicy, ApiScope, RequestSimulator, Source } from '../../src';

const ENV = { account: '123456789012', region: 'us-east-1' };

function setup() {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('DELETE', new apigw.MockIntegration());
  api.root.addMethod('GET', new apigw.MockIntegration());
  new AccessPolicy({ allow: [Source.anyone()] }).denyOn(ApiScope.methods(['DELETE']), Source.anyone()).applyTo(api);
  return { app, stack, api };
}

function denyResources(stack: Stack): string[] {
  const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
  const doc = Object.values(apis)[0].Properties.Policy;
  return doc.Statement.filter((s: any) => s.Effect === 'Deny' && s.Condition === undefined).flatMap((s: any) =>
    Array.isArray(s.Resource) ? s.Resource : [s.Resource],
  );
}

/** Whether some unconditional Deny covers DELETE on `stage` (named, or through a `*` stage). */
function deleteDeniedOn(stack: Stack, stage: string): boolean {
  return denyResources(stack).some((r) =>
    [`execute-api:/${stage}/DELETE/*`, 'execute-api:/*/DELETE/*', 'execute-api:/*'].includes(r),
  );
}

type StageMaker = (ctx: ReturnType<typeof setup>) => { stage: string; simStack?: Stack };

const makers: Array<[string, StageMaker]> = [
  [
    'new apigw.Deployment({ stageName })',
    ({ stack, api }) => {
      new apigw.Deployment(stack, 'V2', { api, stageName: 'v2' });
      return { stage: 'v2', simStack: stack };
    },
  ],
  [
    'new apigw.Stage',
    ({ stack, api }) => {
      new apigw.Stage(stack, 'V3', { deployment: new apigw.Deployment(stack, 'D3', { api }), stageName: 'v3' });
      return { stage: 'v3', simStack: stack };
    },
  ],
  [
    'new apigw.CfnStage',
    ({ stack, api }) => {
      const d = new apigw.Deployment(stack, 'D4', { api });
      new apigw.CfnStage(stack, 'V4', { restApiId: api.restApiId, deploymentId: d.deploymentId, stageName: 'v4' });
      return { stage: 'v4', simStack: stack };
    },
  ],
  [
    'CfnDeployment with StageName',
    ({ stack, api }) => {
      new apigw.CfnDeployment(stack, 'V5', { restApiId: api.restApiId, stageName: 'v5' });
      return { stage: 'v5', simStack: stack };
    },
  ],
  [
    'a Stage in another stack of the same app',
    ({ app, api }) => {
      const other = new Stack(app, 'Other', { env: ENV });
      new apigw.Stage(other, 'V6', { deployment: new apigw.Deployment(other, 'D6', { api }), stageName: 'v6' });
      return { stage: 'v6' };
    },
  ],
  [
    'a CfnStage in another stack of the same app',
    ({ app, api }) => {
      const other = new Stack(app, 'Other', { env: ENV });
      const d = new apigw.Deployment(other, 'D7', { api });
      new apigw.CfnStage(other, 'V7', { restApiId: api.restApiId, deploymentId: d.deploymentId, stageName: 'v7' });
      return { stage: 'v7' };
    },
  ],
];

describe('class 2: denyOn covers stages made outside the API construct', () => {
  test.each(makers)('DELETE is denied on a stage made by %s', (_name, make) => {
    // GIVEN
    const ctx = setup();

    // WHEN
    const { stage, simStack } = make(ctx);

    // THEN: the synthesized Deny covers the stage
    expect(deleteDeniedOn(ctx.stack, stage)).toBe(true);
    expect(deleteDeniedOn(ctx.stack, 'prod')).toBe(true);

    // THEN: and a request there gets 403 while GET is admitted
    if (simStack) {
      const sim = RequestSimulator.fromStack(simStack);
      expect(sim.stages()).toContain(stage);
      const del = sim.invoke({ method: 'DELETE', path: '/', stage });
      expect([del.statusCode, del.decidedBy]).toEqual([403, 'resource-policy']);
      expect(sim.invoke({ method: 'GET', path: '/', stage }).statusCode).toBe(200);
      expect(sim.invoke({ method: 'DELETE', path: '/', stage: 'prod' }).statusCode).toBe(403);
    }
  });

  test('a stage whose name is a token gets a wildcard-stage Deny', () => {
    // GIVEN
    const ctx = setup();
    const name = new CfnParameter(ctx.stack, 'StageName', { type: 'String', default: 'tokenstage' });

    // WHEN
    new apigw.CfnDeployment(ctx.stack, 'Vt', { restApiId: ctx.api.restApiId, stageName: name.valueAsString });

    // THEN
    expect(denyResources(ctx.stack)).toContain('execute-api:/*/DELETE/*');
    const sim = RequestSimulator.fromStack(ctx.stack);
    expect(sim.invoke({ method: 'DELETE', path: '/', stage: 'tokenstage' }).statusCode).toBe(403);
  });

  test('a stage of another API in the app does not widen nor break this API', () => {
    // GIVEN
    const ctx = setup();
    const otherApi = new apigw.RestApi(ctx.stack, 'OtherApi', { deploy: false });
    otherApi.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN
    new apigw.Deployment(ctx.stack, 'Other', { api: otherApi, stageName: 'elsewhere' });

    // THEN: this API's deny names its own stage only
    expect(denyResources(ctx.stack).some((r) => r.includes('/elsewhere/'))).toBe(false);
    expect(deleteDeniedOn(ctx.stack, 'prod')).toBe(true);
  });
});
