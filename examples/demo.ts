/**
 * `npm run demo`: synthesizes the example app to cdk.out/, prints what it built and, for each API, what a
 * few requests get according to the offline simulator.
 */
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { CfnApiKey } from 'aws-cdk-lib/aws-apigateway';
import { buildExampleApp, CrossAccountApiStack, PrivateApiStack, TieredApiStack } from './app';
import { RequestSimulator, SimulatedRequest } from '../src';

const outdir = path.join(__dirname, '..', 'cdk.out');
const app = buildExampleApp(outdir);
const assembly = app.synth();

console.log(`Synthesized ${assembly.stacks.length} stacks to ${path.relative(process.cwd(), outdir) || '.'}/`);
for (const stack of assembly.stacks) {
  const resources: Record<string, any> = stack.template.Resources ?? {};
  const counts = new Map<string, number>();
  for (const r of Object.values(resources)) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  const apigw = [...counts].filter(([t]) => t.startsWith('AWS::ApiGateway::')).sort();
  console.log(
    `\n${stack.stackName}: ${apigw.map(([t, n]) => `${n} ${t.replace('AWS::ApiGateway::', '')}`).join(', ')}`,
  );
}

function show(title: string, stack: Stack, requests: Array<[string, SimulatedRequest]>) {
  const sim = RequestSimulator.fromStack(stack);
  console.log(`\n${title}`);
  for (const [label, request] of requests) {
    const r = sim.invoke(request);
    console.log(
      `  ${request.method} ${request.path} ${label.padEnd(40)} → ${r.statusCode} ${r.decidedBy} (${r.message})`,
    );
  }
}

const find = <T>(type: new (...a: any[]) => T) => app.node.children.find((c) => c instanceof type) as unknown as T;

const priv = find(PrivateApiStack);
show('PrivateApi (only through its VPC endpoint, from 10.0.0.0/16)', priv, [
  [
    'through the endpoint, from 10.0.1.5',
    { method: 'GET', path: '/items', vpcEndpointId: priv.endpoint.vpcEndpointId, sourceIp: '10.0.1.5' },
  ],
  [
    'through another endpoint',
    { method: 'GET', path: '/items', vpcEndpointId: 'vpce-0b0b0b0b0b0b0b0b0', sourceIp: '10.0.1.5' },
  ],
  ['from the internet', { method: 'GET', path: '/items', sourceIp: '203.0.113.9' }],
]);

const cross = find(CrossAccountApiStack);
show('CrossAccountApi (accounts 111111111111 and 222222222222, SigV4)', cross, [
  ['signed by account 111111111111', { method: 'GET', path: '/orders', caller: { account: '111111111111' } }],
  ['signed by account 999999999999', { method: 'GET', path: '/orders', caller: { account: '999999999999' } }],
  ['anonymous', { method: 'GET', path: '/orders' }],
]);

const tiered = find(TieredApiStack);
const keyRef = (id: string) =>
  tiered.getLogicalId(tiered.api.tiers.node.findChild(`Key:${id}`).node.defaultChild as CfnApiKey);
const sim = RequestSimulator.fromStack(tiered);
console.log('\nTieredApi (free: 5 rps, burst 10, 1000/day; premium: 500 rps, burst 1000)');
for (const [label, request] of [
  ['without a key', { method: 'GET', path: '/items' }],
  ["with alice's free key", { method: 'GET', path: '/items', apiKeyRef: keyRef('alice'), at: 0 }],
] as Array<[string, SimulatedRequest]>) {
  const r = sim.invoke(request);
  console.log(
    `  ${request.method} ${request.path} ${label.padEnd(40)} → ${r.statusCode} ${r.decidedBy} (${r.message})`,
  );
}
for (const [label, key] of [
  ["×20 at once, alice's free key", 'alice'],
  ["×20 at once, acme's premium key", 'acme'],
]) {
  const summary = sim.invokeRepeatedly({ method: 'GET', path: '/items', apiKeyRef: keyRef(key), at: 0 }, 20, 0);
  console.log(`  GET /items ${label.padEnd(40)} → ${JSON.stringify(summary.counts)}`);
}
