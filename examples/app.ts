/**
 * The example app the README's demo synthesizes (`npm run demo` → cdk.out/): one stack per construct.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AccessPolicy, CrossAccountApi, PrivateApi, Source, TieredApi } from '../src';

const ENV = { account: '123456789012', region: 'us-east-1' };

function mock(body: string): apigw.MockIntegration {
  return new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': body } }],
  });
}
const OK = { methodResponses: [{ statusCode: '200' }] };

/** A plain public REST API with one mock method: the baseline the other stacks improve on. */
export class PlainApiStack extends Stack {
  public readonly api: apigw.RestApi;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.api = new apigw.RestApi(this, 'PlainApi', { deployOptions: { stageName: 'prod' } });
    this.api.root.addResource('items').addMethod('GET', mock('{"items": []}'), OK);
  }
}

/** An internal API reachable only through one VPC's interface endpoint, from inside the VPC's range. */
export class PrivateApiStack extends Stack {
  public readonly api: PrivateApi;
  public readonly endpoint: ec2.InterfaceVpcEndpoint;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0 });
    this.endpoint = vpc.addInterfaceEndpoint('ExecuteApi', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });
    this.api = new PrivateApi(this, 'InternalApi', {
      vpcEndpoints: [this.endpoint],
      accessPolicy: new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/16'])] }),
    });
    this.api.root.addResource('items').addMethod('GET', mock('{"items": []}'), OK);
  }
}

/** A partner API for two AWS accounts, SigV4 on every method. */
export class CrossAccountApiStack extends Stack {
  public readonly api: CrossAccountApi;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.api = new CrossAccountApi(this, 'PartnerApi', {
      allow: [Source.accounts(['111111111111', '222222222222'])],
    });
    this.api.root.addResource('orders').addMethod('GET', mock('{"orders": []}'), OK);
  }
}

/** A metered public API with Free / Premium tiers and one key in each. */
export class TieredApiStack extends Stack {
  public readonly api: TieredApi;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.api = new TieredApi(this, 'MeteredApi', {
      tiers: [
        { name: 'free', throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1000, period: apigw.Period.DAY } },
        {
          name: 'premium',
          throttle: { rateLimit: 500, burstLimit: 1000 },
          quota: { limit: 1_000_000, period: apigw.Period.MONTH },
        },
      ],
    });
    this.api.root.addResource('items').addMethod('GET', mock('{"items": []}'), OK);
    this.api.addKey('alice', { tier: 'free' });
    this.api.addKey('acme', { tier: 'premium', customerId: 'acme' });
    // What each customer used: a ledger per key and day, quota warnings, top keys (README "Metering and billing").
    this.api.meter('Meter');
  }
}

/** Builds the example app into `outdir`. */
export function buildExampleApp(outdir?: string): App {
  const app = new App({ outdir });
  new PlainApiStack(app, 'GatekeeperExamplePlain', { env: ENV });
  new PrivateApiStack(app, 'GatekeeperExamplePrivate', { env: ENV });
  new CrossAccountApiStack(app, 'GatekeeperExampleCrossAccount', { env: ENV });
  new TieredApiStack(app, 'GatekeeperExampleTiered', { env: ENV });
  return app;
}
