/**
 * Authorization AWS_IAM: SigV4 first, then the caller's identity policy and the resource policy by
 * outcome table A (same account) or B (cross account).
 */
import type { PipelineCaller } from '../../request';
import { DecidedBy } from '../../request';
import { DecisionContext, StepResult, deniedMessage, policyLines, refuse } from '../context';

type Verdict = 'allow' | 'deny' | 'neither';

function identityVerdict(sigv4: PipelineCaller): Verdict {
  const idp = (sigv4.identityPolicy ?? 'allow').toLowerCase();
  if (idp === 'deny') return 'deny';
  return idp === 'none' || idp === 'neither' ? 'neither' : 'allow';
}

export function iamAuthorization(ctx: DecisionContext): StepResult {
  const sigv4 = ctx.sigv4;
  if (!sigv4) {
    return refuse(
      403,
      DecidedBy.AUTHORIZATION,
      'Missing Authentication Token',
      'AWS_IAM method called without a SigV4 signature (no caller)',
    );
  }
  const identity = identityVerdict(sigv4);
  const reasons: string[] = [];
  if (sigv4.identityPolicy === undefined) {
    reasons.push(
      "the caller's own IAM policies are not in the template: assumed to allow execute-api:Invoke (set caller.identityPolicy)",
    );
  }
  reasons.push(...(ctx.evaluation ? policyLines(ctx.evaluation) : ['no resource policy']));
  const pv: Verdict = ctx.evaluation?.verdict ?? 'neither';
  if (identity === 'deny') {
    return refuse(
      403,
      DecidedBy.AUTHORIZATION,
      deniedMessage(ctx.user, ctx.arn, true),
      ...reasons,
      "explicit Deny in the caller's IAM policy",
    );
  }
  if (pv === 'deny') return refuse(403, DecidedBy.RESOURCE_POLICY, deniedMessage(ctx.user, ctx.arn, true), ...reasons);
  const outcome = sigv4.account === ctx.model.account ? tableA(ctx, identity, pv) : tableB(ctx, identity, pv);
  return { ...outcome, reasons: [...reasons, ...(outcome.reasons ?? [])] };
}

/** Same-account caller: either side's Allow suffices. */
function tableA(ctx: DecisionContext, identity: Verdict, pv: Verdict): StepResult {
  if (identity !== 'allow' && pv !== 'allow') {
    return refuse(
      403,
      DecidedBy.AUTHORIZATION,
      deniedMessage(ctx.user, ctx.arn, false),
      'same-account caller: neither IAM nor the resource policy allows (table A)',
    );
  }
  const reasons = [
    `same-account caller: ${identity === 'allow' ? 'IAM allows' : 'the resource policy allows'} (outcome table A)`,
  ];
  const ev = ctx.evaluation;
  const rootOnly =
    ev &&
    ctx.api
      .policy!.statements.filter((st) => ev.allows.includes(st.label))
      .every((st) => JSON.stringify(st.principal ?? '').match(/:root"|"\d{12}"/));
  if (identity === 'neither' && ev && ev.allows.length > 0 && rootOnly) {
    reasons.push(
      'a policy Allow naming only the account root may still need an identity Allow under generic IAM rules [I]',
    );
  }
  return { reasons };
}

/** Cross-account caller: both sides must allow. */
function tableB(ctx: DecisionContext, identity: Verdict, pv: Verdict): StepResult {
  if (identity === 'allow' && pv === 'allow') {
    return { reasons: ['cross-account caller: both IAM and the resource policy allow (outcome table B)'] };
  }
  return refuse(
    403,
    pv === 'allow' ? DecidedBy.AUTHORIZATION : DecidedBy.RESOURCE_POLICY,
    deniedMessage(ctx.user, ctx.arn, false),
    `cross-account caller from ${ctx.sigv4!.account}: both the caller's IAM policy and the resource policy must allow (outcome table B)`,
  );
}
