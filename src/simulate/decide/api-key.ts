/**
 * Step 6: the API key, on methods that require one: present, known, enabled and in a usage plan bound to
 * this stage, or 403 Forbidden. With key source AUTHORIZER the key is the Lambda authorizer's
 * `usageIdentifierKey` (docs/SEMANTICS.md "API key source").
 */
import type { KeyModel } from '../model';
import { DecidedBy, SimulationInputError } from '../request';
import { DecisionContext, StepResult, methodOf, refuse } from './context';

function forbidden(...why: string[]): StepResult {
  return refuse(403, DecidedBy.API_KEY, 'Forbidden', ...why);
}

export function apiKey(ctx: DecisionContext): StepResult {
  const method = methodOf(ctx);
  const req = ctx.request;
  if (!method.apiKeyRequired) {
    if (req.apiKey === undefined && req.apiKeyRef === undefined) return {};
    return {
      reasons: [
        'the method does not require an API key: usage-plan throttle and quota are bypassed even though a key was sent',
      ],
    };
  }
  const source = keySourceNote(ctx);
  if (source.noKey) return forbidden(source.note);
  const found = keyOf(ctx);
  if (typeof found === 'string') return forbidden(...source.reasons, found);
  if (!found.enabled) return forbidden(...source.reasons, `API key ${found.logicalId} is disabled`);
  const plans = ctx.model.plans.filter(
    (p) =>
      found.planIds.includes(p.logicalId) &&
      p.apiStages.some((s) => s.apiLogicalId === ctx.api.logicalId && s.stage === ctx.stage),
  );
  if (plans.length === 0) {
    return forbidden(
      ...source.reasons,
      `API key ${found.logicalId} is in no usage plan bound to ${ctx.api.logicalId} stage ${ctx.stage}`,
    );
  }
  const plan = plans[0];
  const reasons = [...source.reasons];
  if (plans.length > 1) {
    reasons.push(
      `API key ${found.logicalId} is in several plans for this stage (AWS forbids it); ${plan.logicalId} is used`,
    );
  }
  reasons.push(`API key ${found.logicalId} accepted in usage plan ${plan.logicalId}`);
  return { reasons, facts: { key: found, plan } };
}

/**
 * Key source AUTHORIZER on a method without a Lambda authorizer: no authorizer returns a key. What API
 * Gateway does then is unverified [U]; the closed reading is that no key arrives (403).
 */
function keySourceNote(ctx: DecisionContext): { reasons: string[]; noKey?: boolean; note: string } {
  if (ctx.api.apiKeySource !== 'AUTHORIZER') return { reasons: [], note: '' };
  if (methodOf(ctx).authorizationType !== 'CUSTOM') {
    const note = `API key source AUTHORIZER, but method ${methodOf(ctx).httpMethod} ${methodOf(ctx).path} has no Lambda authorizer to return a usageIdentifierKey, so no key arrives (any x-api-key header is not read); what API Gateway does then is unverified [U]: the closed reading, 403 Forbidden, is used`;
    return { reasons: [], noKey: true, note };
  }
  const note =
    'API key source AUTHORIZER: the key is the usageIdentifierKey the Lambda authorizer returns (taken from apiKey / apiKeyRef)';
  return { reasons: [note], note };
}

/** The key the request names, or why there is none. */
function keyOf(ctx: DecisionContext): KeyModel | string {
  const req = ctx.request;
  const method = methodOf(ctx);
  if (req.apiKeyRef !== undefined) {
    const key = ctx.model.keys.find((k) => k.logicalId === req.apiKeyRef);
    if (!key) {
      throw new SimulationInputError(
        `unknown apiKeyRef '${req.apiKeyRef}'; the template's API keys: ${ctx.model.keys.map((k) => k.logicalId).join(', ') || 'none'}`,
      );
    }
    return key;
  }
  if (req.apiKey !== undefined && req.apiKey !== '') {
    const key = ctx.model.keys.find((k) => k.value === req.apiKey);
    return key ?? 'no API key in the template has this value (keys with generated values are named by apiKeyRef)';
  }
  return `method ${method.httpMethod} ${method.path} requires an API key and none was sent`;
}
