/** The condition context of a request (docs/SEMANTICS.md "Condition keys" and "IP keys"). */
import type { PipelineCaller, PipelineRequest } from '../request';

/** The request facts the condition keys are made of. */
export interface ConditionInput {
  readonly request: PipelineRequest;
  /** through an interface VPC endpoint of a PRIVATE API */
  readonly viaVpce: boolean;
  /** `aws:SourceVpc` */
  readonly sourceVpc?: string;
  /** the SigV4 caller the policy sees, if any */
  readonly sigv4?: PipelineCaller;
  readonly partition: string;
  /** `execute-api:viaDomainArn`: only on a request through a private custom domain */
  readonly viaDomainArn?: string;
}

const SESSION = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/**
 * `aws:PrincipalArn` of a caller: a role session's is the role's ARN (`arn:…:iam::A:role/R`; a role path
 * is not in the session ARN, so none is assumed), a user's or role's is its own, none = the account root.
 */
export function principalArnOf(caller: PipelineCaller, partition: string): string {
  if (!caller.arn) return `arn:${partition}:iam::${caller.account}:root`;
  const s = SESSION.exec(caller.arn);
  return s ? `arn:${s[1]}:iam::${s[2]}:role/${s[3]}` : caller.arn;
}

/** `aws:PrincipalType` of a caller: AssumedRole, User, Account (or a role ARN given directly: AssumedRole). */
function principalTypeOf(caller: PipelineCaller): string {
  if (!caller.arn || /:root$/.test(caller.arn)) return 'Account';
  if (/:iam::\d{12}:user\//.test(caller.arn)) return 'User';
  return 'AssumedRole';
}

/** `aws:username`: the friendly name of an IAM user; roles and sessions have none. */
function userNameOf(caller: PipelineCaller): string | undefined {
  const m = caller.arn ? /:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(caller.arn) : null;
  return m ? m[1] : undefined;
}

export function conditionContext(c: ConditionInput): Record<string, string[]> {
  const req = c.request;
  const ctx: Record<string, string[]> = {
    'aws:CurrentTime': [new Date(req.at).toISOString().replace(/\.\d{3}Z$/, 'Z')],
    'aws:EpochTime': [String(Math.floor(req.at / 1000))],
    'aws:SecureTransport': ['true'],
  };
  if (c.viaVpce) {
    ctx['aws:SourceVpce'] = [req.vpcEndpointId!];
    if (c.sourceVpc) ctx['aws:SourceVpc'] = [c.sourceVpc];
    if (req.sourceIp) ctx['aws:VpcSourceIp'] = [req.sourceIp];
  } else if (req.sourceIp) {
    ctx['aws:SourceIp'] = [req.sourceIp];
  }
  if (req.userAgent) ctx['aws:UserAgent'] = [req.userAgent];
  if (req.referer) ctx['aws:Referer'] = [req.referer];
  if (c.sigv4) addPrincipalKeys(ctx, c.sigv4, c.partition);
  if (c.viaDomainArn) ctx['execute-api:viaDomainArn'] = [c.viaDomainArn];
  return ctx;
}

/** IAM-only keys. aws:userid (the unique id, e.g. `AROA…:session`) is unknown offline and left absent. */
function addPrincipalKeys(ctx: Record<string, string[]>, sigv4: PipelineCaller, partition: string): void {
  ctx['aws:PrincipalAccount'] = [sigv4.account];
  ctx['aws:PrincipalArn'] = [principalArnOf(sigv4, partition)];
  ctx['aws:PrincipalType'] = [principalTypeOf(sigv4)];
  const userName = userNameOf(sigv4);
  if (userName) ctx['aws:username'] = [userName];
  if (sigv4.orgId) ctx['aws:PrincipalOrgID'] = [sigv4.orgId];
  if (sigv4.orgPaths && sigv4.orgPaths.length > 0) ctx['aws:PrincipalOrgPaths'] = [...sigv4.orgPaths];
}
