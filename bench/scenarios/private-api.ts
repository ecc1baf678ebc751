/**
 * PrivateApi reachable through 2 interface VPC endpoints, vs the same resources written by hand with
 * aws-cdk-lib: a PRIVATE RestApi associated with both endpoints, the secure defaults (bench/hand-written.ts)
 * and the resource policy PrivateApi compiles (deny unless `aws:SourceVpce` is one of them; allow).
 *
 * The endpoints are imported (`fromInterfaceVpcEndpointAttributes`) on both sides so that the numbers are
 * about the API, not about synthesizing a VPC.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PrivateApi } from '../../src/apis';
import { secureRestApi } from '../hand-written';
import { againstHandWritten, Scenario } from '../harness';

const ENDPOINT_IDS = ['vpce-0123456789abcdef0', 'vpce-0fedcba9876543210'];

function endpoints(stack: Stack): ec2.IInterfaceVpcEndpoint[] {
  return ENDPOINT_IDS.map((id, i) =>
    ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, `Endpoint${i}`, {
      vpcEndpointId: id,
      port: 443,
    }),
  );
}

export function ours(stack: Stack): void {
  // Without cdk-nag acknowledgements (metadata only), so that both sides have the same template content.
  const api = new PrivateApi(stack, 'Api', { vpcEndpoints: endpoints(stack), acknowledgeNagFindings: false });
  api.root.addMethod('GET', new apigw.MockIntegration());
}

export function baseline(stack: Stack): void {
  const vpce = endpoints(stack);
  const invoke = {
    principals: [new iam.StarPrincipal()],
    actions: ['execute-api:Invoke'],
    resources: ['execute-api:/*'],
  };
  secureRestApi(stack, {
    securityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09',
    props: {
      endpointConfiguration: { types: [apigw.EndpointType.PRIVATE], vpcEndpoints: vpce },
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            ...invoke,
            effect: iam.Effect.DENY,
            conditions: { StringNotEquals: { 'aws:SourceVpce': vpce.map((e) => e.vpcEndpointId) } },
          }),
          new iam.PolicyStatement(invoke),
        ],
      }),
    },
  });
}

const name = 'private-api: PrivateApi through 2 VPC endpoints (imported)';

export const scenarios: Scenario[] = againstHandWritten(name, ours, baseline);
