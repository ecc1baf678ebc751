/** Reads `AWS::ApiGateway::Resource` (paths) and `AWS::ApiGateway::Method` into the APIs' methods. */
import { Unresolved, isUnresolved } from '../intrinsics';
import { TemplateReader, bool, normPath } from './reader';
import type { AuthType, TemplateModel } from './types';

const AUTH_TYPES: readonly string[] = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];

export function readMethods(reader: TemplateReader, model: TemplateModel): void {
  const paths = new ResourcePaths(reader);
  for (const [id, res] of reader.byType('AWS::ApiGateway::Method')) {
    const props = res.Properties ?? {};
    const apiId = reader.logicalOf(props.RestApiId);
    const api = model.apis.find((a) => a.logicalId === apiId);
    if (!api) {
      reader.notes.push(`method ${id}: its RestApiId does not name a RestApi in this template; skipped`);
      continue;
    }
    const path = paths.ofResourceId(props.ResourceId);
    if (isUnresolved(path)) {
      api.notes.push(`method ${id}: ${path.why}; skipped`);
      continue;
    }
    const notes: string[] = [];
    api.methods.push({
      path: normPath(path || '/'),
      httpMethod: String(reader.resolver.resolve(props.HttpMethod) ?? '').toUpperCase(),
      authorizationType: authTypeOf(reader.resolver.resolve(props.AuthorizationType), notes),
      authorizer:
        props.AuthorizerId !== undefined
          ? (reader.logicalOf(props.AuthorizerId) ?? String(reader.resolver.resolve(props.AuthorizerId)))
          : undefined,
      apiKeyRequired: bool(reader.resolver.resolve(props.ApiKeyRequired), false),
      notes,
    });
  }
}

function authTypeOf(raw: unknown, notes: string[]): AuthType {
  if (typeof raw === 'string') {
    const a = raw.toUpperCase();
    if (AUTH_TYPES.includes(a)) return a as AuthType;
    notes.push(`unknown AuthorizationType ${raw}; treated as NONE`);
  } else if (raw !== undefined) {
    notes.push('AuthorizationType cannot be resolved; treated as NONE');
  }
  return 'NONE';
}

/** Paths of `AWS::ApiGateway::Resource`s, built from PathPart and ParentId (cached; a cycle is unresolved). */
class ResourcePaths {
  private readonly cache = new Map<string, string | Unresolved>();

  constructor(private readonly reader: TemplateReader) {}

  /** The path a `ResourceId` (or `ParentId`) property names: `''` for an API's root resource. */
  public ofResourceId(raw: any): string | Unresolved {
    const v = this.reader.resolver.resolve(raw);
    const logical = typeof v === 'string' ? this.reader.resolver.idToLogical.get(v) : undefined;
    if (logical && logical.endsWith('.RootResourceId')) return '';
    if (logical) return this.of(logical, new Set());
    return new Unresolved('ResourceId cannot be resolved');
  }

  private of(resId: string, seen: Set<string>): string | Unresolved {
    const cached = this.cache.get(resId);
    if (cached !== undefined) return cached;
    const res = this.reader.resources[resId];
    if (!res || res.Type !== 'AWS::ApiGateway::Resource') {
      return new Unresolved(`${resId} is not an AWS::ApiGateway::Resource`);
    }
    if (seen.has(resId)) return new Unresolved(`resource ${resId} is its own ancestor`);
    seen.add(resId);
    const props = res.Properties ?? {};
    const part = this.reader.resolver.resolve(props.PathPart);
    if (typeof part !== 'string') return new Unresolved(`PathPart of ${resId} cannot be resolved`);
    const parentRaw = this.reader.resolver.resolve(props.ParentId);
    const parentLogical = typeof parentRaw === 'string' ? this.reader.resolver.idToLogical.get(parentRaw) : undefined;
    let parentPath: string | Unresolved;
    if (parentLogical && parentLogical.endsWith('.RootResourceId')) parentPath = '';
    else if (parentLogical) parentPath = this.of(parentLogical, seen);
    else parentPath = new Unresolved(`ParentId of ${resId} cannot be resolved`);
    const p = isUnresolved(parentPath) ? parentPath : `${parentPath}/${part}`;
    this.cache.set(resId, p);
    return p;
  }
}
