/**
 * `npm run demo`: synthesizes the example app to cdk.out/ and prints what it built.
 */
import * as path from 'path';
import { buildExampleApp } from './app';

const outdir = path.join(__dirname, '..', 'cdk.out');
const assembly = buildExampleApp(outdir).synth();

console.log(`Synthesized ${assembly.stacks.length} stack(s) to ${path.relative(process.cwd(), outdir) || '.'}/`);
for (const stack of assembly.stacks) {
  const resources: Record<string, any> = stack.template.Resources ?? {};
  const counts = new Map<string, number>();
  for (const r of Object.values(resources)) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  console.log(`\n${stack.stackName} (${stack.templateFile})`);
  for (const [type, n] of [...counts].sort()) {
    if (type.startsWith('AWS::ApiGateway::')) console.log(`  ${String(n).padStart(3)} × ${type}`);
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ApiGateway::RestApi') continue;
    const endpoint = r.Properties?.EndpointConfiguration?.Types?.join(',') ?? 'EDGE';
    const policy = r.Properties?.Policy ? `${r.Properties.Policy.Statement?.length ?? 0} statement(s)` : 'none';
    console.log(`  RestApi ${id}: endpoint ${endpoint}, resource policy ${policy}`);
  }
}
