/**
 * Identity sources of Lambda and Cognito authorizers (docs/SEMANTICS.md "Authorizers"): every source must
 * be present and non-empty, or API Gateway answers 401 without calling the authorizer. A
 * `stageVariables.X` source is present exactly when the stage defines X; the request's `authorizer` field
 * stands for every header, query, path and context source. A REQUEST authorizer with caching off (TTL 0)
 * and no identity source is always called.
 */
import type { AuthorizerModel } from '../../model';
import { AuthorizerDecision, SimulationInputError } from '../../request';
import { DecisionContext, methodOf } from '../context';

const STAGE_VARIABLE = /^stageVariables\.(.+)$/;

/** The template's authorizer of the method, when the template defines it. */
export function authorizerOf(ctx: DecisionContext): AuthorizerModel | undefined {
  const name = methodOf(ctx).authorizer;
  if (name === undefined) return undefined;
  return ctx.api.authorizers.find((a) => a.logicalId === name || a.name === name);
}

/** The request's `authorizer` field, checked. */
export function decisionOf(ctx: DecisionContext): AuthorizerDecision | undefined {
  const a = ctx.request.authorizer?.toLowerCase();
  if (a === undefined || a === '') return undefined;
  if (a !== AuthorizerDecision.ALLOW && a !== AuthorizerDecision.DENY) {
    throw new SimulationInputError(`'authorizer' must be 'allow' or 'deny', got '${ctx.request.authorizer}'`);
  }
  return a as AuthorizerDecision;
}

export interface SourceCheck {
  /** why API Gateway answers 401 without calling the authorizer, if it does */
  readonly missing?: string;
  /** the authorizer is called even though the request names no identity source */
  readonly calledWithoutRequestSources: boolean;
  readonly notes: string[];
}

export function checkIdentitySources(ctx: DecisionContext, authz: AuthorizerModel | undefined): SourceCheck {
  const given = decisionOf(ctx) !== undefined;
  const name = authz?.logicalId ?? methodOf(ctx).authorizer ?? '';
  if (!authz) {
    return { missing: given ? undefined : noRequestSource(name), calledWithoutRequestSources: false, notes: [] };
  }
  const notes: string[] = [...authz.notes];
  const variables = ctx.stageModel?.variables ?? {};
  const fromStage = authz.identitySources.filter((s) => STAGE_VARIABLE.test(s));
  for (const s of fromStage) {
    const v = STAGE_VARIABLE.exec(s)![1];
    if (!variables[v]) {
      return {
        missing: `identity source ${s} of authorizer ${name}: stage ${ctx.stage} does not define ${v}, so it is always missing: 401 and the authorizer is not invoked`,
        calledWithoutRequestSources: false,
        notes,
      };
    }
    notes.push(`identity source ${s} is set by stage ${ctx.stage}`);
  }
  const fromRequest = authz.identitySources.filter((s) => !STAGE_VARIABLE.test(s));
  const needsNone = authz.type === 'REQUEST' && authz.identitySources.length === 0 && authz.ttlSeconds === 0;
  if (authz.type === 'REQUEST' && authz.identitySources.length === 0 && authz.ttlSeconds > 0) {
    notes.push(
      `REQUEST authorizer ${name} caches results (TTL ${authz.ttlSeconds} s) but has no identity source, which API Gateway requires then; read as needing one (closed reading)`,
    );
  }
  if (needsNone || (fromRequest.length === 0 && fromStage.length > 0)) {
    return { calledWithoutRequestSources: true, notes };
  }
  return { missing: given ? undefined : noRequestSource(name), calledWithoutRequestSources: false, notes };
}

function noRequestSource(name: string): string {
  return `no identity source for Lambda authorizer ${name}: 401 and the authorizer is not invoked`.replace('  ', ' ');
}
