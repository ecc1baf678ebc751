/**
 * The PrivateApi safety net: an independent check, with the simulator's policy evaluator, that the
 * synthesized resource policy refuses a request from a VPC endpoint and a VPC the user did not list. It
 * guards against the construct (or statements added later with `addToResourcePolicy`) ever producing an
 * API that any VPC endpoint in the region could call.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { propMessage } from '../private/errors';
import { Unresolved } from '../simulate/intrinsics';
import { evaluatePolicy, normalizePolicy, PolicyRequest } from '../simulate/policy-eval';

/** An endpoint and a VPC that no user lists (ids of the documented shape, all zeros). */
const PROBE_VPCE = 'vpce-00000000000000000';
const PROBE_VPC = 'vpc-00000000000000000';
const PROBE_ACCOUNT = '000000000000';

/** Intrinsics ({Ref}, {Fn::…}) become Unresolved markers, which the evaluator treats conservatively. */
function markIntrinsics(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(markIntrinsics);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return new Unresolved(`${keys[0]} ${JSON.stringify((v as any)[keys[0]])}`);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markIntrinsics(x)]));
  }
  return v;
}

/** Errors (one per opening found) when an unlisted VPC endpoint could invoke some method of the API. */
export function privateApiOpenings(api: apigw.RestApi): string[] {
  const stack = Stack.of(api);
  const cfn = api.node.defaultChild as apigw.CfnRestApi;
  const doc = stack.resolve(cfn.policy);
  if (!doc) {
    return [
      propMessage(api, {
        prop: 'policy',
        value: undefined,
        problem: 'is missing, so the API cannot be deployed (PRIVATE APIs need a resource policy)',
        expected: 'the resource policy PrivateApi compiles (do not remove it)',
      }),
    ];
  }
  const policy = normalizePolicy(markIntrinsics(doc));
  const env = { partition: 'aws', region: 'us-east-1', account: PROBE_ACCOUNT, apiId: 'a1b2c3d4e5' };
  const stage = api.deploymentStage?.stageName ?? 'prod';
  const targets =
    api.methods.length > 0
      ? api.methods.map((m) => ({ verb: m.httpMethod, path: m.resource.path }))
      : [{ verb: 'GET', path: '/' }];
  const errors: string[] = [];
  for (const { verb, path } of targets) {
    const concrete = path.replace(/\{[^}]+\}/g, 'x');
    const resource = `arn:aws:execute-api:us-east-1:${PROBE_ACCOUNT}:a1b2c3d4e5/${stage}/${verb === 'ANY' ? 'GET' : verb}${concrete}`;
    const context = { 'aws:sourcevpce': [PROBE_VPCE], 'aws:sourcevpc': [PROBE_VPC], 'aws:vpcsourceip': ['10.0.0.1'] };
    const base = { action: 'execute-api:Invoke', resource, context };
    const anonymous: PolicyRequest = base;
    const sameAccount: PolicyRequest = {
      ...base,
      principal: { account: PROBE_ACCOUNT, arn: `arn:aws:iam::${PROBE_ACCOUNT}:role/probe` },
    };
    const anon = evaluatePolicy(policy, anonymous, env).verdict;
    const iam = evaluatePolicy(policy, sameAccount, env).verdict;
    // Anonymous callers get in on an explicit Allow; same-account IAM callers unless explicitly denied.
    if (anon === 'allow' || iam !== 'deny') {
      errors.push(
        propMessage(api, {
          prop: 'policy',
          value: `${verb} ${path}`,
          problem: `admits a request through an unlisted VPC endpoint (${anon === 'allow' ? 'anonymous' : 'same-account IAM'} caller)`,
          expected: 'a resource policy that denies every request not through the listed VPC endpoints or VPCs',
        }),
      );
    }
  }
  return errors;
}
