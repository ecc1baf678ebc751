/**
 * The example app the README's demo synthesizes (`npm run demo` → cdk.out/).
 * It grows with the library: each construct adds a stack or an API here.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';

/** A plain public REST API with one mock method: the baseline the other stacks improve on. */
export class PlainApiStack extends Stack {
  public readonly api: apigw.RestApi;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.api = new apigw.RestApi(this, 'PlainApi', { deployOptions: { stageName: 'prod' } });
    const items = this.api.root.addResource('items');
    items.addMethod(
      'GET',
      new apigw.MockIntegration({
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"items": []}' } }],
      }),
      { methodResponses: [{ statusCode: '200' }] },
    );
  }
}

/** Builds the example app into `outdir`. */
export function buildExampleApp(outdir?: string): App {
  const app = new App({ outdir });
  new PlainApiStack(app, 'GatekeeperExamplePlain', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return app;
}
