/**
 * Checks of a request handed to the simulator (JavaScript callers and the CLI have no compiler): each
 * problem is a SimulationInputError naming the field, the value and the accepted form.
 */
import { SimulationInputError } from './request';

const STRING_FIELDS = [
  'api',
  'stage',
  'method',
  'path',
  'domainName',
  'sourceIp',
  'vpcEndpointId',
  'vpcId',
  'authorizer',
  'apiKey',
  'apiKeyRef',
  'userAgent',
  'referer',
];
const CALLER_STRING_FIELDS = ['account', 'arn', 'orgId', 'identityPolicy'];
const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;

/** At most this many requests in one `invokeRepeatedly` (a bound on the time one call can take). */
export const MAX_REPEAT = 1_000_000;

function fail(field: string, value: unknown, expected: string): never {
  throw new SimulationInputError(`'${field}' is malformed: got ${show(value)}; expected ${expected}`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A dotted-quad IPv4 address (no leading zeros, each part 0–255) or an IPv6 address. */
export function isIpAddress(value: string): boolean {
  if (value.includes(':')) return /^[0-9a-fA-F:.]+$/.test(value) && isIpv6(value);
  const parts = value.split('.');
  if (parts.length === 4) return parts.every((p) => IPV4_OCTET.test(p) && Number(p) <= 255);
  return false;
}

function isIpv6(value: string): boolean {
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = halves.flatMap(groups);
  const tailV4 = all.length > 0 && all[all.length - 1].includes('.');
  const hex = tailV4 ? all.slice(0, -1) : all;
  if (tailV4 && !isIpAddress(all[all.length - 1])) return false;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const width = hex.length + (tailV4 ? 2 : 0);
  return halves.length === 2 ? width < 8 : width === 8;
}

/** Throws a SimulationInputError unless `request` is a well-formed SimulatedRequest. */
export function checkRequest(request: unknown): void {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    fail('request', request, "an object such as { method: 'GET', path: '/items' }");
  }
  const r = request as { [k: string]: unknown };
  for (const f of STRING_FIELDS) {
    if (r[f] !== undefined && typeof r[f] !== 'string') fail(f, r[f], 'a string');
  }
  checkDomainName(r);
  if (typeof r.method !== 'string') fail('method', r.method, 'an HTTP method such as GET');
  if (typeof r.path !== 'string' || !r.path.startsWith('/')) fail('path', r.path, "a path starting with '/'");
  if (r.sourceIp !== undefined && !isIpAddress(r.sourceIp as string)) {
    fail('sourceIp', r.sourceIp, 'an IPv4 address such as 203.0.113.7 (no leading zeros) or an IPv6 address');
  }
  if (
    r.authorizer !== undefined &&
    r.authorizer !== '' &&
    !['allow', 'deny'].includes((r.authorizer as string).toLowerCase())
  ) {
    fail('authorizer', r.authorizer, "'allow' or 'deny' (AuthorizerDecision)");
  }
  if (r.caller !== undefined) checkCaller(r.caller);
}

/** `domainName` takes the API and stage from the domain's base path mapping: neither may be given with it. */
function checkDomainName(r: { [k: string]: unknown }): void {
  if (r.domainName === undefined) return;
  if (r.domainName === '') fail('domainName', r.domainName, 'a domain name such as orders.internal.example.com');
  const given = ['api', 'stage'].filter((f) => r[f] !== undefined);
  if (given.length > 0) {
    throw new SimulationInputError(
      `${given.map((f) => `'${f}'`).join(' and ')} cannot be given with 'domainName': a request through a domain goes to the API and stage of the domain's base path mapping`,
    );
  }
}

function checkCaller(caller: unknown): void {
  if (caller === null || typeof caller !== 'object' || Array.isArray(caller)) {
    fail('caller', caller, "an object such as { account: '111122223333' }");
  }
  const c = caller as { [k: string]: unknown };
  for (const f of CALLER_STRING_FIELDS) {
    if (c[f] !== undefined && typeof c[f] !== 'string') fail(`caller.${f}`, c[f], 'a string');
  }
  if (typeof c.account !== 'string') fail('caller.account', c.account, 'an AWS account id such as 111122223333');
  const idp = c.identityPolicy as string | undefined;
  if (idp !== undefined && !['allow', 'deny', 'none', 'neither'].includes(idp.toLowerCase())) {
    fail('caller.identityPolicy', idp, "'allow', 'deny' or 'none' (IdentityPolicy)");
  }
  if (c.orgPaths !== undefined && (!Array.isArray(c.orgPaths) || !c.orgPaths.every((p) => typeof p === 'string'))) {
    fail('caller.orgPaths', c.orgPaths, "a list of organization paths such as ['o-a1b2c3d4e5/r-ab12/']");
  }
}
