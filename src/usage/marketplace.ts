/**
 * Selling a tier through AWS Marketplace (docs/SEMANTICS.md "Metering"): the usage plan's `productCode`
 * has no CloudFormation property, so a custom resource sets it with UpdateUsagePlan (patch
 * `/productCode`); API Gateway then meters the plan's requests to Marketplace itself, through the role
 * named `ApiGatewayMarketplaceMeteringRole` that API Gateway assumes (created here, once per account in the
 * app).
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { IConstruct } from 'constructs';
import { propError } from '../private/errors';
import { acknowledgeNagRule } from '../private/nag';

/** The role name AWS's guide prescribes for API Gateway's metering to Marketplace. */
export const MARKETPLACE_METERING_ROLE_NAME = 'ApiGatewayMarketplaceMeteringRole';

/** Checks `marketplaceProductCode` (a non-empty string without whitespace, or a token). */
export function checkProductCode(owner: IConstruct, prop: string, code: unknown): void {
  if (code === undefined) return;
  if (typeof code !== 'string' || (!Token.isUnresolved(code) && !/^\S{1,255}$/.test(code))) {
    throw propError(owner, {
      prop,
      value: code,
      problem: 'is not a product code',
      expected: 'the product code AWS Marketplace gave your SaaS product (a string without spaces), or leave it unset',
    });
  }
}

/**
 * Sets a usage plan's Marketplace product code on create and update, and clears it on delete, with an
 * `AwsCustomResource` allowed only `apigateway:PATCH` on that plan.
 */
export function applyMarketplaceProductCode(
  owner: IConstruct,
  plan: apigw.UsagePlan,
  prop: string,
  code?: string,
): void {
  checkProductCode(owner, prop, code);
  if (code === undefined) return;
  const stack = Stack.of(plan);
  const planArn = `arn:${stack.partition}:apigateway:${stack.region}::/usageplans/${plan.usagePlanId}`;
  const call = (value: string | undefined): cr.AwsSdkCall => ({
    service: 'APIGateway',
    action: 'updateUsagePlan',
    parameters: {
      usagePlanId: plan.usagePlanId,
      patchOperations: [
        value === undefined ? { op: 'remove', path: '/productCode' } : { op: 'replace', path: '/productCode', value },
      ],
    },
    physicalResourceId: cr.PhysicalResourceId.of(`${plan.usagePlanId}-productCode`),
  });
  const resource = new cr.AwsCustomResource(plan, 'MarketplaceProductCode', {
    onCreate: call(code),
    onUpdate: call(code),
    // Whether `remove` of /productCode is accepted is not documented: a failure must not block a delete.
    onDelete: { ...call(undefined), ignoreErrorCodesMatching: '.*' },
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({ actions: ['apigateway:PATCH'], resources: [planArn] }),
    ]),
    installLatestAwsSdk: false,
  });
  const role = meteringRole(plan);
  resource.node.addDependency(role);
  acknowledgeProvider(stack);
}

/** The app's metering role for this account (IAM names are account-wide), made by the first stack needing it. */
function meteringRole(scope: IConstruct): iam.Role {
  const stack = Stack.of(scope);
  const existing = scope.node.root.node
    .findAll()
    .find(
      (c): c is iam.Role =>
        c instanceof iam.Role && c.node.id === 'MarketplaceMeteringRole' && Stack.of(c).account === stack.account,
    );
  if (existing) return existing;
  return new iam.Role(stack, 'MarketplaceMeteringRole', {
    roleName: MARKETPLACE_METERING_ROLE_NAME,
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description: 'Lets API Gateway send usage plan requests to AWS Marketplace metering',
    inlinePolicies: {
      Metering: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['aws-marketplace:BatchMeterUsage', 'aws-marketplace:ResolveCustomer'],
            resources: ['*'],
          }),
        ],
      }),
    },
  });
}

/** cdk-nag: the shared AwsCustomResource provider and the metering role, where the reasons hold. */
function acknowledgeProvider(stack: Stack): void {
  const role = stack.node.tryFindChild('MarketplaceMeteringRole')?.node.defaultChild;
  if (role instanceof iam.CfnRole) {
    acknowledgeNagRule(
      role,
      'AwsSolutions-IAM5',
      'AWS Marketplace metering actions support no resource-level permissions; this is the policy AWS prescribes for the metering role.',
      'Resource::*',
    );
  }
  const provider = stack.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  const providerFn = provider?.node.tryFindChild('Resource');
  if (providerFn instanceof CfnResource) {
    acknowledgeNagRule(
      providerFn,
      'AwsSolutions-L1',
      "The AwsCustomResource provider's runtime is chosen by aws-cdk-lib, not by this library.",
    );
  }
  const providerRole = provider?.node.tryFindChild('ServiceRole')?.node.defaultChild;
  if (providerRole instanceof iam.CfnRole) {
    acknowledgeNagRule(
      providerRole,
      'AwsSolutions-IAM4',
      'The AwsCustomResource provider of aws-cdk-lib writes its logs with the AWS managed basic execution policy.',
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    );
  }
}
