/**
 * The security invariant over random *programs*, not only random policies: a program builds a real app in a
 * random order — rules added before and after `applyTo`, the second stage made by any of the ways an app
 * can make one (a `Stage`, a `Deployment` with `stageName`, a `CfnStage`, a `CfnDeployment` with
 * `StageName`, a `Stage` in another stack), before or after the policy is applied — then synthesizes it.
 * The resource policy in the template, judged by @cloud-copilot/iam-simulate, must admit exactly what the
 * program's rules intend, on every stage, for anonymous, same-account, cross-account and service callers.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as fc from 'fast-check';
import { normalise, policyArb, reqArb, scopeOf, toSource } from './generators';
import { API_ACCOUNT, intended, oracleAllows, PolicySpec, REGION } from './oracle';
import { AccessPolicy } from '../../src';
import { propertyRuns } from '../support/budget';

const ENV = { account: API_ACCOUNT, region: REGION };
const STAGE_MAKERS = ['Stage', 'DeploymentStageName', 'CfnStage', 'CfnDeployment', 'StageInOtherStack'] as const;
type StageMaker = (typeof STAGE_MAKERS)[number];

type Op = { kind: 'rule'; index: number } | { kind: 'applyTo' } | { kind: 'stage' };

interface Program {
  readonly spec: PolicySpec;
  readonly privateEndpoint: boolean;
  readonly maker: StageMaker;
  readonly ops: Op[];
}

/** Adds the second stage, `prod`, to `api` the way `maker` says. */
function makeStage(app: App, stack: Stack, api: apigw.RestApi, maker: StageMaker): void {
  switch (maker) {
    case 'Stage':
      new apigw.Stage(stack, 'Prod', {
        deployment: new apigw.Deployment(stack, 'ProdDeployment', { api }),
        stageName: 'prod',
      });
      return;
    case 'DeploymentStageName':
      new apigw.Deployment(stack, 'ProdDeployment', { api, stageName: 'prod' } as apigw.DeploymentProps);
      return;
    case 'CfnStage': {
      const d = new apigw.CfnDeployment(stack, 'ProdDeployment', { restApiId: api.restApiId });
      new apigw.CfnStage(stack, 'Prod', { restApiId: api.restApiId, deploymentId: d.ref, stageName: 'prod' });
      return;
    }
    case 'CfnDeployment':
      new apigw.CfnDeployment(stack, 'ProdDeployment', { restApiId: api.restApiId, stageName: 'prod' });
      return;
    case 'StageInOtherStack': {
      const other = new Stack(app, 'Other', { env: ENV });
      new apigw.Stage(other, 'Prod', {
        deployment: new apigw.Deployment(other, 'ProdDeployment', { api }),
        stageName: 'prod',
      });
      return;
    }
  }
}

/**
 * Runs a program and returns the resource policy of the synthesized template, ARNs made literal; undefined
 * when synthesis refuses a policy over the 8,192-character quota (refusing to synthesize admits nothing).
 */
function runProgram(p: Program): any {
  const app = new App();
  const stack = new Stack(app, 'Program', { env: ENV });
  const api = new apigw.RestApi(stack, 'Api', {
    deployOptions: { stageName: 'dev' },
    endpointTypes: p.privateEndpoint ? [apigw.EndpointType.PRIVATE] : [apigw.EndpointType.REGIONAL],
  });
  api.root.addResource('items').addMethod('GET');
  const policy = new AccessPolicy();
  const rules = ruleAdders(p.spec);
  for (const op of p.ops) {
    if (op.kind === 'rule') rules[op.index](policy);
    else if (op.kind === 'applyTo') policy.applyTo(api);
    else makeStage(app, stack, api, p.maker);
  }
  let template: any;
  try {
    template = app.synth().getStackByName(stack.stackName).template;
  } catch (e) {
    if (/over the 8192-character quota/.test(String(e))) return undefined;
    throw e;
  }
  const restApi = Object.values(template.Resources as Record<string, any>).find(
    (r) => r.Type === 'AWS::ApiGateway::RestApi',
  );
  return literalArns(restApi.Properties.Policy);
}

function ruleAdders(spec: PolicySpec): Array<(p: AccessPolicy) => void> {
  return [
    ...spec.allow.map((r) => (p: AccessPolicy) => void p.allowOn(scopeOf(r.scope), ...r.sources.map(toSource))),
    ...spec.deny.map((d) => (p: AccessPolicy) => void p.denyOn(scopeOf(d.scope), toSource(d.source))),
  ];
}

function literalArns(policy: any): any {
  return JSON.parse(
    JSON.stringify(policy).replace(
      /\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":execute-api:us-east-1:123456789012:\?\?\?\?\?\?\?\?\?\?\/(.*?)"\]\]\}/g,
      '"arn:aws:execute-api:us-east-1:123456789012:??????????/$1"',
    ),
  );
}

/** A random program: the rules, applyTo and the stage creation in a random order. */
const programArb: fc.Arbitrary<Program> = fc
  .record({ spec: policyArb.map(normalise), privateEndpoint: fc.boolean(), maker: fc.constantFrom(...STAGE_MAKERS) })
  .chain(({ spec, privateEndpoint, maker }) => {
    const ops: Op[] = [
      ...Array.from({ length: spec.allow.length + spec.deny.length }, (_, index) => ({ kind: 'rule' as const, index })),
      { kind: 'applyTo' },
      { kind: 'stage' },
    ];
    return fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length }).map((order) => ({
      spec,
      privateEndpoint,
      maker,
      ops: order,
    }));
  });

const RUNS = propertyRuns(120, 10);
const REQUESTS_PER_PROGRAM = 20;

describe('random programs (rule order, applyTo, stages made every way) vs the intended decision', () => {
  test('the synthesized policy never admits what the rules refuse, nor refuses what they admit', async () => {
    let cases = 0;
    let tooLarge = 0;
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        programArb.chain((p) =>
          fc
            .array(reqArb(p.privateEndpoint), { minLength: REQUESTS_PER_PROGRAM, maxLength: REQUESTS_PER_PROGRAM })
            .map((requests) => [p, requests] as const),
        ),
        async ([program, requests]) => {
          const doc = runProgram(program);
          if (doc === undefined) {
            tooLarge++;
            return;
          }
          for (const req of requests) {
            const want = intended(program.spec, req, program.privateEndpoint);
            const got = await oracleAllows(doc, req, program.privateEndpoint);
            cases++;
            const key = `${program.maker} ${req.stage} ${want ? 'admitted' : 'refused'}`;
            seen[key] = (seen[key] ?? 0) + 1;
            if (want !== got) {
              throw new Error(
                `${got ? 'OVER-PERMISSIVE' : 'over-restrictive'}: want ${want}, got ${got}\nprogram ${JSON.stringify(program)}\nrequest ${JSON.stringify(req)}\npolicy ${JSON.stringify(doc)}`,
              );
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    // eslint-disable-next-line no-console
    console.log(
      `programs: ${RUNS} (${tooLarge} refused at synth as over the size quota), ${cases} requests, 0 disagreements`,
    );
    expect(cases).toBe((RUNS - tooLarge) * REQUESTS_PER_PROGRAM);
    expect(tooLarge).toBeLessThan(RUNS / 4);
    // Not vacuous: requests to the late stage `prod` are both admitted and refused.
    const prod = (d: string) =>
      Object.entries(seen)
        .filter(([k]) => k.includes(` prod ${d}`))
        .reduce((n, [, v]) => n + v, 0);
    expect(prod('admitted')).toBeGreaterThan(0);
    expect(prod('refused')).toBeGreaterThan(0);
  });
});
