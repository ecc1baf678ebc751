/**
 * Methods and authorizers of an OpenAPI (2 or 3) body with API Gateway's extensions
 * (docs/SEMANTICS.md "OpenAPI bodies").
 */
import { identitySourcesOf, normPath, num } from './reader';
import type { AuthType, AuthorizerModel, MethodModel } from './types';

const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method'];

interface OperationAuth {
  auth: AuthType;
  authorizer?: string;
  apiKeyRequired: boolean;
  notes: string[];
}

function schemesOf(body: any): Record<string, any> {
  const s = body.securityDefinitions ?? body.components?.securitySchemes ?? {};
  return s && typeof s === 'object' ? s : {};
}

/** Methods of the body's `paths`. */
export function openApiMethods(body: any, notes: string[]): MethodModel[] {
  const out: MethodModel[] = [];
  const schemes = schemesOf(body);
  const topSecurity = Array.isArray(body.security) ? body.security : [];
  const paths = body.paths && typeof body.paths === 'object' ? body.paths : {};
  for (const [p, item] of Object.entries<any>(paths)) {
    if (!item || typeof item !== 'object') continue;
    for (const m of OPENAPI_METHODS) {
      const op = item[m];
      if (!op || typeof op !== 'object') continue;
      const security: any[] = Array.isArray(op.security) ? op.security : topSecurity;
      const a = authExtension(op['x-amazon-apigateway-auth'], securityAuth(security, schemes));
      out.push({
        path: normPath(p),
        httpMethod: m === 'x-amazon-apigateway-any-method' ? 'ANY' : m.toUpperCase(),
        authorizationType: a.auth,
        authorizer: a.authorizer,
        apiKeyRequired: a.apiKeyRequired,
        notes: a.notes,
      });
    }
  }
  if (body.basePath && typeof body.basePath === 'string' && body.basePath !== '/') {
    notes.push(`OpenAPI basePath ${body.basePath} is ignored, as API Gateway's import does by default`);
  }
  return out;
}

/** What the operation's `security` requirements say (API Gateway applies every scheme listed, not OpenAPI's "either"). */
function securityAuth(security: any[], schemes: Record<string, any>): OperationAuth {
  const out: OperationAuth = { auth: 'NONE', apiKeyRequired: false, notes: [] };
  for (const req of security) {
    if (!req || typeof req !== 'object') continue;
    for (const name of Object.keys(req)) {
      const s = schemes[name];
      if (!s || typeof s !== 'object') {
        out.notes.push(`security scheme ${name} is not defined`);
        continue;
      }
      const authtype = String(s['x-amazon-apigateway-authtype'] ?? '').toLowerCase();
      const authz = s['x-amazon-apigateway-authorizer'];
      if (authtype === 'awssigv4') {
        out.auth = 'AWS_IAM';
      } else if (authtype === 'cognito_user_pools' || authz?.type === 'cognito_user_pools') {
        out.auth = 'COGNITO_USER_POOLS';
        out.authorizer = name;
      } else if (authz && typeof authz === 'object') {
        out.auth = 'CUSTOM';
        out.authorizer = name;
      } else if (s.type === 'apiKey' && String(s.name ?? '').toLowerCase() === 'x-api-key') {
        out.apiKeyRequired = true;
      } else {
        out.notes.push(`security scheme ${name} is not understood; ignored`);
      }
    }
  }
  return out;
}

/**
 * `x-amazon-apigateway-auth` on an operation sets its authorization type: `AWS_IAM` or `NONE`. It
 * decides over the `security` list where both are given [I]; an unknown type is read as AWS_IAM (the
 * closed reading) with a note.
 */
function authExtension(ext: any, fromSecurity: OperationAuth): OperationAuth {
  if (ext === undefined) return fromSecurity;
  const type = ext && typeof ext === 'object' ? String(ext.type ?? '').toUpperCase() : '';
  if (type === 'AWS_IAM') return { ...fromSecurity, auth: 'AWS_IAM', authorizer: undefined };
  if (type === 'NONE') {
    if (fromSecurity.auth === 'NONE') return fromSecurity;
    return {
      ...fromSecurity,
      notes: [
        ...fromSecurity.notes,
        `x-amazon-apigateway-auth NONE beside a ${fromSecurity.auth} security requirement: the security requirement is kept (closed reading) [U]`,
      ],
    };
  }
  return {
    ...fromSecurity,
    auth: 'AWS_IAM',
    authorizer: undefined,
    notes: [
      ...fromSecurity.notes,
      `x-amazon-apigateway-auth type ${JSON.stringify(ext?.type)} is not AWS_IAM or NONE: read as AWS_IAM (closed reading)`,
    ],
  };
}

/** Lambda and Cognito authorizers of the body's security schemes (`x-amazon-apigateway-authorizer`). */
export function openApiAuthorizers(body: any): AuthorizerModel[] {
  const out: AuthorizerModel[] = [];
  for (const [name, s] of Object.entries<any>(schemesOf(body))) {
    const authz = s?.['x-amazon-apigateway-authorizer'];
    if (!authz || typeof authz !== 'object') continue;
    const type = String(authz.type ?? 'token').toUpperCase();
    let sources = identitySourcesOf(authz.identitySource);
    if (sources.length === 0 && type !== 'REQUEST' && s.in === 'header' && typeof s.name === 'string') {
      sources = [`method.request.header.${s.name}`];
    }
    out.push({
      logicalId: name,
      name,
      type: type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : type,
      identitySources: sources,
      ttlSeconds: num(authz.authorizerResultTtlInSeconds) ?? 300,
      providerArns: Array.isArray(authz.providerARNs)
        ? authz.providerARNs.filter((x: any) => typeof x === 'string')
        : [],
      notes: [],
    });
  }
  return out;
}
