/**
 * A usage plan's stages as the API names them, and which of them the plan has an effect on (those with at
 * least one key-required method).
 */
import { PlanModel, PlanStageModel, TemplateModel } from '../model';

/**
 * The name of a plan's stage as its API's stage list has it, so that one stage has one name in every
 * section: a plan naming a stage by `Ref` to a Stage without a resolvable StageName gets the name the
 * API gives that stage.
 */
export function planStageName(model: TemplateModel, s: PlanStageModel): string {
  const api = model.apis.find((a) => a.logicalId === s.apiLogicalId);
  if (!api || api.stages.some((st) => st.name === s.stage)) return s.stage;
  const logical = model.resolver.idToLogical.get(s.stage) ?? s.stage;
  return api.stages.find((st) => st.logicalId === logical)?.name ?? s.stage;
}

/** Is the plan bound to this stage of this API? */
export function planCovers(model: TemplateModel, plan: PlanModel, api: string, stage: string): boolean {
  return plan.apiStages.some((s) => s.apiLogicalId === api && planStageName(model, s) === stage);
}

/**
 * The plan's stages where it never applies: the API is in the template, its methods are readable, and none
 * requires an API key (so no request is ever counted against the plan: docs/SEMANTICS.md "Usage plans").
 */
export function stagesWherePlanNeverApplies(model: TemplateModel, plan: PlanModel): PlanStageModel[] {
  return plan.apiStages.filter((s) => {
    const api = model.apis.find((a) => a.logicalId === s.apiLogicalId);
    return !!api && api.methods.length > 0 && !api.methods.some((m) => m.apiKeyRequired);
  });
}

/** Does the plan apply nowhere (bound to stages, none with a key-required method)? */
export function planNeverApplies(model: TemplateModel, plan: PlanModel): boolean {
  return plan.apiStages.length > 0 && stagesWherePlanNeverApplies(model, plan).length === plan.apiStages.length;
}
