/**
 * Reads stages: `AWS::ApiGateway::Stage`, and the stage a `AWS::ApiGateway::Deployment` with `StageName`
 * creates (its `StageDescription`). Method settings carry the stage and method throttles.
 */
import { TemplateReader, normPath, throttleOf } from './reader';
import type { MethodSettingModel, TemplateModel, ThrottleModel } from './types';

interface StageInput {
  readonly apiLogical?: string;
  readonly name: any;
  readonly settings: any;
  readonly variables: any;
  readonly stageLogical: string;
  readonly stageThrottle?: ThrottleModel;
}

export function readStages(reader: TemplateReader, model: TemplateModel): void {
  for (const [id, res] of reader.byType('AWS::ApiGateway::Stage')) {
    const props = reader.resolver.resolve(res.Properties ?? {});
    addStage(reader, model, {
      apiLogical: reader.logicalOf(res.Properties?.RestApiId),
      name: props.StageName,
      settings: props.MethodSettings,
      variables: props.Variables,
      stageLogical: id,
    });
  }
  for (const [id, res] of reader.byType('AWS::ApiGateway::Deployment')) {
    const props = reader.resolver.resolve(res.Properties ?? {});
    if (props.StageName === undefined) continue;
    const sd = props.StageDescription ?? {};
    addStage(reader, model, {
      apiLogical: reader.logicalOf(res.Properties?.RestApiId),
      name: props.StageName,
      settings: sd.MethodSettings,
      variables: sd.Variables,
      stageLogical: id,
      stageThrottle: throttleOf(
        { RateLimit: sd.ThrottlingRateLimit, BurstLimit: sd.ThrottlingBurstLimit },
        `deployment ${id} stage throttle`,
      ),
    });
  }
  for (const api of model.apis) api.stages.sort((a, b) => a.name.localeCompare(b.name));
}

function addStage(reader: TemplateReader, model: TemplateModel, s: StageInput): void {
  const api = model.apis.find((a) => a.logicalId === s.apiLogical);
  if (!api) {
    reader.notes.push(`stage ${s.stageLogical}: its RestApiId does not name a RestApi in this template; skipped`);
    return;
  }
  let stageName: string;
  if (typeof s.name === 'string' && s.name !== '') {
    stageName = s.name;
  } else {
    stageName = s.stageLogical;
    api.notes.push(`stage ${s.stageLogical} has no resolvable StageName; called '${s.stageLogical}' here`);
  }
  const methodSettings: MethodSettingModel[] = [];
  if (s.stageThrottle) methodSettings.push({ path: '/*', httpMethod: '*', throttle: s.stageThrottle });
  methodSettings.push(...methodSettingsOf(s.settings, stageName));
  const variables = variablesOf(s.variables);
  const existing = api.stages.find((x) => x.name === stageName);
  if (existing) {
    existing.methodSettings.push(...methodSettings);
    Object.assign(existing.variables, variables);
    return;
  }
  api.stages.push({ name: stageName, logicalId: s.stageLogical, methodSettings, variables });
}

function methodSettingsOf(settings: any, stageName: string): MethodSettingModel[] {
  const out: MethodSettingModel[] = [];
  for (const ms of Array.isArray(settings) ? settings : []) {
    if (!ms || typeof ms !== 'object') continue;
    const t = throttleOf(
      { RateLimit: ms.ThrottlingRateLimit, BurstLimit: ms.ThrottlingBurstLimit },
      `stage ${stageName} method setting`,
    );
    let p = typeof ms.ResourcePath === 'string' ? ms.ResourcePath : '/*';
    p = p.replace(/~1/g, '/').replace(/~0/g, '~');
    if (p !== '/*') p = normPath(p);
    out.push({
      path: p,
      httpMethod: typeof ms.HttpMethod === 'string' ? ms.HttpMethod.toUpperCase() : '*',
      throttle: t,
    });
  }
  return out;
}

function variablesOf(raw: any): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}
