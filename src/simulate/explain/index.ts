/**
 * `explain`: who may call which methods, tiers and keys, authorizers, what is not simulated, and every
 * finding of the registry (src/simulate/findings). Plain functions over the model.
 */
import { explainDomains } from '../domain';
import { FindingContext, runFindings } from '../findings';
import { TemplateModel, domainsModelOf } from '../model';
import { PipelineOptions } from '../pipeline';
import { stageReports, undeployedApis } from './matrix';
import { ExplainReport } from './report';
import { authorizerReports, domainReports, notSimulatedLines, wafReports } from './template-extras';
import { tierReports } from './tiers';

export * from './report';
export { renderMarkdown } from './markdown';
export { renderJson } from './json';
export type { Finding } from '../findings';

function modelNotes(model: TemplateModel): string[] {
  return [
    ...model.notes,
    ...model.apis.flatMap((api) => api.notes.map((n) => `${api.logicalId}: ${n}`)),
    ...model.plans.flatMap((p) => p.notes.map((n) => `${p.logicalId}: ${n}`)),
  ];
}

/** Builds the `explain` report of a model. */
export function explainModel(model: TemplateModel, opts: PipelineOptions): ExplainReport {
  const ctx = new FindingContext(model, opts);
  const customDomains = domainReports(model);
  const privateDomains = explainDomains(domainsModelOf(model));
  const wafAssociations = wafReports(model);
  return {
    stages: stageReports(ctx),
    undeployed: undeployedApis(ctx),
    tiers: tierReports(model),
    authorizers: authorizerReports(model),
    customDomains,
    privateDomains,
    wafAssociations,
    findings: runFindings(ctx),
    notes: [
      ...modelNotes(model),
      ...notSimulatedLines(
        customDomains.filter((d) => !privateDomains.some((p) => p.domain === d.logicalId)),
        wafAssociations,
      ),
    ],
  };
}
