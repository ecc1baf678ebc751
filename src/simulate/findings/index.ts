/**
 * The registry of finding rules, read by `explain` and by `GatekeeperValidation`. Adding a rule: one file
 * beside this one (id, severity, description, check, examples) and one line in FINDING_RULES; the test
 * suite then runs its examples (docs/ARCHITECTURE.md "Findings").
 */
import { ModelOptions, TemplateModel, buildModel } from '../model';
import { PipelineOptions } from '../pipeline';
import { FindingContext } from './context';
import { Finding, FindingRule } from './finding';
import { invalidPolicy } from './invalid-policy';
import { keyDisabled } from './key-disabled';
import { keyRequiredWithoutPlan } from './key-required-without-plan';
import { keyWithoutPlan } from './key-without-plan';
import { noAllowPolicy } from './no-allow-policy';
import { noMethods } from './no-methods';
import { noStage } from './no-stage';
import { openPrivateApi } from './open-private-api';
import { planNeverApplies } from './plan-never-applies';
import { planWithoutLimits } from './plan-without-limits';
import { planWithoutStages } from './plan-without-stages';
import { policyTooLarge } from './policy-too-large';
import { privateApiWithoutPolicy } from './private-api-without-policy';
import { unauthenticatedMethod } from './unauthenticated-method';
import { uncertainStatement } from './uncertain-statement';
import { unreachableApi } from './unreachable-api';
import { unreadableTemplate, unreadableTemplateFinding } from './unreadable-template';

export type { Finding, FindingRule, FindingExamples } from './finding';
export { FindingContext } from './context';
export type { MethodOutcomes } from './context';
export { FindingSeverity, severityRank } from './severity';
export { unreadableTemplateFinding } from './unreadable-template';

/** Every rule, in the order its findings are reported: about the API and its policy, its stages, then plans and keys. */
export const FINDING_RULES: readonly FindingRule[] = [
  privateApiWithoutPolicy,
  invalidPolicy,
  policyTooLarge,
  uncertainStatement,
  noAllowPolicy,
  unreachableApi,
  noMethods,
  noStage,
  openPrivateApi,
  unauthenticatedMethod,
  keyRequiredWithoutPlan,
  planWithoutLimits,
  planWithoutStages,
  planNeverApplies,
  keyWithoutPlan,
  keyDisabled,
  unreadableTemplate,
];

/** The ids of every rule (what the plugin declares as its rule ids). */
export function findingIds(): string[] {
  return FINDING_RULES.map((r) => r.id);
}

/** Runs every rule over a context. */
export function runFindings(ctx: FindingContext): Finding[] {
  return FINDING_RULES.flatMap((rule) => rule.check(ctx));
}

/** The findings of a parsed template: those of its model, or `unreadable-template` when it cannot be read. */
export function findingsOfTemplate(
  template: { [key: string]: any },
  options: PipelineOptions,
  modelOptions: ModelOptions = {},
): Finding[] {
  let model: TemplateModel;
  try {
    model = buildModel(template, modelOptions);
  } catch (e) {
    return [unreadableTemplateFinding(e)];
  }
  return runFindings(new FindingContext(model, options));
}
