/**
 * The endpoint type a REST API ends up with, read at synthesis from its final CloudFormation properties
 * (after escape-hatch changes and property overrides): `EndpointConfiguration.Types` and, for imported
 * OpenAPI definitions, `Parameters.endpointConfigurationTypes`. `unknown` where a token decides.
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { EndpointKind } from '../access/compile/model';

/**
 * A property as the template will have it: the L1 property (camelCase keys inside), unless a raw override
 * (`addPropertyOverride`, `addOverride`; PascalCase keys) replaces it or one of its keys.
 */
function finalProperty(
  cfn: apigw.CfnRestApi,
  prop: 'EndpointConfiguration' | 'Parameters',
  value: unknown,
  key: string,
): unknown {
  const overrides = (cfn as unknown as { rawOverrides?: any }).rawOverrides?.Properties;
  const stack = Stack.of(cfn);
  if (!overrides || !(prop in overrides)) return stack.resolve(value);
  const o = stack.resolve(overrides[prop]);
  if (o && typeof o === 'object' && !Array.isArray(o) && !(key in o)) {
    const base = stack.resolve(value) ?? {};
    return { ...base, ...o };
  }
  return o;
}

/** A CloudFormation intrinsic (`{ Ref }`, `{ Fn::If }`, …) or a value that is not an object. */
function opaque(v: unknown): boolean {
  if (v === undefined) return false;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return true;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function kindOfTypes(types: unknown): EndpointKind | 'absent' {
  if (types === undefined) return 'absent';
  const list = typeof types === 'string' ? types.split(',').map((t) => t.trim()) : types;
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== 'string' || Token.isUnresolved(list[0])) {
    return 'unknown';
  }
  return list[0].toUpperCase() === 'PRIVATE' ? 'private' : 'public';
}

/** Whether the API is PRIVATE, public (EDGE, REGIONAL) or unknown at synthesis. */
export function endpointKindOf(api: apigw.IRestApi): EndpointKind {
  const cfn = api.node.defaultChild;
  if (!(cfn instanceof apigw.CfnRestApi)) return 'unknown';
  const endpoint = finalProperty(cfn, 'EndpointConfiguration', cfn.endpointConfiguration, 'Types');
  const params = finalProperty(cfn, 'Parameters', cfn.parameters, 'endpointConfigurationTypes');
  if (opaque(endpoint) || opaque(params)) return 'unknown';
  const fromConfig = kindOfTypes((endpoint as any)?.Types ?? (endpoint as any)?.types);
  const fromParams = kindOfTypes((params as any)?.endpointConfigurationTypes);
  if (fromConfig === 'unknown' || fromParams === 'unknown') return 'unknown';
  if (fromConfig !== 'absent' && fromParams !== 'absent' && fromConfig !== fromParams) return 'unknown';
  const kind = fromConfig !== 'absent' ? fromConfig : fromParams;
  if (kind !== 'absent') return kind;
  // No type given: EDGE, unless the API is cloned from another one (its type is then that API's).
  return cfn.cloneFrom !== undefined ? 'unknown' : 'public';
}

/**
 * The endpoint type name the API ends up with (`EDGE`, `REGIONAL`, `PRIVATE`), and the final
 * `EndpointConfiguration.IpAddressType`; undefined where a token (or a clone) decides.
 */
export function endpointSettingsOf(api: apigw.IRestApi): { type?: string; ipAddressType?: string } {
  const cfn = api.node.defaultChild;
  if (!(cfn instanceof apigw.CfnRestApi)) return {};
  const endpoint = finalProperty(cfn, 'EndpointConfiguration', cfn.endpointConfiguration, 'Types') as any;
  const ip = opaque(endpoint) ? undefined : (endpoint?.IpAddressType ?? endpoint?.ipAddressType);
  const ipAddressType = typeof ip === 'string' && !Token.isUnresolved(ip) ? ip.toLowerCase() : undefined;
  const kind = endpointKindOf(api);
  if (kind === 'private') return { type: 'PRIVATE', ipAddressType };
  if (kind === 'unknown') return { ipAddressType };
  const types = endpoint?.Types ?? endpoint?.types;
  const first = Array.isArray(types) ? types[0] : typeof types === 'string' ? types.split(',')[0].trim() : undefined;
  return { type: typeof first === 'string' ? first.toUpperCase() : 'EDGE', ipAddressType };
}
