import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, PolicyValidationPluginReportBeta1, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GatekeeperValidation, PrivateApi, TieredApi } from '../../src';

/** Synthesizes an app with the plugin and returns its report (and whether CDK marked the run failed). */
function validate(build: (stack: Stack) => void, plugin = new GatekeeperValidation()) {
  let report: PolicyValidationPluginReportBeta1 | undefined;
  const original = plugin.validate.bind(plugin);
  plugin.validate = (ctx) => (report = original(ctx));
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gk-')) });
  // aws-cdk-lib >= 2.2xx: Validations.of(app).addPlugins(); older: new App({ policyValidationBeta1: [plugin] }).
  Validations.of(app).addPlugins(plugin);
  build(new Stack(app, 'Stack'));
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const before = process.exitCode;
  try {
    app.synth();
    return { report: report!, failed: process.exitCode === 1 };
  } finally {
    process.exitCode = before;
    errors.mockRestore();
  }
}
const rules = (r: PolicyValidationPluginReportBeta1) => r.violations.map((v) => v.ruleName);

describe('GatekeeperValidation', () => {
  test('fails synthesis of a hand-written private API without a resource policy', () => {
    // GIVEN / WHEN
    const { report, failed } = validate((stack) => {
      const api = new apigw.RestApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.PRIVATE] });
      api.root.addMethod('GET', new apigw.MockIntegration());
    });

    // THEN
    expect(failed).toBe(true);
    expect(report.success).toBe(false);
    expect(rules(report)).toContain('private-api-without-policy');
    expect(report.violations[0].violatingResources[0].templatePath).toMatch(/Stack\.template\.json$/);
  });

  test('fails synthesis of a hand-written private API that any VPC endpoint could call', () => {
    // GIVEN / WHEN
    const { report, failed } = validate((stack) => {
      const api = new apigw.RestApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.PRIVATE] });
      api.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.AnyPrincipal()],
          actions: ['execute-api:Invoke'],
          resources: ['execute-api:/*'],
        }),
      );
      api.root.addMethod('GET', new apigw.MockIntegration());
    });

    // THEN
    expect(failed).toBe(true);
    expect(rules(report)).toContain('open-private-api');
  });

  test('reads the keyShards nested stacks of a TieredApi: no key-required-without-plan or key-without-plan noise', () => {
    // GIVEN / WHEN
    const { report, failed } = validate(
      (stack) => {
        const api = new TieredApi(stack, 'Api', {
          keyShards: 3,
          tiers: [
            {
              name: 'free',
              throttle: { rateLimit: 10, burstLimit: 20 },
              quota: { limit: 100, period: apigw.Period.DAY },
            },
          ],
        });
        api.root.addResource('orders').addMethod('GET', new apigw.MockIntegration());
        for (let i = 0; i < 10; i++) api.addKey(`customer${i}`, { tier: 'free' });
      },
      new GatekeeperValidation({ minimumSeverity: 'info' }),
    );

    // THEN
    expect(failed).toBe(false);
    expect(rules(report)).not.toContain('key-required-without-plan');
    expect(rules(report)).not.toContain('key-without-plan');
    expect(rules(report)).not.toContain('unreadable-template');
  });

  test("passes this library's PrivateApi and reports a key-required method in no plan as a warning", () => {
    // GIVEN / WHEN
    const { report, failed } = validate((stack) => {
      const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'E', {
        vpcEndpointId: 'vpce-0a0a0a0a0a0a0a0a0',
        port: 443,
      });
      new PrivateApi(stack, 'Private', { vpcEndpoints: [endpoint] }).root.addMethod('GET', new apigw.MockIntegration());
      const plain = new apigw.RestApi(stack, 'Plain', { defaultMethodOptions: { apiKeyRequired: true } });
      plain.root.addMethod('GET', new apigw.MockIntegration());
    });

    // THEN
    expect(failed).toBe(false);
    expect(report.success).toBe(true);
    expect(rules(report)).toContain('key-required-without-plan');
    expect(rules(report)).not.toContain('open-private-api');
    expect(rules(report)).not.toContain('private-api-without-policy');
  });

  test('a TieredApi with keys raises no finding of severity warning or worse', () => {
    const { report } = validate((stack) => {
      const api = new TieredApi(stack, 'Tiered', {
        tiers: [{ name: 'free', throttle: { rateLimit: 1, burstLimit: 2 } }],
      });
      api.root.addMethod('GET', new apigw.MockIntegration());
      api.addKey('k', { tier: 'free' });
    });
    expect(report.violations).toEqual([]);
  });

  test('warns of a method anyone on the internet can call (the grantExecute sample: GET /pets is NONE)', () => {
    // GIVEN / WHEN
    const { report, failed } = validate((stack) => {
      const api = new apigw.RestApi(stack, 'Api');
      const pets = api.root.addResource('pets');
      pets.addMethod('GET', new apigw.MockIntegration());
      const post = pets.addMethod('POST', new apigw.MockIntegration(), {
        authorizationType: apigw.AuthorizationType.IAM,
      });
      post.grantExecute(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
    });

    // THEN
    expect(failed).toBe(false);
    const v = report.violations.find((x) => x.ruleName === 'unauthenticated-method');
    expect(v).toMatchObject({
      severity: 'warning',
      violatingResources: [expect.objectContaining({ locations: ['stage prod'] })],
    });
    expect(v!.description).toMatch(/^GET \/pets on Api\w+ stage prod: no authorization, no API key/);
    expect(v!.description).not.toMatch(/POST/);
  });

  test('fails synthesis of a policy over 8,192 characters (policy-too-large)', () => {
    const { report, failed } = validate((stack) => {
      const api = new apigw.RestApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.REGIONAL] });
      for (let i = 0; i < 60; i++) {
        api.addToResourcePolicy(
          new iam.PolicyStatement({
            principals: [new iam.AnyPrincipal()],
            actions: ['execute-api:Invoke'],
            resources: ['execute-api:/*'],
            conditions: { IpAddress: { 'aws:SourceIp': `192.0.2.${i}/32` } },
          }),
        );
      }
      api.root.addMethod('GET', new apigw.MockIntegration());
    });
    expect(failed).toBe(true);
    expect(rules(report)).toContain('policy-too-large');
  });

  test('reports a template it cannot read as unreadable-template, a rule it declares', () => {
    // GIVEN a synthesized template overwritten with something that is not a template
    const plugin = new GatekeeperValidation();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gk-'));
    const file = path.join(dir, 'Bad.template.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: ['x'] }));
    // WHEN
    const report = plugin.validate({ templatePaths: [file] } as any);
    // THEN
    expect(plugin.ruleIds).toContain('unreadable-template');
    expect(report.violations).toEqual([
      expect.objectContaining({
        ruleName: 'unreadable-template',
        severity: 'warning',
        description: expect.stringMatching(/could not be read: not a CloudFormation template/),
      }),
    ]);
  });

  test("minimumSeverity 'error' reports errors only", () => {
    const { report } = validate(
      (stack) => {
        const plain = new apigw.RestApi(stack, 'Plain', { defaultMethodOptions: { apiKeyRequired: true } });
        plain.root.addMethod('GET', new apigw.MockIntegration());
      },
      new GatekeeperValidation({ minimumSeverity: 'error' }),
    );
    expect(report.violations).toEqual([]);
  });

  test('fails when minimumSeverity is unknown', () => {
    expect(() => new GatekeeperValidation({ minimumSeverity: 'fatal' })).toThrow(
      /'minimumSeverity' is invalid: got "fatal"; expected 'error', 'warning' or 'info'/,
    );
  });
});
