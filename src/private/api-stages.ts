/**
 * The stages of a REST API, found in the whole app at synthesis: stages made by `new Stage`, by
 * `new Deployment({ stageName })`, by `CfnStage`, by `CfnDeployment.StageName`, in this stack or another.
 * A stage is attributed to the API by its `RestApiId` (the same token `api.restApiId` gives). Where a stage
 * of the API, or a stage whose API cannot be told, has no literal name, the set is not complete.
 */
import { Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';

/** The API's stage names; `complete` is false when some stage that may be the API's has no literal name. */
export interface ApiStages {
  readonly names: string[];
  readonly complete: boolean;
}

/** A `RestApiId` property value: the API's own token, another API's, or one that cannot be attributed. */
function owner(restApiId: unknown, apiId: string, knownIds: Set<string>): 'mine' | 'other' | 'unknown' {
  if (restApiId === apiId) return 'mine';
  if (typeof restApiId !== 'string') return restApiId === undefined ? 'other' : 'unknown';
  if (!Token.isUnresolved(restApiId)) return 'other'; // a literal id: an API created elsewhere
  return knownIds.has(restApiId) ? 'other' : 'unknown';
}

/** The stage name and `RestApiId` of a stage-making resource, or undefined for other constructs. */
function stageOf(c: IConstruct): { name: unknown; restApiId: unknown } | undefined {
  if (c instanceof apigw.CfnStage) return { name: c.stageName, restApiId: c.restApiId };
  if (c instanceof apigw.CfnDeployment && c.stageName !== undefined) {
    return { name: c.stageName, restApiId: c.restApiId };
  }
  return undefined;
}

/** Every stage of `api` in its app. */
export function apiStages(api: apigw.IRestApi): ApiStages {
  const all = api.node.root.node.findAll();
  const knownIds = new Set<string>();
  for (const c of all) if (c instanceof apigw.RestApiBase && c !== api) knownIds.add(c.restApiId);
  const names = new Set<string>();
  let complete = true;
  for (const c of all) {
    const s = stageOf(c);
    if (!s) continue;
    const who = owner(s.restApiId, api.restApiId, knownIds);
    if (who === 'other') continue;
    if (who === 'mine' && typeof s.name === 'string' && !Token.isUnresolved(s.name) && s.name !== '') names.add(s.name);
    else complete = false;
  }
  return { names: [...names].sort(), complete };
}
