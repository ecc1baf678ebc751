/**
 * The PrivateApi safety net: an independent check, with the simulator's policy evaluator, that the
 * synthesized resource policy refuses a request from a VPC endpoint and a VPC the user did not list, on
 * every method and every stage the API has (and on a stage of another name, when some stage's name is not
 * known at synthesis). It guards against the construct (or statements added with `addToResourcePolicy`)
 * ever producing an API that any VPC endpoint in the region could call. The question is "could it be
 * open?", so a statement the evaluator cannot decide is read in the admitting direction: an uncertain Deny
 * does not protect, an uncertain Allow admits.
 */
import { CfnParameter, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { apiStages } from '../private/api-stages';
import { propMessage } from '../private/errors';
import { Unresolved } from '../simulate/intrinsics';
import { evaluatePolicy, NormalizedPolicy, normalizePolicy, PolicyEnv, PolicyRequest } from '../simulate/policy-eval';

/** An endpoint and a VPC that no user lists (ids of the documented shape, all zeros). */
const PROBE_VPCE = 'vpce-00000000000000000';
const PROBE_VPC = 'vpc-00000000000000000';
const PROBE_ACCOUNT = '000000000000';
/** A stage name no user gives, standing for a stage whose name is not known at synthesis. */
const UNNAMED_STAGE = 'unnamed-stage-probe';

/** What intrinsics in the policy stand for during the probe. */
interface ProbeValues {
  readonly env: PolicyEnv;
  /** The API's own logical id: a Ref to it is the probe's API id. */
  readonly apiLogicalId: string;
  /** Logical ids of the stack's parameters: their values could be anything. */
  readonly parameters: Set<string>;
}

const PSEUDO: Record<string, (e: PolicyEnv) => string> = {
  'AWS::Partition': (e) => e.partition,
  'AWS::Region': (e) => e.region,
  'AWS::AccountId': (e) => e.account,
  'AWS::URLSuffix': () => 'amazonaws.com',
};

/**
 * Intrinsics made concrete where their value is known to differ from every probe value: pseudo parameters
 * take the probe's environment, the API's own Ref the probe's API id, a Ref or GetAtt of another resource
 * an id that no probe carries (AWS generates it), Fn::Join of those their text. Parameters, imports and
 * every other function stay Unresolved (the evaluator then reads the statement in the admitting direction).
 */
function concretize(v: unknown, pv: ProbeValues): unknown {
  if (Array.isArray(v)) return v.map((x) => concretize(x, pv));
  if (!v || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  const arg = (v as any)[keys[0]];
  if (keys.length === 1 && keys[0] === 'Ref' && typeof arg === 'string') {
    if (PSEUDO[arg]) return PSEUDO[arg](pv.env);
    if (arg === pv.apiLogicalId) return pv.env.apiId;
    return pv.parameters.has(arg) || arg.startsWith('AWS::') ? new Unresolved(`Ref ${arg}`) : `generated-id-of-${arg}`;
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt' && Array.isArray(arg)) return `generated-${arg.join('.')}`;
  if (keys.length === 1 && keys[0] === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
    const parts = arg[1].map((x: unknown) => concretize(x, pv));
    return parts.every((x: unknown) => typeof x === 'string') ? parts.join(String(arg[0])) : new Unresolved('Fn::Join');
  }
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    return new Unresolved(`${keys[0]} ${JSON.stringify(arg)}`);
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, concretize(x, pv)]));
}

/** The caller a probe request through an unlisted endpoint gets in as, if any. */
function probe(
  policy: NormalizedPolicy,
  env: PolicyEnv,
  stage: string,
  verb: string,
  path: string,
): string | undefined {
  const concrete = path.replace(/\{[^}]+\}/g, 'x');
  const resource = `arn:${env.partition}:execute-api:${env.region}:${env.account}:${env.apiId}/${stage}/${verb === 'ANY' ? 'GET' : verb}${concrete}`;
  const context = { 'aws:sourcevpce': [PROBE_VPCE], 'aws:sourcevpc': [PROBE_VPC], 'aws:vpcsourceip': ['10.0.0.1'] };
  const base = { action: 'execute-api:Invoke', resource, context };
  const sameAccount: PolicyRequest = {
    ...base,
    principal: { account: env.account, arn: `arn:${env.partition}:iam::${env.account}:role/probe` },
  };
  const worstCase = { uncertain: 'admit' as const };
  // Anonymous callers get in on an explicit Allow; same-account IAM callers unless explicitly denied.
  if (evaluatePolicy(policy, base, env, worstCase).verdict === 'allow') return 'anonymous';
  if (evaluatePolicy(policy, sameAccount, env, worstCase).verdict !== 'deny') return 'same-account IAM';
  return undefined;
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
  const env: PolicyEnv = {
    partition: Token.isUnresolved(stack.partition) ? 'aws' : stack.partition,
    region: Token.isUnresolved(stack.region) ? 'us-east-1' : stack.region,
    account: Token.isUnresolved(stack.account) ? PROBE_ACCOUNT : stack.account,
    apiId: 'a1b2c3d4e5',
  };
  const parameters = new Set(
    stack.node
      .findAll()
      .filter((c): c is CfnParameter => c instanceof CfnParameter)
      .map((c) => stack.resolve(c.logicalId)),
  );
  const policy = normalizePolicy(concretize(doc, { env, apiLogicalId: stack.resolve(cfn.logicalId), parameters }));
  const found = apiStages(api);
  const stages = [...found.names, ...(found.complete && found.names.length > 0 ? [] : [UNNAMED_STAGE])];
  const targets =
    api.methods.length > 0
      ? api.methods.map((m) => ({ verb: m.httpMethod, path: m.resource.path }))
      : [{ verb: 'GET', path: '/' }];
  const errors: string[] = [];
  for (const stage of stages) {
    for (const { verb, path } of targets) {
      const opening = probe(policy, env, stage, verb, path);
      if (opening) {
        errors.push(
          propMessage(api, {
            prop: 'policy',
            value: `${verb} ${path} on stage ${stage}`,
            problem: `admits a request through an unlisted VPC endpoint (${opening} caller)`,
            expected: 'a resource policy that denies every request not through the listed VPC endpoints or VPCs',
          }),
        );
      }
    }
  }
  return errors;
}
