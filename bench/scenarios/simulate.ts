/**
 * Simulator scenarios: decision throughput against @cloud-copilot/iam-simulate (AGPL, bench-only) on the
 * same policy and request mix, and the load time of the largest corpus template.
 */
import * as fs from 'fs';
import * as path from 'path';
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import { RequestSimulator } from '../../src/simulate';
import { placeholderId } from '../../src/simulate/intrinsics';
import { Scenario } from '../harness';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const API_ID = placeholderId('Api', 'AWS::ApiGateway::RestApi');
const N = 2000;

const policy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyOutsideVpces',
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-0a', 'vpce-0b'] } },
    },
    {
      Sid: 'DenyBadRange',
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*/POST/*',
      Condition: { IpAddress: { 'aws:VpcSourceIp': ['10.9.0.0/16', '2001:db8:9::/48'] } },
    },
    {
      Sid: 'AllowReads',
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: ['execute-api:/prod/GET/*', 'execute-api:/prod/HEAD/*'],
    },
    {
      Sid: 'AllowWritesFromApps',
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/prod/POST/orders/*',
      Condition: { IpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' } },
    },
  ],
};

function template() {
  const r: Record<string, any> = {
    Api: {
      Type: 'AWS::ApiGateway::RestApi',
      Properties: { Name: 'bench', EndpointConfiguration: { Types: ['PRIVATE'] }, Policy: policy },
    },
    Orders: {
      Type: 'AWS::ApiGateway::Resource',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
        PathPart: 'orders',
      },
    },
    Order: {
      Type: 'AWS::ApiGateway::Resource',
      Properties: { RestApiId: { Ref: 'Api' }, ParentId: { Ref: 'Orders' }, PathPart: '{id}' },
    },
    Get: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResourceId: { Ref: 'Order' },
        HttpMethod: 'GET',
        AuthorizationType: 'NONE',
      },
    },
    Post: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResourceId: { Ref: 'Order' },
        HttpMethod: 'POST',
        AuthorizationType: 'NONE',
      },
    },
    Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } },
  };
  return { Resources: r };
}

interface Req {
  readonly method: string;
  readonly id: string;
  readonly vpce: string;
  readonly ip: string;
}

const requests: Req[] = Array.from({ length: N }, (_, i) => ({
  method: i % 3 === 0 ? 'POST' : 'GET',
  id: String(i % 97),
  vpce: ['vpce-0a', 'vpce-0b', 'vpce-0c'][i % 3 === 1 ? 2 : i % 2],
  ip: ['10.1.2.3', '10.9.1.1', '192.168.1.1', '2001:db8:9::1'][i % 4],
}));

async function ours(): Promise<number> {
  const sim = RequestSimulator.fromTemplate(template(), { account: ACCOUNT, region: REGION, startTime: 0 });
  const t0 = process.hrtime.bigint();
  let admitted = 0;
  requests.forEach((r, i) => {
    const d = sim.invoke({ method: r.method, path: `/orders/${r.id}`, vpcEndpointId: r.vpce, sourceIp: r.ip, at: i });
    if (d.statusCode === 200) admitted++;
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (admitted === 0) throw new Error('bench: nothing admitted');
  return N / s;
}

const expanded = JSON.parse(
  JSON.stringify(policy).replace(/"execute-api:\//g, `"arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/`),
);

async function baseline(): Promise<number> {
  const t0 = process.hrtime.bigint();
  let admitted = 0;
  for (const r of requests) {
    const res: any = await runSimulation(
      {
        request: {
          principal: anonymousPrincipal,
          action: 'execute-api:Invoke',
          resource: {
            resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/prod/${r.method}/orders/${r.id}`,
            accountId: ACCOUNT,
          },
          contextVariables: {
            'aws:SourceVpce': r.vpce,
            'aws:VpcSourceIp': r.ip,
            'aws:CurrentTime': '2026-01-01T00:00:00Z',
          },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: expanded,
      } as any,
      {},
    );
    if (res.resultType === 'single' && res.result.analysis?.resourceAnalysis?.result === 'Allowed') admitted++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (admitted === 0) throw new Error('bench: nothing admitted by iam-simulate');
  return N / s;
}

const CORPUS = path.join(__dirname, '..', '..', '..', 'shared', 'corpus');

function largestCorpusTemplate(): string | undefined {
  if (!fs.existsSync(CORPUS)) return undefined;
  const files: string[] = [];
  for (const sub of fs.readdirSync(CORPUS)) {
    const d = path.join(CORPUS, sub);
    if (!fs.statSync(d).isDirectory()) continue;
    for (const f of fs.readdirSync(d)) if (/\.(json|ya?ml)$/.test(f)) files.push(path.join(d, f));
  }
  return files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}

const largest = largestCorpusTemplate();

function ms(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export const scenarios: Scenario[] = [
  {
    name: `simulate: ${N} decisions (private API, 4-statement policy) vs iam-simulate`,
    metric: 'decisions per second',
    goal: '>= 40',
    ours,
    baseline,
    rounds: 5,
  },
  ...(largest
    ? [
        {
          name: `simulate: load + findings, largest corpus template (${fs.statSync(largest).size} bytes) vs Template.fromJSON`,
          metric: 'wall time (ms)',
          goal: '<= 20',
          ours: () => ms(() => RequestSimulator.fromFile(largest).findings()),
          baseline: () => ms(() => Template.fromJSON(JSON.parse(fs.readFileSync(largest, 'utf-8')))),
          rounds: 7,
        } as Scenario,
      ]
    : []),
];
