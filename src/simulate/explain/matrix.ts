/** The who-may-call matrix: every probe on every method of every stage, from the findings' shared outcomes. */
import { FindingContext } from '../findings';
import { ApiModel, MethodModel } from '../model';
import { MatrixRow, StageReport, UndeployedApiReport } from './report';

function methodRow(m: MethodModel): Omit<MatrixRow, 'cells'> {
  return {
    method: m.httpMethod,
    path: m.path,
    authorization: m.authorizationType + (m.authorizer ? ` (${m.authorizer})` : ''),
    authorizationType: m.authorizationType,
    ...(m.authorizer !== undefined ? { authorizer: m.authorizer } : {}),
    apiKeyRequired: m.apiKeyRequired,
  };
}

function stageReport(ctx: FindingContext, api: ApiModel, stage: string): StageReport {
  return {
    api: api.logicalId,
    stage,
    endpointType: api.endpointType,
    probes: ctx.probes(api).map((p) => p.label),
    rows: ctx.outcomes(api, stage).map((o) => ({ ...methodRow(o.method), cells: { ...o.cells } })),
  };
}

/** One report per stage of every API, in API then stage order. */
export function stageReports(ctx: FindingContext): StageReport[] {
  return ctx.model.apis.flatMap((api) => api.stages.map((s) => stageReport(ctx, api, s.name)));
}

/** The APIs with methods but no stage, with their methods. */
export function undeployedApis(ctx: FindingContext): UndeployedApiReport[] {
  return ctx.model.apis
    .filter((api) => api.stages.length === 0 && api.methods.length > 0)
    .map((api) => ({ api: api.logicalId, endpointType: api.endpointType, rows: api.methods.map(methodRow) }));
}
