/** cdk-nag acknowledgements on the meter's own resources, each where its reason holds. */
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acknowledgeNagRule } from '../../private/nag';

function child(scope: IConstruct, ...ids: string[]): CfnResource | undefined {
  let c: IConstruct | undefined = scope;
  for (const id of ids) c = c?.node.tryFindChild(id);
  return c && CfnResource.isCfnResource(c) ? c : undefined;
}

/**
 * A resolved policy resource as cdk-nag names it in a finding: references become `<LogicalId>` and
 * `<LogicalId.Attribute>`, pseudo parameters `<AWS::Partition>`.
 */
export function nagResourceName(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, unknown>;
  if (r && typeof r === 'object') {
    if (typeof r.Ref === 'string') return `<${r.Ref}>`;
    const att = r['Fn::GetAtt'];
    if (Array.isArray(att)) return `<${att.join('.')}>`;
    const join = r['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(nagResourceName).join(String(join[0]));
  }
  return JSON.stringify(resource);
}

const WILDCARD_REASON =
  "Each wildcard is bounded: object keys under the ledger's usage/ and the markers' quota-warnings/ prefixes, or API keys (/apikeys/*: GetApiKey has no narrower resource, and keys are also created at run time).";

/** Acknowledges the findings whose reasons hold for the meter's resources (called once, at synthesis). */
export function acknowledgeMeterNagRules(meter: IConstruct): void {
  const bucket = child(meter, 'Ledger', 'Resource');
  if (bucket) {
    acknowledgeNagRule(
      bucket,
      'AwsSolutions-S1',
      'Only the exporter writes the ledger (least-privilege role); server access logs would need another bucket. Enable CloudTrail S3 data events to audit reads.',
    );
  }
  const fn = child(meter, 'Exporter', 'Resource');
  if (fn) {
    acknowledgeNagRule(
      fn,
      'AwsSolutions-L1',
      'The library pins the Node.js runtime its handler and the runtime-provided AWS SDK v3 are tested with; it moves with library releases.',
    );
  }
  const policy = child(meter, 'ExporterRole', 'DefaultPolicy', 'Resource');
  if (policy instanceof iam.CfnPolicy) {
    const doc = Stack.of(policy).resolve(policy.policyDocument) as { Statement?: Array<{ Resource?: unknown }> };
    for (const s of doc.Statement ?? []) {
      for (const r of [s.Resource ?? []].flat()) {
        const name = nagResourceName(r);
        if (name.includes('*')) acknowledgeNagRule(policy, 'AwsSolutions-IAM5', WILDCARD_REASON, `Resource::${name}`);
      }
    }
  }
}
