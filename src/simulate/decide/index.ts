/**
 * A request's path through API Gateway, one step per file in the order API Gateway runs them
 * (docs/SEMANTICS.md "Request pipeline"). `decide` is the loop: each step adds reasons and facts, and
 * the first refusal ends the request. To add a step, write `(ctx) => StepResult` in its own file and
 * put it at its place in STEPS (docs/ARCHITECTURE.md "Where to add things").
 */
import type { TemplateModel } from '../model';
import { Decision, DecidedBy, PipelineOptions, PipelineRequest } from '../request';
import { accountThrottle } from './account-throttle';
import { apiKey } from './api-key';
import { authorization } from './authorization';
import type { DecisionContext, Step } from './context';
import { privateDomain } from './private-domain';
import { privateEndpoint } from './private-endpoint';
import { resourcePolicy } from './resource-policy';
import { route } from './route';
import { initialContext } from './setup';
import { stageThrottle } from './stage-throttle';
import type { PipelineState } from './state';
import { usagePlanQuota } from './usage-plan-quota';
import { usagePlanThrottle } from './usage-plan-throttle';
import { vpcEndpointPolicy } from './vpc-endpoint-policy';

/**
 * The steps in API Gateway's order. A request through a private custom domain meets the domain (its
 * access associations, its own policy, its base path mapping) between the endpoint and the VPC endpoint
 * policy; the steps after it see `execute-api:viaDomainArn`.
 */
export const STEPS: readonly Step[] = [
  { name: 'private-endpoint', phase: 'authorization', run: privateEndpoint },
  { name: 'private-domain', phase: 'authorization', run: privateDomain },
  { name: 'vpc-endpoint-policy', phase: 'authorization', run: vpcEndpointPolicy },
  { name: 'route', phase: 'authorization', run: route },
  { name: 'resource-policy', phase: 'authorization', run: resourcePolicy },
  { name: 'authorization', phase: 'authorization', run: authorization },
  { name: 'api-key', phase: 'usage', run: apiKey },
  { name: 'usage-plan-throttle', phase: 'usage', run: usagePlanThrottle },
  { name: 'usage-plan-quota', phase: 'usage', run: usagePlanQuota },
  { name: 'stage-throttle', phase: 'usage', run: stageThrottle },
  { name: 'account-throttle', phase: 'usage', run: accountThrottle },
];

/** Runs one request through the steps. Mutates `state` (token buckets, quota counters). */
export function decide(
  model: TemplateModel,
  state: PipelineState,
  request: PipelineRequest,
  options: PipelineOptions,
): Decision {
  let ctx: DecisionContext = initialContext(model, state, request, options);
  const reasons: string[] = [];
  for (const step of STEPS) {
    if (options.authorizationOnly && step.phase === 'usage') break;
    const result = step.run(ctx);
    if (result.reasons) reasons.push(...result.reasons);
    if (result.refusal) return { ...result.refusal, reasons };
    if (result.facts) ctx = { ...ctx, ...result.facts };
  }
  return { statusCode: 200, decidedBy: DecidedBy.OK, message: 'OK', reasons };
}

export { PipelineState, quotaWindow, accountThrottle as accountThrottleOf } from './state';
export { findMethod } from './route';
export { selectApi, selectStage, executeApiArn } from './setup';
export { conditionContext, principalArnOf } from './condition-keys';
export type { DecisionContext, Step, StepResult } from './context';
