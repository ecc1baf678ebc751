/**
 * cdk-nag acknowledgements written in the format each major version reads, on the one resource where the
 * stated reason holds:
 * - cdk-nag 3 reads the `aws:cdk:acknowledged-rules` construct metadata that aws-cdk-lib's
 *   `Validations.of(x).acknowledge()` writes (on the resource or an ancestor); written directly because
 *   `Validations` is newer than this library's aws-cdk-lib floor. A finding-specific id is `Rule[finding]`.
 * - cdk-nag 2 reads the `cdk_nag.rules_to_suppress` CloudFormation metadata of the resource itself, where a
 *   finding-specific acknowledgement is `{ id: 'Rule', reason, applies_to: ['finding'] }` (it rejects an id
 *   that carries the finding).
 */
import { CfnResource } from 'aws-cdk-lib';

/** Construct metadata key that `Validations.acknowledge()` writes and cdk-nag 3 reads. */
const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';

interface Nag2Rule {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: string[];
}

/**
 * Acknowledges a cdk-nag rule (optionally one finding of it, e.g. a managed policy) on one resource.
 * @param rule e.g. `AwsSolutions-APIG4`
 * @param finding e.g. `Policy::arn:<AWS::Partition>:iam::aws:policy/...` for rules that report findings
 */
export function acknowledgeNagRule(resource: CfnResource, rule: string, reason: string, finding?: string): void {
  const id = finding === undefined ? rule : `${rule}[${finding}]`;
  const previous = resource.node.metadata.filter((m) => m.type === ACKNOWLEDGED_RULES).pop()?.data ?? {};
  resource.node.addMetadata(ACKNOWLEDGED_RULES, { ...previous, [`annotation::${id}`]: reason });

  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: Nag2Rule[] } | undefined) ?? {};
  const rules = [...(existing.rules_to_suppress ?? [])];
  const at = rules.findIndex((r) => r.id === rule);
  if (at < 0) {
    rules.push(finding === undefined ? { id: rule, reason } : { id: rule, reason, applies_to: [finding] });
  } else if (finding !== undefined && rules[at].applies_to) {
    const appliesTo = [...new Set([...(rules[at].applies_to ?? []), finding])];
    rules[at] = { ...rules[at], applies_to: appliesTo };
  } else {
    rules[at] = finding === undefined ? { id: rule, reason } : rules[at];
  }
  resource.addMetadata('cdk_nag', { ...existing, rules_to_suppress: rules });
}
