import { IConstruct } from 'constructs';

/**
 * Where a problem was found: a construct (its type name and path are used), or a plain label such as
 * `RequestSimulator` when there is no construct.
 */
export type ErrorScope = IConstruct | string;

/** What was wrong with one prop. */
export interface PropProblem {
  /** The prop as the user wrote it, e.g. `vpcEndpoints` or `tiers[1].throttle.burstLimit`. */
  readonly prop: string;
  /** The value received (rendered compactly; tokens are shown as `${Token[...]}`). */
  readonly value: unknown;
  /** What is wrong, e.g. `must not be empty`. Default: `is invalid`. */
  readonly problem?: string;
  /** The accepted form, e.g. `a CIDR such as 10.0.0.0/16 or 2001:db8::/32`. */
  readonly expected: string;
}

/** The error every synth-time check throws. Not exported from the package (jsii users see a plain Error). */
export class GatekeeperError extends Error {
  public readonly prop?: string;
  constructor(message: string, prop?: string) {
    super(message);
    this.name = 'GatekeeperError';
    this.prop = prop;
  }
}

/** `PrivateApi 'App/Stack/Internal'`, or the label itself for string scopes. */
export function describeScope(scope: ErrorScope): string {
  if (typeof scope === 'string') return scope;
  const path = scope.node.path || '<root>';
  return `${constructTypeName(scope)} '${path}'`;
}

/**
 * The construct's class name as users know it: the jsii type name where the class has one (aws-cdk-lib's
 * decorated classes are named `RestApi2` at run time), else the JavaScript class name.
 */
function constructTypeName(scope: IConstruct): string {
  const rtti = Symbol.for('jsii.rtti');
  const ctor = (scope as { constructor?: unknown }).constructor as any;
  const base = (name: string) => name.replace(/\d+$/, '');
  // Walk up through classes of the same name (decorator wrappers such as RestApi2) to the one that carries
  // its own jsii type info; a subclass of another name (a user's class) keeps its own name.
  for (let c = ctor; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (Object.prototype.hasOwnProperty.call(c, rtti) && c[rtti]?.fqn) return String(c[rtti].fqn).split('.').pop()!;
    const parent = Object.getPrototypeOf(c);
    if (!parent?.name || base(parent.name) !== base(c.name)) break;
  }
  return ctor?.name || 'Construct';
}

/**
 * The scope label of a construct that is not constructed yet (checks that must run before `super()`):
 * `PrivateApi 'App/Stack/Internal'`, the same as {@link describeScope} gives once it exists.
 */
export function describeNewConstruct(kind: string, scope: IConstruct, id: string): string {
  return `${kind} '${scope.node.path ? `${scope.node.path}/` : ''}${id}'`;
}

/** Renders a received value compactly for an error message. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'object' && value !== null && 'node' in value && (value as IConstruct).node?.path) {
    return `<${(value as IConstruct).node.path}>`;
  }
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 200 ? `${json.slice(0, 197)}...` : json;
  } catch {
    return String(value);
  }
}

/**
 * The message of a bad-input error: construct path, prop, value and accepted form, e.g.
 * `PrivateApi 'App/Internal': 'vpcEndpoints' must not be empty: got []; expected at least one interface VPC endpoint, or use 'vpcs'`.
 */
export function propMessage(scope: ErrorScope, p: PropProblem): string {
  return `${describeScope(scope)}: '${p.prop}' ${p.problem ?? 'is invalid'}: got ${renderValue(p.value)}; expected ${p.expected}`;
}

/** A bad-input error (see {@link propMessage}). Throw it: `throw propError(this, {...})`. */
export function propError(scope: ErrorScope, p: PropProblem): GatekeeperError {
  return new GatekeeperError(propMessage(scope, p), p.prop);
}

/** An error that is not about one prop (e.g. a whole policy over the size quota). */
export function scopeError(scope: ErrorScope, message: string): GatekeeperError {
  return new GatekeeperError(`${describeScope(scope)}: ${message}`);
}
