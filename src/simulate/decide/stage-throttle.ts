/** Step 9: the stage's method throttle (MethodSettings: the method, then the resource's `*`, then `/*`). */
import { DecisionContext, StepResult, methodOf } from './context';
import { tooManyRequests } from './usage-plan-throttle';

export function stageThrottle(ctx: DecisionContext): StepResult {
  const st = ctx.stageModel;
  if (!st) return {};
  const method = methodOf(ctx);
  const setting =
    st.methodSettings.find((m) => m.path === method.path && m.httpMethod === method.httpMethod && m.throttle) ??
    st.methodSettings.find((m) => m.path === method.path && m.httpMethod === '*' && m.throttle) ??
    [...st.methodSettings].reverse().find((m) => m.path === '/*' && m.httpMethod === '*' && m.throttle);
  if (!setting?.throttle) return {};
  const t = setting.throttle;
  if (
    !ctx.state.take(`stage:${ctx.api.logicalId}:${ctx.stage}:${method.path}:${method.httpMethod}`, t, ctx.request.at)
  ) {
    return tooManyRequests(
      `stage ${ctx.stage} throttle for ${method.httpMethod} ${method.path} (rate ${t.rateLimit}/s, burst ${t.burstLimit}) is exhausted`,
      t.notes,
    );
  }
  return { reasons: t.notes };
}
