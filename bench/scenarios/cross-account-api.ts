/**
 * CrossAccountApi open to 20 accounts, vs the same resources written by hand with aws-cdk-lib: a RestApi
 * whose methods are all AWS_IAM, the secure defaults (bench/hand-written.ts) and the resource policy
 * CrossAccountApi compiles (deny unless `aws:PrincipalAccount` is one of them; allow).
 */
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Source } from '../../src/access';
import { CrossAccountApi } from '../../src/apis';
import { secureRestApi } from '../hand-written';
import { againstHandWritten, Scenario } from '../harness';

/** 20 distinct 12-digit account ids, ascending (the compiled policy lists them sorted). */
export const ACCOUNTS = Array.from({ length: 20 }, (_, i) => String(210987654321 + i * 7919));

export function ours(stack: Stack): void {
  // Without cdk-nag acknowledgements (metadata only), so that both sides have the same template content.
  const api = new CrossAccountApi(stack, 'Api', { allow: [Source.accounts(ACCOUNTS)], acknowledgeNagFindings: false });
  api.root.addMethod('GET', new apigw.MockIntegration());
}

export function baseline(stack: Stack): void {
  const invoke = {
    principals: [new iam.StarPrincipal()],
    actions: ['execute-api:Invoke'],
    resources: ['execute-api:/*'],
  };
  secureRestApi(stack, {
    securityPolicy: 'SecurityPolicy_TLS12_PFS_2025_EDGE',
    props: {
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            ...invoke,
            effect: iam.Effect.DENY,
            conditions: { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNTS } },
          }),
          new iam.PolicyStatement(invoke),
        ],
      }),
    },
  });
}

const name = 'cross-account-api: CrossAccountApi open to 20 accounts';

export const scenarios: Scenario[] = againstHandWritten(name, ours, baseline);
