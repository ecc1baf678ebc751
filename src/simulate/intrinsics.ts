/**
 * Resolution of CloudFormation intrinsic functions for the simulator. Whatever cannot be resolved offline
 * becomes an {@link Unresolved} marker that carries the reason; callers treat it conservatively.
 */
import { createHash } from 'crypto';
import { SimulationInputError } from './request';

/** A value the simulator could not compute offline. */
export class Unresolved {
  constructor(public readonly why: string) {}
  public toString(): string {
    return `<unresolved: ${this.why}>`;
  }
}

export function isUnresolved(v: unknown): v is Unresolved {
  return v instanceof Unresolved;
}

/** Marker for `AWS::NoValue`: removed from lists and objects. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface ResolveContext {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
  readonly parameters: Record<string, string>;
}

function hash(text: string, len: number, alphabet: string): string {
  const h = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < len; i++) out += alphabet[h[i] % alphabet.length];
  return out;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** Stable placeholder for the physical id CloudFormation would generate for a resource. */
export function placeholderId(logicalId: string, type: string): string {
  switch (type) {
    case 'AWS::ApiGateway::RestApi':
    case 'AWS::Serverless::Api':
      return hash(logicalId, 10, ALNUM);
    case 'AWS::EC2::VPCEndpoint':
      return `vpce-${hash(logicalId, 17, HEX)}`;
    case 'AWS::EC2::VPC':
      return `vpc-${hash(logicalId, 17, HEX)}`;
    case 'AWS::ApiGateway::ApiKey':
    case 'AWS::ApiGateway::UsagePlan':
    case 'AWS::ApiGateway::Resource':
    case 'AWS::ApiGateway::Deployment':
    case 'AWS::ApiGateway::Authorizer':
      return hash(logicalId, 10, ALNUM);
    default:
      return `${logicalId}-${hash(logicalId, 8, ALNUM)}`;
  }
}

/** Resolves intrinsics over one template. */
export class Resolver {
  /** physical placeholder → logical id */
  public readonly idToLogical = new Map<string, string>();
  private readonly conditionCache = new Map<string, boolean | Unresolved>();
  /** attributes being resolved (to refuse cycles) */
  private readonly resolving = new Set<string>();

  constructor(
    public readonly template: { [key: string]: any },
    public readonly ctx: ResolveContext,
  ) {
    for (const [id, res] of Object.entries(this.resources)) {
      this.idToLogical.set(this.refOfResource(id, res), id);
    }
  }

  public get resources(): Record<string, any> {
    const r = this.template.Resources;
    return r && typeof r === 'object' && !Array.isArray(r) ? r : {};
  }

  private refOfResource(logicalId: string, res: any): string {
    const type = String(res?.Type ?? '');
    if (type === 'AWS::ApiGateway::Stage') {
      const name = res?.Properties?.StageName;
      if (typeof name === 'string') return name;
    }
    return placeholderId(logicalId, type);
  }

  /** Root resource id placeholder of a RestApi. */
  public rootResourceId(apiLogicalId: string): string {
    const id = `root-${placeholderId(apiLogicalId, 'AWS::ApiGateway::RestApi')}`;
    this.idToLogical.set(id, `${apiLogicalId}.RootResourceId`);
    return id;
  }

  private parameter(name: string): unknown {
    const params = this.template.Parameters ?? {};
    const p = params[name];
    if (!p || typeof p !== 'object') return undefined;
    const given = this.ctx.parameters[name];
    let raw: unknown = given !== undefined ? given : p.Default;
    if (raw === undefined || raw === null) {
      return new Unresolved(`parameter ${name} has no default and no value was given (use --parameter ${name}=VALUE)`);
    }
    const type = String(p.Type ?? 'String');
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      if (Array.isArray(raw)) return raw.map((x) => String(x));
      return String(raw)
        .split(',')
        .map((s) => s.trim());
    }
    return typeof raw === 'string' ? raw : String(raw);
  }

  public ref(name: string): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return this.ctx.account;
      case 'AWS::Region':
        return this.ctx.region;
      case 'AWS::Partition':
        return this.ctx.partition;
      case 'AWS::URLSuffix':
        return this.ctx.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName':
        return this.ctx.stackName;
      case 'AWS::StackId':
        return `arn:${this.ctx.partition}:cloudformation:${this.ctx.region}:${this.ctx.account}:stack/${this.ctx.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
    }
    const params = this.template.Parameters ?? {};
    if (params && typeof params === 'object' && name in params) return this.parameter(name);
    const res = this.resources[name];
    if (res) return this.refOfResource(name, res);
    if (name.includes('.')) return new Unresolved(`Ref ${name} is a SAM-only reference (needs the SAM transform)`);
    return new Unresolved(`Ref ${name} names nothing in the template`);
  }

  public getAtt(logicalId: string, attr: string): unknown {
    const res = this.resources[logicalId];
    if (!res) return new Unresolved(`GetAtt ${logicalId}.${attr}: no such resource`);
    const type = String(res.Type ?? '');
    if (type === 'AWS::ApiGateway::RestApi' && attr === 'RootResourceId') return this.rootResourceId(logicalId);
    if (type === 'AWS::ApiGateway::RestApi' && attr === 'RestApiId') return this.refOfResource(logicalId, res);
    if (type === 'AWS::EC2::VPCEndpoint' && attr === 'Id') return this.refOfResource(logicalId, res);
    if (type === 'AWS::EC2::VPC' && attr === 'VpcId') return this.refOfResource(logicalId, res);
    if (attr === 'Arn' && (type === 'AWS::IAM::Role' || type === 'AWS::IAM::User')) {
      const nameProp = type === 'AWS::IAM::Role' ? 'RoleName' : 'UserName';
      const given = this.resolveOnce(`${logicalId}.${attr}`, `${logicalId}.${nameProp}`, res.Properties?.[nameProp]);
      const name =
        typeof given === 'string' ? given : `${logicalId}-${placeholderId(logicalId, type).slice(-8).toUpperCase()}`;
      return `arn:${this.ctx.partition}:iam::${this.ctx.account}:${type === 'AWS::IAM::Role' ? 'role' : 'user'}/${name}`;
    }
    if (attr === 'Arn') {
      return `arn:${this.ctx.partition}:placeholder:${this.ctx.region}:${this.ctx.account}:${logicalId}`;
    }
    return `${placeholderId(logicalId, type)}.${attr}`;
  }

  /**
   * Resolves a property that an attribute is made of, refusing a cycle (`RoleName: !GetAtt Role.Arn`):
   * CloudFormation rejects circular dependencies, so the template is bad input.
   */
  private resolveOnce(attribute: string, property: string, value: any): any {
    if (this.resolving.has(attribute)) {
      throw new SimulationInputError(
        `circular reference in the template: ${attribute} needs ${property}, which refers back to ${attribute} (CloudFormation rejects circular dependencies)`,
      );
    }
    this.resolving.add(attribute);
    try {
      return this.resolve(value);
    } finally {
      this.resolving.delete(attribute);
    }
  }

  /** Evaluates a named condition of the template. */
  public condition(name: string): boolean | Unresolved {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const conds = this.template.Conditions ?? {};
    if (!(name in conds)) return new Unresolved(`condition ${name} is not defined`);
    this.conditionCache.set(name, new Unresolved(`condition ${name} refers to itself`));
    const v = this.evalCondition(conds[name]);
    this.conditionCache.set(name, v);
    return v;
  }

  private evalCondition(expr: any): boolean | Unresolved {
    if (typeof expr === 'boolean') return expr;
    if (expr && typeof expr === 'object' && !Array.isArray(expr)) {
      const keys = Object.keys(expr);
      if (keys.length === 1) {
        const k = keys[0];
        const arg = expr[k];
        if (k === 'Condition') return this.condition(String(arg));
        if (k === 'Fn::Equals' && Array.isArray(arg) && arg.length === 2) {
          const a = this.resolve(arg[0]);
          const b = this.resolve(arg[1]);
          if (isUnresolved(a)) return a;
          if (isUnresolved(b)) return b;
          return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
        }
        if ((k === 'Fn::And' || k === 'Fn::Or') && Array.isArray(arg)) {
          const vals = arg.map((x: any) => this.evalCondition(x));
          const u = vals.find(isUnresolved);
          if (k === 'Fn::And') {
            if (vals.some((v: any) => v === false)) return false;
            return u ?? true;
          }
          if (vals.some((v: any) => v === true)) return true;
          return u ?? false;
        }
        if (k === 'Fn::Not' && Array.isArray(arg) && arg.length === 1) {
          const v = this.evalCondition(arg[0]);
          return isUnresolved(v) ? v : !v;
        }
      }
    }
    const v = this.resolve(expr);
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    return isUnresolved(v) ? v : new Unresolved(`condition expression ${JSON.stringify(expr)} is not understood`);
  }

  /** Resolves every intrinsic inside a value. `AWS::NoValue` disappears from objects and lists. */
  public resolve(value: any, depth = 0): any {
    if (depth > 64) return new Unresolved('intrinsics nested too deeply');
    if (Array.isArray(value)) {
      const out: any[] = [];
      for (const item of value) {
        const r = this.resolve(item, depth + 1);
        if (r !== NO_VALUE) out.push(r);
      }
      return out;
    }
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
      const r = this.intrinsic(keys[0], value[keys[0]], depth);
      if (r !== undefined) return r;
    }
    const out: Record<string, any> = {};
    for (const k of keys) {
      const r = this.resolve(value[k], depth + 1);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private intrinsic(fn: string, arg: any, depth: number): any {
    switch (fn) {
      case 'Ref':
        return typeof arg === 'string' ? this.ref(arg) : new Unresolved('Ref needs a name');
      case 'Condition':
        return undefined; // a plain key named Condition (e.g. in a policy statement) stays an object
      case 'Fn::GetAtt': {
        const parts =
          typeof arg === 'string'
            ? arg.split('.')
            : Array.isArray(arg)
              ? arg.map((x) => this.resolve(x, depth + 1))
              : [];
        if (parts.length < 2 || parts.some((p: any) => typeof p !== 'string')) {
          return new Unresolved('malformed Fn::GetAtt');
        }
        return this.getAtt(parts[0], parts.slice(1).join('.'));
      }
      case 'Fn::Sub':
        return this.sub(arg, depth);
      case 'Fn::Join':
        return this.join(arg, depth);
      case 'Fn::Select':
        return this.select(arg, depth);
      case 'Fn::Split':
        return this.split(arg, depth);
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3) return new Unresolved('malformed Fn::If');
        const c = this.condition(String(arg[0]));
        if (isUnresolved(c)) return c;
        return this.resolve(c ? arg[1] : arg[2], depth + 1);
      }
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
        return this.evalCondition({ [fn]: arg });
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length < 3) return new Unresolved('malformed Fn::FindInMap');
        const [m, a, b] = arg.slice(0, 3).map((x: any) => this.resolve(x, depth + 1));
        const v = this.template.Mappings?.[m]?.[a]?.[b];
        return v === undefined ? new Unresolved(`Fn::FindInMap ${m}.${a}.${b} not found`) : this.resolve(v, depth + 1);
      }
      case 'Fn::Base64':
        return this.resolve(arg, depth + 1);
      case 'Fn::GetAZs':
        return [`${this.ctx.region}a`, `${this.ctx.region}b`, `${this.ctx.region}c`];
      case 'Fn::ToJsonString': {
        const v = this.resolve(arg, depth + 1);
        return containsUnresolved(v) ? new Unresolved('Fn::ToJsonString of an unresolved value') : JSON.stringify(v);
      }
      case 'Fn::Length': {
        const v = this.resolve(arg, depth + 1);
        return Array.isArray(v) ? v.length : new Unresolved('Fn::Length of a non-list');
      }
      case 'Fn::ImportValue':
        return new Unresolved('Fn::ImportValue needs another stack');
      case 'Fn::Transform':
        return new Unresolved('Fn::Transform (e.g. AWS::Include) needs files and macros outside the template');
      case 'Fn::Cidr':
        return new Unresolved('Fn::Cidr is not evaluated');
      default:
        return undefined;
    }
  }

  private join(arg: any, depth: number): any {
    if (!Array.isArray(arg) || arg.length !== 2) return new Unresolved('malformed Fn::Join');
    const delim = this.resolve(arg[0], depth + 1);
    const list = this.resolve(arg[1], depth + 1);
    if (isUnresolved(delim)) return delim;
    if (isUnresolved(list)) return list;
    if (!Array.isArray(list)) return new Unresolved('Fn::Join needs a list');
    const u = list.find(isUnresolved);
    if (u) return u;
    if (list.some((x: any) => typeof x === 'object' && x !== null)) {
      return new Unresolved('Fn::Join of a non-string');
    }
    return list.map((x: any) => String(x)).join(String(delim));
  }

  private select(arg: any, depth: number): any {
    if (!Array.isArray(arg) || arg.length !== 2) return new Unresolved('malformed Fn::Select');
    const idx = this.resolve(arg[0], depth + 1);
    const list = this.resolve(arg[1], depth + 1);
    if (isUnresolved(idx)) return idx;
    if (isUnresolved(list)) return list;
    const i = Number(idx);
    if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) {
      return new Unresolved('Fn::Select index out of range');
    }
    return list[i];
  }

  private split(arg: any, depth: number): any {
    if (!Array.isArray(arg) || arg.length !== 2) return new Unresolved('malformed Fn::Split');
    const delim = this.resolve(arg[0], depth + 1);
    const s = this.resolve(arg[1], depth + 1);
    if (isUnresolved(delim)) return delim;
    if (isUnresolved(s)) return s;
    if (typeof s !== 'string') return new Unresolved('Fn::Split of a non-string');
    return s.split(String(delim));
  }

  private sub(arg: any, depth: number): any {
    let text: any;
    let vars: Record<string, any> = {};
    if (typeof arg === 'string') {
      text = arg;
    } else if (Array.isArray(arg) && arg.length >= 1) {
      text = arg[0];
      if (arg[1] && typeof arg[1] === 'object') vars = arg[1];
    }
    if (typeof text !== 'string') return new Unresolved('malformed Fn::Sub');
    let unresolved: Unresolved | undefined;
    const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      let v: any;
      if (name in vars) {
        v =
          vars[name] === null
            ? new Unresolved(`Fn::Sub variable ${name} is null`)
            : this.resolve(vars[name], depth + 1);
      } else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        v = this.getAtt(name.slice(0, dot), name.slice(dot + 1));
      } else {
        v = this.ref(name);
      }
      if (isUnresolved(v)) {
        unresolved = unresolved ?? v;
        return whole;
      }
      if (v === NO_VALUE || typeof v === 'object') {
        unresolved = unresolved ?? new Unresolved(`Fn::Sub variable ${name} is not a string`);
        return whole;
      }
      return String(v);
    });
    return unresolved ?? out;
  }
}

export function containsUnresolved(v: any): boolean {
  if (isUnresolved(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnresolved);
  if (v && typeof v === 'object') return Object.values(v).some(containsUnresolved);
  return false;
}

export function firstUnresolved(v: any): Unresolved | undefined {
  if (isUnresolved(v)) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnresolved(x);
      if (u) return u;
    }
  } else if (v && typeof v === 'object') {
    for (const x of Object.values(v)) {
      const u = firstUnresolved(x);
      if (u) return u;
    }
  }
  return undefined;
}
