import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { PolicyAttachment } from './attachment';
import { CompileError, compilePolicy, PolicyJson, PolicyPart } from './compile/compile';
import { scopeContains } from './compile/scopes';
import { ApiScope } from './scope';
import { Source } from './source';
import { cidrContains, parseCidr } from '../private/cidr';
import { describeScope, propError, scopeError } from '../private/errors';

/** Props of {@link AccessPolicy}. */
export interface AccessPolicyProps {
  /**
   * Callers admitted to the whole API: a request is admitted if ANY of these matches (and no deny rule).
   * @default - none; add scoped rules with `allowOn`. A policy without allow rules admits nobody.
   */
  readonly allow?: Source[];
  /**
   * Callers always refused, whatever the allow rules say.
   * @default - none
   */
  readonly deny?: Source[];
}

/** Options of {@link AccessPolicy.compile}. */
export interface AccessPolicyCompileOptions {
  /**
   * Compile for a PRIVATE endpoint API: IP ranges test `aws:VpcSourceIp` instead of `aws:SourceIp`.
   * @default false
   */
  readonly privateEndpoint?: boolean;
  /**
   * The API's stage names, where scopes that name methods or paths but no stages are enumerated (so that a
   * `*` stage cannot match a crafted path).
   * @default - none known: such allow rules admit on no stage, such deny rules use a wildcard stage
   */
  readonly stages?: string[];
}

interface AllowEntry {
  readonly scope: ApiScope;
  /** AND of these (one unless narrowedBy). */
  readonly sources: ReadonlyArray<{ readonly source: Source; readonly label: string }>;
}

interface DenyEntry {
  readonly scope: ApiScope;
  readonly source: Source;
  readonly label: string;
}

/**
 * Typed "who may call" rules for an API Gateway REST API, compiled to a resource policy that admits a
 * request iff it matches at least one allow rule covering the request's stage, method and path, and no
 * deny rule — for anonymous, same-account IAM, cross-account IAM and AWS service callers alike.
 *
 * Not a construct: create it anywhere, apply it with `applyTo(api)` (or let a construct of this library do
 * it). The policy is rendered at synthesis: rules added after `applyTo`, and stages added later, count.
 * Several policies applied to one API are AND-ed.
 *
 * @example
 * const policy = new AccessPolicy({ allow: [Source.ipRanges(['203.0.113.0/24'])] });
 * policy.allowOn(ApiScope.methods(['GET'], '/public/*'), Source.anyone());
 * policy.applyTo(api);
 */
export class AccessPolicy {
  private readonly allowRules: AllowEntry[] = [];
  private readonly denyRules: DenyEntry[] = [];
  /** For a policy made by narrowedBy: the policies AND-ed (its own rules are deny rules only). */
  private readonly operands: AccessPolicy[] = [];
  private readonly appliedTo: apigw.RestApiBase[] = [];
  private allowOnCalls = 0;
  private denyOnCalls = 0;

  constructor(props: AccessPolicyProps = {}) {
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      throw propError('AccessPolicy', {
        prop: 'props',
        value: props,
        problem: 'is not an object',
        expected: '{ allow?: Source[], deny?: Source[] }',
      });
    }
    const whole = ApiScope.api();
    sourcesArg('AccessPolicy', 'allow', props.allow, true).forEach((source, i) =>
      this.allowRules.push({ scope: whole, sources: [{ source, label: `allow[${i}]` }] }),
    );
    sourcesArg('AccessPolicy', 'deny', props.deny, true).forEach((source, i) =>
      this.denyRules.push({ scope: whole, source, label: `deny[${i}]` }),
    );
  }

  /**
   * Admits callers matching ANY of `sources` on `scope` (in addition to the other allow rules).
   * @returns this policy, for chaining
   */
  public allowOn(scope: ApiScope, ...sources: Source[]): AccessPolicy {
    const where = this.where('allowOn');
    if (this.operands.length > 0) {
      throw propError(where, {
        prop: 'allowOn',
        value: 'a policy made by narrowedBy()',
        problem: 'takes no further allow rules (they would widen both sides)',
        expected:
          'allow rules added to the policies before narrowing them, or another AccessPolicy applied to the same API',
      });
    }
    scopeArg(where, scope);
    const n = this.allowOnCalls++;
    sourcesArg(where, 'sources', sources, false).forEach((source, i) =>
      this.allowRules.push({ scope, sources: [{ source, label: `allowOn[${n}].sources[${i}]` }] }),
    );
    return this;
  }

  /**
   * Refuses callers matching ANY of `sources` on `scope`, whatever the allow rules say.
   * @returns this policy, for chaining
   */
  public denyOn(scope: ApiScope, ...sources: Source[]): AccessPolicy {
    const where = this.where('denyOn');
    scopeArg(where, scope);
    const n = this.denyOnCalls++;
    sourcesArg(where, 'sources', sources, false).forEach((source, i) =>
      this.denyRules.push({ scope, source, label: `denyOn[${n}].sources[${i}]` }),
    );
    return this;
  }

  /**
   * A new policy that admits a request iff BOTH this policy and `other` admit it (AND semantics). Both are
   * kept by reference: rules added to either later still count. Deny rules may be added to the result;
   * allow rules may not (add them to the operands).
   */
  public narrowedBy(other: AccessPolicy): AccessPolicy {
    if (!(other instanceof AccessPolicy)) {
      throw propError(this.where('narrowedBy'), {
        prop: 'other',
        value: other,
        problem: 'is not an AccessPolicy',
        expected: 'an AccessPolicy',
      });
    }
    const out = new AccessPolicy();
    out.operands.push(this, other);
    return out;
  }

  /**
   * Compiles the policy to plain JSON (`execute-api:/…` shorthand resources) for the given endpoint type
   * and stages. Errors name `scope`'s construct path. (`applyTo` compiles for the API it is applied to.)
   */
  public toJson(scope: IConstruct, options: AccessPolicyCompileOptions = {}): any {
    if (!scope || typeof scope !== 'object' || !('node' in scope)) {
      throw propError(this.where('toJson'), {
        prop: 'scope',
        value: scope,
        problem: 'is not a construct',
        expected: 'a construct (its stack resolves tokens)',
      });
    }
    const stack = Stack.of(scope);
    const stages = options?.stages;
    let json: PolicyJson;
    try {
      json = compilePolicy({
        parts: this._partsFor(stack),
        endpoint: options?.privateEndpoint ? 'private' : 'public',
        stages: { names: stages ?? [], complete: stages !== undefined },
        arnPrefix: `arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:??????????/`,
      });
    } catch (e) {
      if (e instanceof CompileError) throw scopeError(scope, `access policy: ${e.message}`);
      throw e;
    }
    return json;
  }

  /** Compiles the policy to an `iam.PolicyDocument` (see {@link toJson}). */
  public compile(scope: IConstruct, options: AccessPolicyCompileOptions = {}): iam.PolicyDocument {
    return iam.PolicyDocument.fromJson(this.toJson(scope, options));
  }

  /**
   * Applies the policy to an API: at synthesis its statements join the API's resource policy (after any
   * statements added with `addToResourcePolicy`), compiled for the endpoint type and the stages the API
   * then has (stages made in any way, in any stack of the app), and the whole policy is checked against
   * the 8,192-character quota. IP ranges test `aws:VpcSourceIp` on PRIVATE APIs, `aws:SourceIp` on others,
   * and both where the endpoint type is a token. Every Deployment of the API changes with the policy.
   *
   * Works with `RestApi`, `SpecRestApi` and `LambdaRestApi`; an imported API is refused (its policy is not
   * managed here).
   */
  public applyTo(api: apigw.IRestApi): void {
    const cfn = api?.node?.defaultChild;
    if (!(api instanceof apigw.RestApiBase) || !(cfn instanceof apigw.CfnRestApi)) {
      throw propError(api instanceof apigw.RestApiBase ? api : this.where('applyTo'), {
        prop: 'api',
        value: api,
        problem:
          api instanceof apigw.RestApiBase
            ? 'is an imported API whose resource policy cannot be changed here'
            : 'is not a REST API',
        expected:
          'a RestApi, SpecRestApi or LambdaRestApi defined in this app (set the policy of an imported API where it is defined)',
      });
    }
    PolicyAttachment.of(api, cfn).add(this);
    if (!this.appliedTo.includes(api)) this.appliedTo.push(api);
  }

  /** @internal this policy's rules and those of the policies it narrows (AND-ed), as compiler data. */
  public _partsFor(stack: Stack): PolicyPart[] {
    if (this.operands.length === 0) {
      return [
        {
          allow: this.allowRules.map((r) => ({
            scope: r.scope._data(),
            sources: r.sources.map((x) => x.source._data(stack)),
          })),
          deny: this.denyRules.map((d) => ({ scope: d.scope._data(), source: d.source._data(stack) })),
        },
      ];
    }
    const parts = this.operands.flatMap((o) => o._partsFor(stack));
    const ownDeny = this.denyRules.map((d) => ({ scope: d.scope._data(), source: d.source._data(stack) }));
    return [{ allow: parts[0].allow, deny: [...parts[0].deny, ...ownDeny] }, ...parts.slice(1)];
  }

  /** @internal warnings about the rules: an allow fully covered by a deny, a part without allow rules. */
  public _warnings(): Array<{ id: string; message: string }> {
    const out: Array<{ id: string; message: string }> = [];
    for (const w of this.shadowed()) out.push({ id: 'cdk-api-gatekeeper:access-allow-shadowed', message: w });
    if (this.leaves().some((l) => l.allowRules.length === 0)) {
      out.push({
        id: 'cdk-api-gatekeeper:access-no-allow',
        message:
          'The access policy has no allow rule, so it admits nobody (every request is denied). Add allow rules, e.g. Source.anyone() to admit everyone but the denied.',
      });
    }
    return out;
  }

  /** The policies whose allow rules count (this one, or the operands of a narrowed policy). */
  private leaves(): AccessPolicy[] {
    return this.operands.length === 0 ? [this] : this.operands.flatMap((o) => o.leaves());
  }

  private allDenies(): DenyEntry[] {
    return [...this.denyRules, ...this.operands.flatMap((o) => o.allDenies())];
  }

  private shadowed(): string[] {
    const out: string[] = [];
    const denies = this.allDenies();
    for (const a of this.leaves().flatMap((l) => l.allowRules)) {
      const src = a.sources[0].source;
      const d = denies.find((x) => scopeContains(x.scope._data(), a.scope._data()) && covers(x.source, src));
      if (d) {
        out.push(
          `${a.sources[0].label} ${src} is fully covered by ${d.label} ${d.source}: it admits nobody. Remove one of them.`,
        );
      }
    }
    return out;
  }

  /** Where a call is, for error messages: the API the policy is applied to, if any. */
  private where(method: string): string {
    const api = this.appliedTo[0];
    return api ? `${describeScope(api)} AccessPolicy.${method}` : `AccessPolicy.${method}`;
  }
}

/** A list of Sources given to `where` as `prop` (checked: a list, each a Source; empty allowed for props). */
function sourcesArg(where: string, prop: string, list: unknown, optional: boolean): Source[] {
  if (list === undefined && optional) return [];
  if (Array.isArray(list) && list.length === 0 && optional) {
    throw propError(where, {
      prop,
      value: list,
      problem: 'must not be empty',
      expected: 'at least one Source, or leave it unset',
    });
  }
  if (!Array.isArray(list)) {
    throw propError(where, {
      prop,
      value: list,
      problem: 'is not a list',
      expected: 'a list of Source, e.g. [Source.ipRanges([...])]',
    });
  }
  if (list.length === 0 && !optional) {
    throw propError(where, { prop, value: list, problem: 'must not be empty', expected: 'at least one Source' });
  }
  list.forEach((s, i) => {
    if (!(s instanceof Source)) {
      throw propError(where, {
        prop: `${prop}[${i}]`,
        value: s,
        problem: 'is not a Source',
        expected: 'a Source from Source.ipRanges(), Source.accounts(), Source.vpcEndpoints(), ...',
      });
    }
  });
  return list as Source[];
}

function scopeArg(where: string, scope: unknown): void {
  if (!(scope instanceof ApiScope)) {
    throw propError(where, {
      prop: 'scope',
      value: scope,
      problem: 'is not an ApiScope',
      expected: "an ApiScope such as ApiScope.paths(['/public/*']) or ApiScope.api()",
    });
  }
}

/** Whether the deny source refuses every caller the allow source admits (for the shadowing warning). */
function covers(deny: Source, allow: Source): boolean {
  const d = deny._data();
  const a = allow._data();
  if (d.anyone) return true;
  if (a.anyone || d.alternatives.length !== 1 || a.alternatives.length !== 1) return false;
  const [da] = d.alternatives;
  const [aa] = a.alternatives;
  if (da.length !== 1 || aa.length !== 1 || da[0].key !== aa[0].key) return false;
  if (da[0].key === 'ip') {
    const dc = da[0].values.map((v) => parseCidr(v)).filter((c) => c !== undefined);
    return aa[0].values.every((v) => {
      const c = parseCidr(v);
      return !!c && dc.some((x) => cidrContains(x!, c));
    });
  }
  return aa[0].values.every((v) => da[0].values.includes(v));
}
