/** The `explain` report rendered as Markdown for a reviewer. */
import {
  AuthorizerReport,
  ExplainReport,
  MatrixRow,
  PrivateDomainReport,
  StageReport,
  UndeployedApiReport,
} from './report';
import { NOT_APPLICABLE, UNDECIDED } from '../findings/probes';

const LEGEND =
  'Who may call what: ✅ admitted by the resource policy and authorization (before API keys and throttles; Lambda and Cognito callers hold a valid token), ❌ refused with that status, · not applicable (an IAM caller on a non-IAM method).';

function cell(code: number): string {
  if (code === 200) return '✅';
  if (code === UNDECIDED) return '?';
  if (code === NOT_APPLICABLE) return '·';
  return `❌ ${code}`;
}

function esc(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function methodCells(r: Omit<MatrixRow, 'cells'>): string {
  return `| ${r.method} | ${esc(r.path)} | ${esc(r.authorization)} | ${r.apiKeyRequired ? 'required' : '-'} |`;
}

function stageSection(s: StageReport): string[] {
  const out = [`## API ${s.api} — stage ${s.stage} (${s.endpointType})`, '', LEGEND, ''];
  if (s.rows.length === 0) return [...out, '_No methods._', ''];
  out.push(`| method | path | auth | key | ${s.probes.map(esc).join(' | ')} |`);
  out.push(`|---|---|---|---|${s.probes.map(() => '---').join('|')}|`);
  for (const r of s.rows) out.push(`${methodCells(r)} ${s.probes.map((p) => cell(r.cells[p])).join(' | ')} |`);
  return [...out, ''];
}

function undeployedSection(u: UndeployedApiReport): string[] {
  return [
    `## API ${u.api} — no stage (${u.endpointType})`,
    '',
    'The template deploys no stage of this API, so no request reaches these methods until one is created.',
    '',
    '| method | path | auth | key |',
    '|---|---|---|---|',
    ...u.rows.map(methodCells),
    '',
  ];
}

function tiersSection(report: ExplainReport): string[] {
  const out = ['## Usage plans', ''];
  if (report.tiers.length === 0) return [...out, '_None._', ''];
  out.push('| plan | stages | throttle | quota | keys |', '|---|---|---|---|---|');
  for (const t of report.tiers) {
    out.push(
      `| ${esc(t.name)} | ${esc(t.stages.join(', ') || '-')} | ${t.throttle ?? '-'} | ${t.quota ?? '-'} | ${esc(t.keys.join(', ') || '-')} |`,
    );
  }
  return [...out, ''];
}

function caching(a: AuthorizerReport): string {
  if (a.ttlSeconds === 0) return 'off';
  return `${a.ttlSeconds} s${a.ttlDefaulted ? ' (default)' : ''}`;
}

function authorizersSection(report: ExplainReport): string[] {
  if (report.authorizers.length === 0) return [];
  const out = [
    '## Authorizers',
    '',
    '| authorizer | API | type | identity sources | caching | scopes |',
    '|---|---|---|---|---|---|',
  ];
  for (const a of report.authorizers) {
    out.push(
      `| ${esc(a.name)} | ${a.api} | ${a.type} | ${esc(a.identitySources.join(', ') || '-')} | ${caching(a)} | ${esc(a.scopes.join(', ') || '-')} |`,
    );
  }
  return [...out, ''];
}

function mappingText(m: PrivateDomainReport['mappings'][number]): string {
  return `/${m.basePath} → ${m.api ?? '?'}${m.stage ? `/${m.stage}` : ' (stage: the next path segment)'}`;
}

function privateDomainsSection(report: ExplainReport): string[] {
  if (report.privateDomains.length === 0) return [];
  const out = [
    '## Private custom domains',
    '',
    "Requests through a domain (`simulate --domain`) need the domain's policy, an access association of their endpoint, the VPC endpoint policy and the API's policy (with `execute-api:viaDomainArn`).",
    '',
  ];
  for (const d of report.privateDomains) {
    out.push(`### ${d.domainName} (${d.domain})`, '', `- viaDomainArn: \`${d.viaDomainArn}\``);
    out.push(`- base paths: ${esc(d.mappings.map(mappingText).join(', ') || 'none (every request gets 403)')}`);
    const eps = d.endpoints.map((e) => `${e.vpcEndpointId} ${e.admitted ? '✅' : '❌'}`);
    out.push(`- endpoints (the domain's policy, anonymous callers): ${eps.join(', ') || 'none associated'}`);
    out.push(...d.notes.map((n) => `- note: ${n}`), '');
  }
  return out;
}

function findingsSection(report: ExplainReport): string[] {
  const out = ['## Findings', ''];
  if (report.findings.length === 0) return [...out, '_None._', ''];
  for (const f of report.findings) out.push(`- **${f.severity}** \`${f.id}\`: ${f.message}`);
  return [...out, ''];
}

function notesSection(report: ExplainReport): string[] {
  if (report.notes.length === 0) return [];
  return ['## Not simulated / assumptions', '', ...report.notes.map((n) => `- ${n}`), ''];
}

/** Renders the report as Markdown. */
export function renderMarkdown(report: ExplainReport, title: string): string {
  const out: string[] = [`# ${title}`, ''];
  if (report.stages.length === 0 && report.undeployed.length === 0) {
    out.push('No REST API (AWS::ApiGateway::RestApi) with a stage in this template.', '');
  }
  for (const s of report.stages) out.push(...stageSection(s));
  for (const u of report.undeployed) out.push(...undeployedSection(u));
  out.push(...tiersSection(report), ...authorizersSection(report), ...privateDomainsSection(report));
  out.push(...findingsSection(report), ...notesSection(report));
  return out.join('\n');
}
