/**
 * The findings over the shared corpus of real third-party templates (/work/shared/corpus, never copied
 * into the repo): the new rules report what the templates' authors got wrong (MANIFEST.md), and nothing
 * on the templates where nothing is wrong. In CI a missing corpus fails here instead of skipping.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RequestSimulator } from '../../../src/simulate';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const present = fs.existsSync(path.join(CORPUS, 'MANIFEST.md'));
const d = present || process.env.CI ? describe : describe.skip;

function primaryTemplates(): string[] {
  const out: string[] = [];
  for (const sub of ['sam', 'aws-cdk', 'serverless-patterns', 'localstack']) {
    for (const f of fs.readdirSync(path.join(CORPUS, sub))) {
      if (fs.statSync(path.join(CORPUS, sub, f)).isDirectory()) continue;
      if (sub === 'sam' && f.endsWith('.yaml')) continue; // the translated .json beside it is the template
      out.push(`${sub}/${f}`);
    }
  }
  return out.sort();
}

d('findings over the corpus', () => {
  const findings = new Map<string, { id: string; api?: string; message: string }[]>();
  beforeAll(() => {
    for (const rel of primaryTemplates()) {
      findings.set(
        rel,
        RequestSimulator.fromFile(path.join(CORPUS, rel), { startTime: Date.UTC(2026, 0, 5) }).findings(),
      );
    }
  });
  const where = (id: string) => [...findings].filter(([, fs_]) => fs_.some((f) => f.id === id)).map(([rel]) => rel);

  test('the corpus has its 41 templates', () => {
    expect(findings.size).toBe(41);
  });

  test('unreachable-api: the two public APIs behind a VPC-only policy (MANIFEST: every request denied)', () => {
    expect(where('unreachable-api')).toEqual([
      'sam/api_with_custom_domains_private.json',
      'sam/api_with_source_vpc_whitelist.json',
    ]);
  });

  test('plan-never-applies: only the localstack plan whose GET needs no key', () => {
    expect(where('plan-never-applies')).toEqual(['localstack/apigateway_usage_plan.yml']);
  });

  test('policy-too-large: none (every corpus policy is small)', () => {
    expect(where('policy-too-large')).toEqual([]);
  });

  test('invalid-policy: the bare six-digit account id of the SAM swagger sample', () => {
    const f = findings
      .get('sam/api_swagger_integration_with_ref_intrinsic_api_id.json')!
      .find((x) => x.id === 'invalid-policy');
    expect(f?.message).toMatch(/malformed Principal AWS "123456"/);
  });

  test('unauthenticated-method: the open aws-cdk sample, never a private API or a keyed one', () => {
    const open = where('unauthenticated-method');
    expect(open).toContain('aws-cdk/integ.restapi.js.snapshot__test-apigateway-restapi.template.json');
    for (const rel of [
      'aws-cdk/integ.restapi.vpc-endpoint.js.snapshot__ApiGatewayVpcEndpointTestStack.template.json',
      'serverless-patterns/public-nlb-or-alb-private-api-cfn__template.yaml',
      'serverless-patterns/apigw-api-key__template.yaml',
      'sam/api_with_ip_range_whitelist.json',
      'sam/api_with_auth_all_maximum.json',
      'sam/api_with_ip_range_blacklist.json', // its policy is invalid-policy (account id 12345): nobody is admitted
    ]) {
      expect(open).not.toContain(rel);
    }
  });
});
