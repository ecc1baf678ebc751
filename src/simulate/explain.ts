/**
 * Findings and the readable report of `explain`: who may call which methods, tiers and keys, and the
 * mistakes that deploy an open API or one nobody can call. Plain functions over the model.
 */
import { ApiModel, MethodModel, TemplateModel } from './model';
import { PipelineOptions, PipelineRequest, PipelineState, decide } from './pipeline';

/** One finding of `explain` (also used by a validation plugin). */
export interface Finding {
  readonly id: string;
  /** error, warning or info */
  readonly severity: string;
  readonly api?: string;
  readonly stage?: string;
  readonly message: string;
}

export interface Probe {
  readonly label: string;
  readonly request: Omit<PipelineRequest, 'method' | 'path' | 'stage' | 'api' | 'at'>;
}

export interface MatrixRow {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
  readonly apiKeyRequired: boolean;
  /** probe label → status code (200 = admitted; -1 = not applicable: a SigV4 probe on a non-IAM method) */
  readonly cells: Record<string, number>;
}

export interface StageReport {
  readonly api: string;
  readonly stage: string;
  readonly endpointType: string;
  readonly probes: string[];
  readonly rows: MatrixRow[];
}

export interface ExplainReport {
  readonly stages: StageReport[];
  readonly tiers: { plan: string; name: string; stages: string[]; throttle?: string; quota?: string; keys: string[] }[];
  readonly findings: Finding[];
  readonly notes: string[];
}

const OUTSIDE_VPCE = 'vpce-0ffffffffffffffff';
const PUBLIC_IP = '198.51.100.7';

function collect(
  v: any,
  out: { vpces: Set<string>; vpcs: Set<string>; cidrs: Set<string>; accounts: Set<string>; orgs: Set<string> },
  key?: string,
): void {
  if (Array.isArray(v)) {
    v.forEach((x) => collect(x, out, key));
    return;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) collect(x, out, k);
    return;
  }
  if (typeof v !== 'string' || !key) return;
  const k = key.toLowerCase();
  if (k === 'aws:sourcevpce') {
    out.vpces.add(v);
  } else if (k === 'aws:sourcevpc') {
    out.vpcs.add(v);
  } else if (k === 'aws:sourceip' || k === 'aws:vpcsourceip') {
    out.cidrs.add(v);
  } else if (k === 'aws:principalorgid' && !v.includes('*')) {
    out.orgs.add(v);
  } else if (k === 'aws:principalaccount' && /^\d{12}$/.test(v)) {
    out.accounts.add(v);
  } else if (k === 'aws') {
    const m = /^(\d+)$/.exec(v) ?? /^arn:[^:]+:iam::(\d{12}):/.exec(v);
    if (m) out.accounts.add(m[1]);
  }
}

function firstIp(cidr: string): string {
  return cidr.split('/')[0].trim();
}

/** The callers `explain` tries against every method of an API. */
export function probesFor(model: TemplateModel, api: ApiModel): Probe[] {
  const found = {
    vpces: new Set<string>(),
    vpcs: new Set<string>(),
    cidrs: new Set<string>(),
    accounts: new Set<string>(),
    orgs: new Set<string>(),
  };
  for (const st of api.policy?.statements ?? []) {
    collect(st.condition, found);
    collect(st.principal, found, undefined);
    if (st.principal && typeof st.principal === 'object') collect(st.principal, found);
  }
  api.vpcEndpointIds.forEach((v) => found.vpces.add(v));
  const probes: Probe[] = [];
  const isPrivate = api.endpointType === 'PRIVATE';
  if (isPrivate) {
    for (const v of Array.from(found.vpces).slice(0, 4)) {
      probes.push({
        label: `via ${v}`,
        request: { vpcEndpointId: v, vpcId: Array.from(found.vpcs)[0], sourceIp: '10.0.0.10', authorizer: 'allow' },
      });
    }
    for (const v of Array.from(found.vpcs).slice(0, 2)) {
      probes.push({
        label: `from ${v} (other VPCE)`,
        request: { vpcEndpointId: OUTSIDE_VPCE, vpcId: v, sourceIp: '10.0.0.10', authorizer: 'allow' },
      });
    }
    probes.push({
      label: 'any other VPC endpoint',
      request: {
        vpcEndpointId: OUTSIDE_VPCE,
        vpcId: 'vpc-0ffffffffffffffff',
        sourceIp: '10.0.0.10',
        authorizer: 'allow',
      },
    });
  } else {
    for (const c of Array.from(found.cidrs).slice(0, 4)) {
      probes.push({ label: `from ${firstIp(c)}`, request: { sourceIp: firstIp(c), authorizer: 'allow' } });
    }
    probes.push({ label: 'internet', request: { sourceIp: PUBLIC_IP, authorizer: 'allow' } });
  }
  if (!api.methods.some((m) => m.authorizationType === 'AWS_IAM')) return probes;
  const base = isPrivate
    ? { vpcEndpointId: Array.from(found.vpces)[0] ?? OUTSIDE_VPCE, sourceIp: '10.0.0.10' }
    : { sourceIp: PUBLIC_IP };
  probes.push({
    label: `IAM ${model.account} (same account)`,
    request: { ...base, caller: { account: model.account } },
  });
  for (const a of Array.from(found.accounts)
    .filter((x) => x !== model.account)
    .slice(0, 3)) {
    probes.push({ label: `IAM ${a}`, request: { ...base, caller: { account: a } } });
  }
  for (const o of Array.from(found.orgs).slice(0, 2)) {
    probes.push({ label: `IAM in org ${o}`, request: { ...base, caller: { account: '999999999999', orgId: o } } });
  }
  probes.push({ label: 'IAM other account', request: { ...base, caller: { account: '999999999999' } } });
  return probes;
}

function exampleRequestPath(m: MethodModel): string {
  return m.path.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, 'x');
}

function probeOne(
  model: TemplateModel,
  api: ApiModel,
  stage: string,
  m: MethodModel,
  probe: Probe,
  opts: PipelineOptions,
): number {
  // SigV4 callers only mean something on AWS_IAM methods (elsewhere the caller is anonymous, like the other probes)
  if (probe.request.caller && m.authorizationType !== 'AWS_IAM') return -1;
  try {
    return decide(
      model,
      new PipelineState(),
      {
        ...probe.request,
        api: api.logicalId,
        stage,
        method: m.httpMethod === 'ANY' ? 'GET' : m.httpMethod,
        path: exampleRequestPath(m),
        at: Date.UTC(2026, 0, 1),
      },
      { ...opts, authorizationOnly: true },
    ).statusCode;
  } catch {
    return 0;
  }
}

function throttleText(t?: { rateLimit: number; burstLimit: number }): string | undefined {
  return t ? `${t.rateLimit}/s burst ${t.burstLimit}` : undefined;
}

/** Builds the `explain` report of a model. */
export function explainModel(model: TemplateModel, opts: PipelineOptions): ExplainReport {
  const findings: Finding[] = [];
  const stages: StageReport[] = [];
  for (const api of model.apis) {
    const isPrivate = api.endpointType === 'PRIVATE';
    if (isPrivate && !api.policy) {
      findings.push({
        id: 'private-api-without-policy',
        severity: 'error',
        api: api.logicalId,
        message: `PRIVATE API ${api.logicalId} has no resource policy: API Gateway refuses to deploy it and every call fails`,
      });
    }
    if (api.policy) {
      for (const f of api.policy.fatal) {
        findings.push({
          id: 'invalid-policy',
          severity: 'error',
          api: api.logicalId,
          message: `resource policy of ${api.logicalId} is invalid: ${f}; API Gateway rejects it, so nothing is admitted`,
        });
      }
      for (const st of api.policy.statements) {
        for (const p of st.problems) {
          findings.push({
            id: 'uncertain-statement',
            severity: 'warning',
            api: api.logicalId,
            message: `${p}; treated conservatively`,
          });
        }
      }
      const allows = api.policy.statements.filter((s) => s.effect === 'Allow');
      const denies = api.policy.statements.filter((s) => s.effect === 'Deny');
      if (api.policy.fatal.length === 0 && allows.length === 0) {
        findings.push({
          id: 'no-allow-policy',
          severity: 'warning',
          api: api.logicalId,
          message: `resource policy of ${api.logicalId} has ${denies.length ? 'only Deny statements' : 'no statements'}: unauthenticated (NONE), Cognito and cross-account callers are all refused`,
        });
      }
    }
    if (api.methods.length === 0) {
      findings.push({
        id: 'no-methods',
        severity: 'info',
        api: api.logicalId,
        message: `API ${api.logicalId} has no methods this simulator can read`,
      });
    }
    if (api.stages.length === 0) {
      findings.push({
        id: 'no-stage',
        severity: 'info',
        api: api.logicalId,
        message: `API ${api.logicalId} has no stage in the template`,
      });
    }
    const probes = probesFor(model, api);
    for (const stage of api.stages) {
      const rows: MatrixRow[] = api.methods.map((m) => {
        const cells: Record<string, number> = {};
        for (const p of probes) cells[p.label] = probeOne(model, api, stage.name, m, p, opts);
        return {
          method: m.httpMethod,
          path: m.path,
          authorization: m.authorizationType + (m.authorizer ? ` (${m.authorizer})` : ''),
          apiKeyRequired: m.apiKeyRequired,
          cells,
        };
      });
      stages.push({
        api: api.logicalId,
        stage: stage.name,
        endpointType: api.endpointType,
        probes: probes.map((p) => p.label),
        rows,
      });
      if (isPrivate && api.policy && api.policy.fatal.length === 0) {
        const open = rows.filter((r) => r.cells['any other VPC endpoint'] === 200);
        if (open.length > 0) {
          findings.push({
            id: 'open-private-api',
            severity: 'error',
            api: api.logicalId,
            stage: stage.name,
            message: `PRIVATE API ${api.logicalId} stage ${stage.name}: any VPC endpoint (of any account) can call ${open.map((r) => `${r.method} ${r.path}`).join(', ')}; restrict the policy with aws:SourceVpce or aws:SourceVpc`,
          });
        }
      }
      const keyed = api.methods.filter((m) => m.apiKeyRequired);
      const plansHere = model.plans.filter((p) =>
        p.apiStages.some((s) => s.apiLogicalId === api.logicalId && s.stage === stage.name),
      );
      const usable = plansHere.filter((p) => model.keys.some((k) => k.enabled && k.planIds.includes(p.logicalId)));
      if (keyed.length > 0 && usable.length === 0) {
        findings.push({
          id: 'key-required-without-plan',
          severity: 'warning',
          api: api.logicalId,
          stage: stage.name,
          message: `${keyed.map((m) => `${m.httpMethod} ${m.path}`).join(', ')} on ${api.logicalId} stage ${stage.name} require an API key, but no usage plan with an enabled key covers the stage: every call gets 403 Forbidden`,
        });
      }
    }
  }
  for (const p of model.plans) {
    if (
      !p.throttle &&
      !p.quota &&
      Object.keys(p.apiStages.reduce((a, s) => ({ ...a, ...s.methodThrottles }), {})).length === 0
    ) {
      findings.push({
        id: 'plan-without-limits',
        severity: 'warning',
        message: `usage plan ${p.logicalId} has no throttle and no quota: its keys are unlimited`,
      });
    }
    if (p.apiStages.length === 0) {
      findings.push({
        id: 'plan-without-stages',
        severity: 'warning',
        message: `usage plan ${p.logicalId} is bound to no stage: its keys are valid nowhere`,
      });
    }
  }
  for (const k of model.keys) {
    if (k.planIds.length === 0) {
      findings.push({
        id: 'key-without-plan',
        severity: 'info',
        message: `API key ${k.logicalId} is in no usage plan: it is refused by every key-required method`,
      });
    }
    if (!k.enabled) {
      findings.push({ id: 'key-disabled', severity: 'info', message: `API key ${k.logicalId} is disabled` });
    }
  }
  const tiers = model.plans.map((p) => ({
    plan: p.logicalId,
    name: p.name,
    stages: p.apiStages.map(
      (s) =>
        `${s.apiLogicalId}/${s.stage}` +
        (Object.keys(s.methodThrottles).length
          ? ` (${Object.entries(s.methodThrottles)
              .map(([k, t]) => `${k} ${throttleText(t)}`)
              .join(', ')})`
          : ''),
    ),
    throttle: throttleText(p.throttle),
    quota: p.quota
      ? `${p.quota.limit} per ${p.quota.period}${p.quota.offset ? ` (offset ${p.quota.offset})` : ''}`
      : undefined,
    keys: model.keys
      .filter((k) => k.planIds.includes(p.logicalId))
      .map((k) => k.logicalId + (k.enabled ? '' : ' (disabled)')),
  }));
  const notes = [...model.notes];
  for (const api of model.apis) for (const n of api.notes) notes.push(`${api.logicalId}: ${n}`);
  for (const p of model.plans) for (const n of p.notes) notes.push(`${p.logicalId}: ${n}`);
  return { stages, tiers, findings, notes };
}

function cell(code: number): string {
  if (code === 200) return '✅';
  if (code === 0) return '?';
  if (code === -1) return '·';
  if (code === -1) return '·';
  return `❌ ${code}`;
}

function esc(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** Renders the report as Markdown. */
export function renderMarkdown(report: ExplainReport, title: string): string {
  const out: string[] = [`# ${title}`, ''];
  if (report.stages.length === 0) out.push('No REST API (AWS::ApiGateway::RestApi) with a stage in this template.', '');
  for (const s of report.stages) {
    out.push(`## API ${s.api} — stage ${s.stage} (${s.endpointType})`, '');
    out.push(
      'Who may call what: ✅ admitted by the resource policy and authorization (before API keys and throttles; Lambda and Cognito callers hold a valid token), ❌ refused with that status, · not applicable (an IAM caller on a non-IAM method).',
      '',
    );
    if (s.rows.length === 0) {
      out.push('_No methods._', '');
    } else {
      out.push(`| method | path | auth | key | ${s.probes.map(esc).join(' | ')} |`);
      out.push(`|---|---|---|---|${s.probes.map(() => '---').join('|')}|`);
      for (const r of s.rows) {
        out.push(
          `| ${r.method} | ${esc(r.path)} | ${esc(r.authorization)} | ${r.apiKeyRequired ? 'required' : '-'} | ${s.probes.map((p) => cell(r.cells[p])).join(' | ')} |`,
        );
      }
      out.push('');
    }
  }
  out.push('## Usage plans', '');
  if (report.tiers.length === 0) {
    out.push('_None._', '');
  } else {
    out.push('| plan | stages | throttle | quota | keys |', '|---|---|---|---|---|');
    for (const t of report.tiers) {
      out.push(
        `| ${esc(t.name)} | ${esc(t.stages.join(', ') || '-')} | ${t.throttle ?? '-'} | ${t.quota ?? '-'} | ${esc(t.keys.join(', ') || '-')} |`,
      );
    }
    out.push('');
  }
  out.push('## Findings', '');
  if (report.findings.length === 0) out.push('_None._', '');
  for (const f of report.findings) out.push(`- **${f.severity}** \`${f.id}\`: ${f.message}`);
  if (report.findings.length) out.push('');
  if (report.notes.length) {
    out.push('## Not simulated / assumptions', '');
    for (const n of report.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}
