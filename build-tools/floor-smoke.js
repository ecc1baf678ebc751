/**
 * A consumer app at the declared peer floor: the packed library (dist/js/*.tgz) installed beside the lowest
 * aws-cdk-lib it declares and cdk-nag 2 (the major that version supports, run through Aspects), using every
 * construct. Run by build-tools/floor-smoke.sh from a scratch directory; exits non-zero on any failure.
 */
const assert = require('assert');
const path = require('path');
const cdk = require('aws-cdk-lib');
const apigw = require('aws-cdk-lib/aws-apigateway');
const ec2 = require('aws-cdk-lib/aws-ec2');
const { AwsSolutionsChecks } = require('cdk-nag');
const gk = require('cdk-api-gatekeeper');

const ENV = { account: '123456789012', region: 'us-east-1' };
const mock = () =>
  new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    integrationResponses: [{ statusCode: '200' }],
  });
const OK = { methodResponses: [{ statusCode: '200' }] };

function buildApp(outdir) {
  const app = new cdk.App({ outdir, policyValidationBeta1: [new gk.GatekeeperValidation()] });
  const stack = new cdk.Stack(app, 'FloorSmoke', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const vpce = vpc.addInterfaceEndpoint('ExecuteApi', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });

  const priv = new gk.PrivateApi(stack, 'Private', { vpcEndpoints: [vpce] });
  priv.root.addResource('items').addMethod('GET', mock(), OK);
  priv.accessPolicy.denyOn(gk.ApiScope.paths(['/admin']), gk.Source.anyone()); // a late rule counts

  const partners = new gk.CrossAccountApi(stack, 'Partners', { allow: [gk.Source.accounts(['111122223333'])] });
  partners.root.addResource('orders').addMethod('GET', mock(), OK);

  const tiered = new gk.TieredApi(stack, 'Tiered', {
    tiers: [{ name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1000, period: apigw.Period.DAY } }],
  });
  tiered.root.addResource('items').addMethod('GET', mock(), OK);
  tiered.addKey('alice', { tier: 'free', customerId: 'alice' });
  tiered.addTier({ name: 'paid', marketplaceProductCode: 'floorSmokeProductCode' });
  tiered.meter('Meter'); // UsageMeter: exporter, access-log fields, insight rules, Glue/Athena, dashboard

  const plain = new apigw.RestApi(stack, 'Plain', { deployOptions: { stageName: 'prod' } });
  plain.root.addResource('admin').addMethod('DELETE', mock(), OK);
  const policy = new gk.AccessPolicy({ allow: [gk.Source.ipRanges(['203.0.113.0/24'])] });
  policy.applyTo(plain);
  policy.denyOn(gk.ApiScope.methods(['DELETE']), gk.Source.anyone());
  new gk.UsageTiers(stack, 'PlainTiers', {
    stages: [plain.deploymentStage],
    tiers: [{ name: 'basic', throttle: { rateLimit: 10, burstLimit: 20 } }],
  });

  cdk.Aspects.of(app).add(new AwsSolutionsChecks());
  return { app, stack };
}

function main() {
  const outdir = path.join(process.cwd(), 'cdk.out');
  const { app, stack } = buildApp(outdir);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);

  // cdk-nag 2 reads our acknowledgements without crashing; nothing of ours is left unacknowledged.
  const messages = artifact.messages.filter((m) => m.level === 'error' && /AwsSolutions-/.test(String(m.entry.data)));
  assert.ok(messages.some((m) => /\/Plain\//.test(m.id)), 'cdk-nag 2 ran (the plain RestApi has findings)');
  const ours = messages.filter((m) => /\/(Private|Partners|Tiered)\//.test(m.id));
  assert.deepStrictEqual(ours.map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`), [], 'unacknowledged cdk-nag 2 findings');

  // What requests get, through the offline simulator on the synthesized template.
  const sim = gk.RequestSimulator.fromTemplate(artifact.template);
  const status = (r) => sim.invoke(r).statusCode;
  const privId = stack.getLogicalId(priv(stack).node.defaultChild);
  assert.strictEqual(status({ api: privId, method: 'GET', path: '/items', vpcEndpointId: 'vpce-0aaaaaaaaaaaaaaaa' }), 403);
  const plainId = stack.getLogicalId(stack.node.findChild('Plain').node.defaultChild);
  assert.strictEqual(status({ api: plainId, method: 'DELETE', path: '/admin', sourceIp: '203.0.113.9', }), 403);
  const types = Object.values(artifact.template.Resources).map((r) => r.Type);
  for (const t of ['AWS::CloudWatch::InsightRule', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup', 'Custom::AWS']) {
    assert.ok(types.includes(t), `the meter and the Marketplace tier synthesize ${t}`);
  }
  // The three APIs of this library share one AWS::ApiGateway::Account (the plain RestApi makes its own).
  const accounts = Object.keys(artifact.template.Resources).filter(
    (id) => artifact.template.Resources[id].Type === 'AWS::ApiGateway::Account' && !id.startsWith('Plain'),
  );
  assert.strictEqual(accounts.length, 1, `one CloudWatch account for the library's APIs, got ${accounts}`);
  console.log(`floor smoke ok: aws-cdk-lib ${require('aws-cdk-lib/package.json').version}, cdk-nag ${require('cdk-nag/package.json').version}, ${types.length} resources`);
}

function priv(stack) {
  return stack.node.findChild('Private');
}

main();
