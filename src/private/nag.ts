import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Construct metadata key that aws-cdk-lib's `Validations.acknowledge()` writes and cdk-nag 3 reads. */
const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';

/**
 * Acknowledges a cdk-nag rule on a construct, with its reason, for both cdk-nag 3 (the
 * `aws:cdk:acknowledged-rules` construct metadata that `Validations.of(x).acknowledge()` writes; written
 * directly because `Validations` is newer than this library's aws-cdk-lib floor) and cdk-nag 2 (the
 * `cdk_nag.rules_to_suppress` CloudFormation metadata on the L1 resource).
 */
export function acknowledgeNagRule(construct: IConstruct, id: string, reason: string): void {
  const previous = construct.node.metadata.filter((m) => m.type === ACKNOWLEDGED_RULES).pop()?.data ?? {};
  construct.node.addMetadata(ACKNOWLEDGED_RULES, { ...previous, [`annotation::${id}`]: reason });

  const cfn = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (cfn && CfnResource.isCfnResource(cfn)) {
    const existing =
      (cfn.getMetadata('cdk_nag') as { rules_to_suppress?: Array<{ id: string; reason: string }> }) ?? {};
    const rules = (existing.rules_to_suppress ?? []).filter((r) => r.id !== id);
    cfn.addMetadata('cdk_nag', { ...existing, rules_to_suppress: [...rules, { id, reason }] });
  }
}
