/**
 * What `explain` shows that the simulator's model does not hold, read from the raw template: authorizers
 * (type, identity sources, caching, scopes), custom domains with their base path mappings, and WAF
 * associations. None of these is simulated beyond what the model already reads.
 */
import { isUnresolved } from '../intrinsics';
import { TemplateModel } from '../model';
import { AuthorizerReport, DomainReport, WafReport } from './report';

/** API Gateway's result TTL when the template gives none (the Authorizer resource's documented default). */
const DEFAULT_TTL = 300;

type Resources = [string, any][];

function resourcesOf(model: TemplateModel, ...types: string[]): Resources {
  return Object.entries(model.resolver.resources).filter(([, r]) => {
    if (!r || !types.includes(r.Type)) return false;
    if (r.Condition === undefined) return true;
    return model.resolver.condition(String(r.Condition)) !== false;
  });
}

function resolved(model: TemplateModel, v: any): any {
  const r = model.resolver.resolve(v);
  return isUnresolved(r) ? undefined : r;
}

function logicalOf(model: TemplateModel, v: any): string | undefined {
  const r = resolved(model, v);
  if (typeof r !== 'string') return undefined;
  return model.resolver.idToLogical.get(r) ?? (model.resolver.resources[r] ? r : undefined);
}

function strings(v: any): string[] {
  if (typeof v === 'string') {
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function ttl(v: any): { ttlSeconds: number; ttlDefaulted: boolean } {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? { ttlSeconds: n, ttlDefaulted: false } : { ttlSeconds: DEFAULT_TTL, ttlDefaulted: true };
}

/** authorizer logical id → the scopes of the methods that use it (Method `AuthorizationScopes`) */
function methodScopes(model: TemplateModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [, res] of resourcesOf(model, 'AWS::ApiGateway::Method')) {
    const props = res.Properties ?? {};
    const authorizer = logicalOf(model, props.AuthorizerId);
    if (!authorizer) continue;
    const set = out.get(authorizer) ?? new Set<string>();
    strings(resolved(model, props.AuthorizationScopes)).forEach((s) => set.add(s));
    out.set(authorizer, set);
  }
  return out;
}

function cfnAuthorizers(model: TemplateModel): AuthorizerReport[] {
  const scopes = methodScopes(model);
  return resourcesOf(model, 'AWS::ApiGateway::Authorizer').map(([id, res]) => {
    const props = resolved(model, res.Properties ?? {}) ?? {};
    return {
      api: logicalOf(model, res.Properties?.RestApiId) ?? '?',
      id,
      name: typeof props.Name === 'string' ? props.Name : id,
      type: String(props.Type ?? '?').toUpperCase(),
      identitySources: strings(props.IdentitySource),
      ...ttl(props.AuthorizerResultTtlInSeconds),
      scopes: Array.from(scopes.get(id) ?? []).sort(),
      providerArns: strings(props.ProviderARNs),
      definedIn: 'AWS::ApiGateway::Authorizer',
    };
  });
}

/** scheme name → scopes named for it in the operations' `security` lists */
function openApiScopes(body: any): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (security: any) => {
    for (const req of Array.isArray(security) ? security : []) {
      for (const [name, list] of Object.entries<any>(req && typeof req === 'object' ? req : {})) {
        const set = out.get(name) ?? new Set<string>();
        strings(list).forEach((s) => set.add(s));
        out.set(name, set);
      }
    }
  };
  add(body.security);
  for (const item of Object.values<any>(body.paths && typeof body.paths === 'object' ? body.paths : {})) {
    for (const op of Object.values<any>(item && typeof item === 'object' ? item : {})) {
      if (op && typeof op === 'object') add(op.security);
    }
  }
  return out;
}

/** `identitySource`, else the scheme's own header (`in: header`, `name`), as TOKEN and Cognito schemes give it. */
function openApiIdentitySources(scheme: any, authorizer: any): string[] {
  const given = strings(authorizer.identitySource);
  if (given.length > 0 || scheme.in !== 'header' || typeof scheme.name !== 'string') return given;
  return [`method.request.header.${scheme.name}`];
}

function openApiAuthorizers(model: TemplateModel): AuthorizerReport[] {
  const out: AuthorizerReport[] = [];
  for (const api of model.apis) {
    const body = resolved(model, model.resolver.resources[api.logicalId]?.Properties?.Body);
    if (!body || typeof body !== 'object') continue;
    const schemes = body.securityDefinitions ?? body.components?.securitySchemes ?? {};
    const scopes = openApiScopes(body);
    for (const [name, s] of Object.entries<any>(schemes && typeof schemes === 'object' ? schemes : {})) {
      const a = s?.['x-amazon-apigateway-authorizer'];
      if (!a || typeof a !== 'object') continue;
      out.push({
        api: api.logicalId,
        id: name,
        name,
        type: String(a.type ?? '?').toUpperCase(),
        identitySources: openApiIdentitySources(s, a),
        ...ttl(a.authorizerResultTtlInSeconds),
        scopes: Array.from(scopes.get(name) ?? []).sort(),
        providerArns: strings(a.providerARNs),
        definedIn: 'OpenAPI',
      });
    }
  }
  return out;
}

/** Lambda (TOKEN, REQUEST) and Cognito authorizers, from Authorizer resources and OpenAPI bodies. */
export function authorizerReports(model: TemplateModel): AuthorizerReport[] {
  return [...cfnAuthorizers(model), ...openApiAuthorizers(model)];
}

function endpointTypeOf(props: any): string | undefined {
  const types = props?.EndpointConfiguration?.Types;
  return Array.isArray(types) && typeof types[0] === 'string' ? types[0].toUpperCase() : undefined;
}

/** Custom domains (DomainName, DomainNameV2) and their base path mappings (BasePathMapping, BasePathMappingV2). */
export function domainReports(model: TemplateModel): DomainReport[] {
  const mappings = resourcesOf(model, 'AWS::ApiGateway::BasePathMapping', 'AWS::ApiGateway::BasePathMappingV2').map(
    ([id, res]) => {
      const raw = res.Properties ?? {};
      const props = resolved(model, raw) ?? {};
      return {
        domain: logicalOf(model, raw.DomainName ?? raw.DomainNameArn) ?? (props.DomainName as string | undefined),
        mapping: {
          logicalId: id,
          api: logicalOf(model, raw.RestApiId),
          stage: typeof props.Stage === 'string' ? props.Stage : undefined,
          basePath: typeof props.BasePath === 'string' ? props.BasePath : undefined,
        },
      };
    },
  );
  return resourcesOf(model, 'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::DomainNameV2').map(([id, res]) => {
    const props = resolved(model, res.Properties ?? {}) ?? {};
    return {
      logicalId: id,
      type: res.Type,
      domainName: typeof props.DomainName === 'string' ? props.DomainName : undefined,
      endpointType: endpointTypeOf(props),
      mappings: mappings
        .filter((m) => m.domain === id || (m.domain !== undefined && m.domain === props.DomainName))
        .map((m) => m.mapping),
    };
  });
}

/** WAF web ACL associations whose resource is a stage of an API (WAFv2 and WAF Regional). */
export function wafReports(model: TemplateModel): WafReport[] {
  return resourcesOf(model, 'AWS::WAFv2::WebACLAssociation', 'AWS::WAFRegional::WebACLAssociation').flatMap(
    ([id, res]) => {
      const props = res.Properties ?? {};
      const arn = resolved(model, props.ResourceArn);
      const m = typeof arn === 'string' ? /:\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(arn) : null;
      if (typeof arn === 'string' && !m) return []; // an ALB, AppSync, … : not an API Gateway stage
      const acl = resolved(model, props.WebACLArn ?? props.WebACLId);
      return [
        {
          logicalId: id,
          ...(m ? { api: model.resolver.idToLogical.get(m[1]) ?? m[1], stage: m[2] } : {}),
          webAcl: typeof acl === 'string' ? (model.resolver.idToLogical.get(acl) ?? acl) : '(unresolved)',
        },
      ];
    },
  );
}

/**
 * The "not simulated" lines for custom domains (public ones, and any DomainNameV2 the simulator does not
 * route: not PRIVATE) and WAF associations.
 */
export function notSimulatedLines(domains: DomainReport[], waf: WafReport[]): string[] {
  const lines = domains.map((d) => {
    const maps = d.mappings.map(
      (m) =>
        `${m.basePath ? `/${m.basePath.replace(/^\//, '')}` : '/'} → ${m.api ?? '?'}${m.stage ? `/${m.stage}` : ''}`,
    );
    return `not simulated: custom domain ${d.logicalId} (${d.type}${d.domainName ? ` ${d.domainName}` : ''}${d.endpointType ? `, ${d.endpointType}` : ''})${maps.length ? ` maps ${maps.join(', ')}` : ''}; requests are simulated as sent to the API's own execute-api endpoint`;
  });
  for (const w of waf) {
    lines.push(
      `not simulated: WAF web ACL ${w.webAcl} on ${w.api ? `${w.api} stage ${w.stage}` : `an unresolved resource (${w.logicalId})`} (${w.logicalId}); WAF runs before the resource policy, and a request it blocks gets 403 whatever the matrix shows`,
    );
  }
  return lines;
}
