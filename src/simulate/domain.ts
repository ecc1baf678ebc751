/**
 * Private custom domain names in the simulator (docs/SEMANTICS.md "Private custom domain names"): reads
 * `AWS::ApiGateway::DomainNameV2`, `AWS::ApiGateway::BasePathMappingV2` and
 * `AWS::ApiGateway::DomainNameAccessAssociation` from any template (also written by hand), routes a request
 * `{ domainName, path, vpcEndpointId }` to an API, a stage and a path through the base path mappings, and
 * evaluates the domain's own policy. The API's policy is evaluated afterwards, by the caller, with the
 * context key this module returns (`execute-api:viaDomainArn`). Pure: template in, plain data out.
 */
import { Resolver, ResolveContext, isUnresolved } from './intrinsics';
import { evaluatePolicy, NormalizedPolicy, normalizePolicy, PolicyEnv, PolicyPrincipal } from './policy-eval';

/** The condition key a call through a domain carries (the domain's execute-api ARN). */
export const VIA_DOMAIN_ARN = 'execute-api:viaDomainArn';

/** One base path mapping of a domain. */
export interface DomainMappingModel {
  readonly logicalId: string;
  /** The base path, `''` for the root (`(none)` in the API). */
  readonly basePath: string;
  /** Logical id of the mapped RestApi, when it is in the template. */
  readonly api?: string;
  /** The mapped stage; undefined: the stage is the next segment of the request path. */
  readonly stage?: string;
}

/** One private custom domain name. */
export interface DomainModel {
  readonly logicalId: string;
  readonly domainName: string;
  /** What `Fn::GetAtt [id, DomainNameArn]` (and `Ref`) resolve to in this template. */
  readonly arnRefs: string[];
  /** The value a call through the domain carries in `execute-api:viaDomainArn`. */
  readonly viaDomainArn: string;
  /** undefined: no policy (API Gateway gives a new domain a deny-all policy). */
  readonly policy?: NormalizedPolicy;
  readonly mappings: DomainMappingModel[];
  /** VPC endpoint ids (placeholders for endpoints of the template) with an access association. */
  readonly associatedEndpoints: string[];
  readonly notes: string[];
}

/** The template's private domains, with the environment their ARNs use. */
export interface DomainsModel {
  readonly domains: DomainModel[];
  readonly env: { readonly partition: string; readonly region: string; readonly account: string };
  /** Maps a `vpce-…` placeholder or a logical id of an `AWS::EC2::VPCEndpoint` to the placeholder id. */
  readonly endpointId: (idOrLogicalId: string) => string;
}

/** A request through a private domain. */
export interface DomainRequest {
  /** The host the caller used, e.g. `orders.internal.example.com`. */
  readonly domainName: string;
  /** The request path on the domain, e.g. `/v1/items`. */
  readonly path: string;
  /** The interface VPC endpoint the request comes through (id or logical id). */
  readonly vpcEndpointId?: string;
  readonly vpcId?: string;
  readonly sourceIp?: string;
  /** A SigV4 caller; absent: anonymous. */
  readonly caller?: PolicyPrincipal;
}

/** What the domain decides, and where the request goes next. */
export interface DomainDecision {
  /** 403 when the domain refuses (no domain, no association, no mapping, its policy); else undefined. */
  readonly statusCode?: number;
  /** Which part refused: `route` (no such domain, no mapping) or `policy` (endpoint, association, policy). */
  readonly refusedBy?: 'route' | 'policy';
  readonly reasons: string[];
  /** The domain that took the request. */
  readonly domain?: string;
  /** Where the request goes when admitted: API logical id, stage (undefined: none left), path on the API. */
  readonly api?: string;
  readonly stage?: string;
  readonly path?: string;
  /** The context key (and value) for the API's policy evaluation. */
  readonly context?: Record<string, string[]>;
}

/** Options: the same environment as the simulator's (`RequestSimulatorOptions`). */
export interface DomainModelOptions {
  readonly account?: string;
  readonly region?: string;
  readonly parameters?: Record<string, string>;
}

const DOMAIN = 'AWS::ApiGateway::DomainNameV2';
const MAPPING = 'AWS::ApiGateway::BasePathMappingV2';
const ASSOCIATION = 'AWS::ApiGateway::DomainNameAccessAssociation';

function text(v: unknown, what: string, notes: string[]): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== undefined) {
    notes.push(`${what} cannot be resolved offline (${isUnresolved(v) ? v.why : JSON.stringify(v)})`);
  }
  return undefined;
}

/** Reads the private domains of a template (domains whose endpoint type is not PRIVATE are skipped). */
export function readDomains(template: { [key: string]: any }, options: DomainModelOptions = {}): DomainsModel {
  const region = options.region ?? 'us-east-1';
  const ctx: ResolveContext = {
    account: options.account ?? '123456789012',
    region,
    partition: region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
    stackName: 'Stack',
    parameters: options.parameters ?? {},
  };
  return readDomainsWith(new Resolver(template, ctx));
}

/**
 * Reads the private domains with a given resolver (the simulator's model passes its own, so that a domain's
 * `viaDomainArn` is the value the API's policy resolves to).
 */
export function readDomainsWith(resolver: Resolver): DomainsModel {
  const ctx = resolver.ctx;
  const resources = resolver.resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r && r.Type === type);
  const domains = ofType(DOMAIN)
    .filter(([, r]) => isPrivate(resolver.resolve(r.Properties?.EndpointConfiguration)))
    .map(([id, r]) => readDomain(resolver, id, r));
  const byRef = (v: unknown) => {
    const ref = resolver.resolve(v);
    return domains.find((d) => typeof ref === 'string' && d.arnRefs.includes(ref));
  };
  for (const [id, r] of ofType(MAPPING)) readMapping(resolver, id, r, byRef);
  for (const [id, r] of ofType(ASSOCIATION)) readAssociation(resolver, id, r, byRef);
  const endpointId = (v: string) => (resources[v]?.Type === 'AWS::EC2::VPCEndpoint' ? String(resolver.ref(v)) : v);
  return { domains, env: { partition: ctx.partition, region: ctx.region, account: ctx.account }, endpointId };
}

function isPrivate(config: any): boolean {
  const types = config?.Types;
  const list = Array.isArray(types) ? types : typeof types === 'string' ? [types] : [];
  return list.some((t) => typeof t === 'string' && t.toUpperCase() === 'PRIVATE');
}

function readDomain(resolver: Resolver, logicalId: string, res: any): DomainModel & { mappings: DomainMappingModel[] } {
  const notes: string[] = [];
  const p = res.Properties ?? {};
  const name = text(resolver.resolve(p.DomainName), `${logicalId}.DomainName`, notes) ?? `<${logicalId}>`;
  const id = String(resolver.getAtt(logicalId, 'DomainNameId'));
  const { partition, region, account } = resolver.ctx;
  const raw = p.Policy === undefined ? undefined : resolver.resolve(p.Policy);
  if (raw === undefined) notes.push(`${logicalId} has no Policy: API Gateway gives it a deny-all policy`);
  return {
    logicalId,
    domainName: name,
    arnRefs: [String(resolver.getAtt(logicalId, 'DomainNameArn')), String(resolver.ref(logicalId))],
    viaDomainArn: `arn:${partition}:execute-api:${region}:${account}:/domainnames/${name}+${id}`,
    policy: raw === undefined ? undefined : normalizePolicy(raw),
    mappings: [],
    associatedEndpoints: [],
    notes,
  };
}

function readMapping(
  resolver: Resolver,
  logicalId: string,
  res: any,
  byRef: (v: unknown) => DomainModel | undefined,
): void {
  const p = res.Properties ?? {};
  const domain = byRef(p.DomainNameArn);
  if (!domain) return;
  const notes = domain.notes;
  const basePath = text(resolver.resolve(p.BasePath), `${logicalId}.BasePath`, notes) ?? '';
  const apiRef = resolver.resolve(p.RestApiId);
  const api = typeof apiRef === 'string' ? (resolver.idToLogical.get(apiRef) ?? apiRef) : undefined;
  const stage = p.Stage === undefined ? undefined : text(resolver.resolve(p.Stage), `${logicalId}.Stage`, notes);
  (domain.mappings as DomainMappingModel[]).push({
    logicalId,
    basePath: basePath === '(none)' ? '' : basePath,
    api,
    stage,
  });
}

function readAssociation(
  resolver: Resolver,
  logicalId: string,
  res: any,
  byRef: (v: unknown) => DomainModel | undefined,
): void {
  const p = res.Properties ?? {};
  const domain = byRef(p.DomainNameArn);
  if (!domain) return;
  const source = text(
    resolver.resolve(p.AccessAssociationSource),
    `${logicalId}.AccessAssociationSource`,
    domain.notes,
  );
  const type = resolver.resolve(p.AccessAssociationSourceType);
  if (source && type === 'VPCE') domain.associatedEndpoints.push(source);
}

/** The mapping a path takes: the one named by its first segment, else the root mapping. */
export function matchMapping(
  mappings: readonly DomainMappingModel[],
  path: string,
): { mapping: DomainMappingModel; rest: string } | undefined {
  const segments = path.replace(/^\/+/, '').split('/');
  const named = mappings.find((m) => m.basePath !== '' && m.basePath === segments[0]);
  if (named) return { mapping: named, rest: `/${segments.slice(1).join('/')}` };
  const root = mappings.find((m) => m.basePath === '');
  return root ? { mapping: root, rest: `/${segments.join('/')}` } : undefined;
}

function refuse(
  reasons: string[],
  why: string,
  domain?: string,
  refusedBy: 'route' | 'policy' = 'policy',
): DomainDecision {
  reasons.push(why);
  return { statusCode: 403, reasons, domain, refusedBy };
}

/** The request context a call through an endpoint carries (docs/SEMANTICS.md "Condition keys"). */
function endpointContext(req: DomainRequest, vpce: string): Record<string, string[]> {
  const ctx: Record<string, string[]> = { 'aws:sourcevpce': [vpce] };
  if (req.vpcId) ctx['aws:sourcevpc'] = [req.vpcId];
  if (req.sourceIp) ctx['aws:vpcsourceip'] = [req.sourceIp];
  if (req.caller) {
    ctx['aws:principalaccount'] = [req.caller.account];
    ctx['aws:principalarn'] = [req.caller.arn ?? `arn:aws:iam::${req.caller.account}:root`];
  }
  return ctx;
}

/**
 * Decides the domain's part of a request: which domain (by name and the endpoint's access association),
 * its policy (explicit Allow needed for anonymous callers; same-account SigV4 callers pass unless denied,
 * like an API policy [I]), then the base path mapping. Admitted: where the request goes, with
 * `execute-api:viaDomainArn` for the API's policy.
 */
export function decideDomain(model: DomainsModel, req: DomainRequest): DomainDecision {
  const reasons: string[] = [];
  const name = req.domainName.toLowerCase().replace(/\.$/, '');
  const named = model.domains.filter((d) => d.domainName.toLowerCase() === name);
  if (named.length === 0) {
    return refuse(
      reasons,
      `no private custom domain named '${req.domainName}' in the template [I: 403]`,
      undefined,
      'route',
    );
  }
  if (!req.vpcEndpointId) {
    return refuse(reasons, 'a private custom domain is reachable only through an interface VPC endpoint');
  }
  const vpce = model.endpointId(req.vpcEndpointId);
  const domain = named.find((d) => d.associatedEndpoints.includes(vpce));
  if (!domain) {
    return refuse(
      reasons,
      `VPC endpoint ${req.vpcEndpointId} has no domain name access association with '${req.domainName}'`,
    );
  }
  reasons.push(`domain ${domain.logicalId}: VPC endpoint ${req.vpcEndpointId} is associated`, ...domain.notes);
  if (!domain.policy) return refuse(reasons, `domain ${domain.logicalId} has no policy (deny all)`, domain.logicalId);
  const env: PolicyEnv = { ...model.env, apiId: '' };
  const evaluation = evaluatePolicy(
    domain.policy,
    {
      principal: req.caller,
      action: 'execute-api:Invoke',
      resource: domain.viaDomainArn,
      context: endpointContext(req, vpce),
    },
    env,
  );
  reasons.push(...evaluation.reasons.map((r) => `domain policy: ${r}`));
  const sameAccount = req.caller?.account === model.env.account;
  if (evaluation.verdict === 'deny' || (evaluation.verdict === 'neither' && !sameAccount)) {
    return refuse(reasons, `the domain's policy refuses the request`, domain.logicalId);
  }
  const routed = matchMapping(domain.mappings, req.path);
  if (!routed) {
    return refuse(
      reasons,
      `no base path mapping of ${domain.logicalId} matches ${req.path} [I: 403]`,
      domain.logicalId,
      'route',
    );
  }
  let { stage } = routed.mapping;
  let path = routed.rest;
  if (stage === undefined) {
    const segments = path.replace(/^\/+/, '').split('/');
    stage = segments[0] || undefined;
    path = `/${segments.slice(1).join('/')}`;
  }
  reasons.push(
    `base path mapping ${routed.mapping.logicalId}: API ${routed.mapping.api}, stage ${stage}, path ${path}`,
  );
  return {
    reasons,
    domain: domain.logicalId,
    api: routed.mapping.api,
    stage,
    path,
    context: { [VIA_DOMAIN_ARN]: [domain.viaDomainArn] },
  };
}

/** One domain as `explain` would list it: its mappings and which associated endpoints may call through it. */
export interface DomainReport {
  readonly domain: string;
  readonly domainName: string;
  readonly viaDomainArn: string;
  readonly mappings: ReadonlyArray<{ readonly basePath: string; readonly api?: string; readonly stage?: string }>;
  /** Per associated endpoint: whether the domain's policy admits an anonymous call from it. */
  readonly endpoints: ReadonlyArray<{
    readonly vpcEndpointId: string;
    readonly admitted: boolean;
    readonly reasons: string[];
  }>;
  readonly notes: string[];
}

/**
 * Who may call through each private domain (anonymous callers through each associated endpoint; the
 * domain policy alone — the API's policy decides next), for the `explain` report.
 */
export function explainDomains(model: DomainsModel): DomainReport[] {
  return model.domains.map((d) => ({
    domain: d.logicalId,
    domainName: d.domainName,
    viaDomainArn: d.viaDomainArn,
    mappings: d.mappings.map((m) => ({ basePath: m.basePath, api: m.api, stage: m.stage })),
    endpoints: d.associatedEndpoints.map((vpce) => {
      if (!d.policy) return { vpcEndpointId: vpce, admitted: false, reasons: ['no policy (deny all)'] };
      const e = evaluatePolicy(
        d.policy,
        { action: 'execute-api:Invoke', resource: d.viaDomainArn, context: { 'aws:sourcevpce': [vpce] } },
        { ...model.env, apiId: '' },
      );
      return { vpcEndpointId: vpce, admitted: e.verdict === 'allow', reasons: e.reasons };
    }),
    notes: [...d.notes],
  }));
}
