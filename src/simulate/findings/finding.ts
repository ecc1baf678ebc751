/**
 * The shape of a finding and of a finding rule (cdk-nag's pattern: one small rule per file, a registry in
 * index.ts). Plain data and functions over the simulator's model; see docs/ARCHITECTURE.md "Findings".
 */
import type { FindingContext } from './context';
import { FindingSeverity } from './severity';

/** One finding about a template. */
export interface Finding {
  /** stable id (contract: users and the plugin refer to it) */
  readonly id: string;
  readonly severity: FindingSeverity;
  /** logical id of the API concerned */
  readonly api?: string;
  /** stage concerned */
  readonly stage?: string;
  readonly message: string;
}

/** A template the rule's tests run it on. */
export type ExampleTemplate = { [key: string]: any };

/** A compliant and a non-compliant template per rule: the test suite is generated from them. */
export interface FindingExamples {
  /** a template on which the rule reports nothing */
  readonly compliant: ExampleTemplate;
  /** a template on which the rule reports at least one finding */
  readonly nonCompliant: ExampleTemplate;
}

/** One finding rule. */
export interface FindingRule {
  readonly id: string;
  readonly severity: FindingSeverity;
  /** what the rule reports and why it matters (one sentence) */
  readonly description: string;
  /** a compliant and a non-compliant template (the test suite runs both) */
  readonly examples: FindingExamples;
  /** the findings of this rule on one model */
  check(ctx: FindingContext): Finding[];
}

/** A finding of `rule` with its id and severity filled in. */
export function finding(
  rule: Pick<FindingRule, 'id' | 'severity'>,
  message: string,
  where: { api?: string; stage?: string } = {},
): Finding {
  return {
    id: rule.id,
    severity: rule.severity,
    ...(where.api !== undefined ? { api: where.api } : {}),
    ...(where.stage !== undefined ? { stage: where.stage } : {}),
    message,
  };
}
