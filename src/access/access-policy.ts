import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  CompileError,
  compilePolicy,
  PolicyJson,
  policySize,
  POLICY_SIZE_LIMIT,
  scopeContains,
} from './compile/compile';
import { RuleData } from './compile/model';
import { ApiScope } from './scope';
import { Source } from './source';
import { cidrContains, parseCidr } from '../private/cidr';
import { propError, scopeError } from '../private/errors';

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
   * The API's stage names. Needed when a scope names methods or paths but not stages (the stages are then
   * enumerated so that a `*` stage cannot match a crafted path).
   * @default - none; such scopes are an error
   */
  readonly stages?: string[];
}

interface AllowEntry {
  readonly scope: ApiScope;
  /** AND of these (one unless narrowedBy). */
  readonly sources: ReadonlyArray<{ readonly source: Source; readonly label: string }>;
  readonly scopeLabel: string;
}

interface DenyEntry {
  readonly scope: ApiScope;
  readonly source: Source;
  readonly label: string;
  readonly scopeLabel: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY', '*'];

/**
 * Typed "who may call" rules for an API Gateway REST API, compiled to a resource policy that admits a
 * request iff it matches at least one allow rule covering the request's stage, method and path, and no
 * deny rule — for anonymous, same-account IAM and cross-account IAM callers alike.
 *
 * Not a construct: create it anywhere, apply it with `applyTo(api)` (or let a construct of this library do it).
 *
 * @example
 * const policy = new AccessPolicy({ allow: [Source.ipRanges(['203.0.113.0/24'])] });
 * policy.allowOn(ApiScope.methods(['GET'], '/public/*'), Source.anyone());
 * policy.applyTo(api);
 */
export class AccessPolicy {
  private readonly allowRules: AllowEntry[] = [];
  private readonly denyRules: DenyEntry[] = [];
  private allowOnCalls = 0;
  private denyOnCalls = 0;
  private readonly emptyProps: string[] = [];
  /** Policies AND-ed with this one's own rules (from narrowedBy). */
  private readonly conjuncts: Array<{ allow: AllowEntry[]; deny: DenyEntry[] }> = [];
  private narrowed = false;

  constructor(props: AccessPolicyProps = {}) {
    const whole = ApiScope.api();
    (props.allow ?? []).forEach((s, i) =>
      this.allowRules.push({ scope: whole, sources: [{ source: s, label: `allow[${i}]` }], scopeLabel: 'allow' }),
    );
    (props.deny ?? []).forEach((s, i) =>
      this.denyRules.push({ scope: whole, source: s, label: `deny[${i}]`, scopeLabel: 'deny' }),
    );
    if (props.allow !== undefined && props.allow.length === 0) this.emptyProps.push('allow');
    if (props.deny !== undefined && props.deny.length === 0) this.emptyProps.push('deny');
  }

  /**
   * Admits callers matching ANY of `sources` on `scope` (in addition to the other allow rules).
   * @returns this policy, for chaining
   */
  public allowOn(scope: ApiScope, ...sources: Source[]): AccessPolicy {
    if (this.narrowed) {
      throw new Error(
        'AccessPolicy.allowOn: a policy made by narrowedBy() takes no further allow rules (they would widen both sides); add them to the policies before narrowing',
      );
    }
    const n = this.allowOnCalls++;
    const scopeLabel = `allowOn[${n}]`;
    if (sources.length === 0) this.emptyProps.push(`${scopeLabel} sources`);
    sources.forEach((s, i) =>
      this.allowRules.push({ scope, sources: [{ source: s, label: `${scopeLabel}.sources[${i}]` }], scopeLabel }),
    );
    return this;
  }

  /**
   * Refuses callers matching ANY of `sources` on `scope`, whatever the allow rules say.
   * @returns this policy, for chaining
   */
  public denyOn(scope: ApiScope, ...sources: Source[]): AccessPolicy {
    const n = this.denyOnCalls++;
    const scopeLabel = `denyOn[${n}]`;
    if (sources.length === 0) this.emptyProps.push(`${scopeLabel} sources`);
    sources.forEach((s, i) =>
      this.denyRules.push({ scope, source: s, label: `${scopeLabel}.sources[${i}]`, scopeLabel }),
    );
    return this;
  }

  /**
   * A new policy that admits a request iff BOTH this policy and `other` admit it (AND semantics): every
   * pair of allow rules becomes one rule on the intersection of their scopes requiring both sources; the
   * deny rules of both apply. Used by constructs that add a caller's policy to their own restriction
   * (e.g. "only these VPC endpoints, further narrowed by the user's policy").
   */
  public narrowedBy(other: AccessPolicy): AccessPolicy {
    const out = new AccessPolicy();
    out.conjuncts.push(...this.allParts(), ...other.allParts());
    out.emptyProps.push(...this.emptyProps, ...other.emptyProps);
    out.narrowed = true;
    return out;
  }

  /**
   * Checks every rule and compiles the policy to plain JSON (`execute-api:/…` shorthand resources).
   * Errors name `scope`'s construct path.
   */
  public toJson(scope: IConstruct, options: AccessPolicyCompileOptions = {}): any {
    this.validate(scope);
    const stack = Stack.of(scope);
    let json: PolicyJson;
    try {
      json = compilePolicy({
        parts: this.allParts().map((part) => ({
          allow: part.allow.map((r): RuleData => ({
            scope: r.scope._data(),
            sources: r.sources.map((x) => x.source._data()),
          })),
          deny: part.deny.map((d) => ({ scope: d.scope._data(), source: d.source._data() })),
        })),
        privateEndpoint: options.privateEndpoint ?? false,
        stages: options.stages,
        arnPrefix: `arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:??????????/`,
      });
    } catch (e) {
      if (e instanceof CompileError) throw scopeError(scope, `access policy: ${e.message}`);
      throw e;
    }
    this.warnShadowed(scope);
    if (this.allParts().some((part) => part.allow.length === 0)) {
      Annotations.of(scope).addWarningV2(
        'cdk-api-gatekeeper:access-no-allow',
        'The access policy has no allow rule, so it admits nobody (every request is denied). Add allow rules, e.g. Source.anyone() to admit everyone but the denied.',
      );
    }
    return json;
  }

  /** Compiles the policy to an `iam.PolicyDocument` (see {@link toJson}). */
  public compile(scope: IConstruct, options: AccessPolicyCompileOptions = {}): iam.PolicyDocument {
    return iam.PolicyDocument.fromJson(this.toJson(scope, options));
  }

  /**
   * Adds the compiled statements to the API's resource policy (alongside any statements added with
   * `addToResourcePolicy`), makes the deployment's logical id depend on them, and checks the whole policy
   * against the 8,192-character quota at synth. IP ranges compile to `aws:VpcSourceIp` when the API's
   * endpoint configuration includes PRIVATE, else to `aws:SourceIp`.
   *
   * Works with `RestApi`, `SpecRestApi` and `LambdaRestApi`; an imported API is refused (its policy is not
   * managed here).
   */
  public applyTo(api: apigw.IRestApi): void {
    const cfn = api.node.defaultChild;
    if (!(api instanceof apigw.RestApiBase) || !(cfn instanceof apigw.CfnRestApi)) {
      throw propError(api, {
        prop: 'api',
        value: api,
        problem: 'is an imported API whose resource policy cannot be changed here',
        expected:
          'a RestApi, SpecRestApi or LambdaRestApi defined in this app (set the policy of an imported API where it is defined)',
      });
    }
    const endpoint = cfn.endpointConfiguration as apigw.CfnRestApi.EndpointConfigurationProperty | undefined;
    const privateEndpoint = !!endpoint && !Token.isUnresolved(endpoint) && (endpoint.types ?? []).includes('PRIVATE');
    const stages = stagesOf(api);
    const json = this.toJson(api, { privateEndpoint, stages });
    for (const s of json.Statement) {
      const added = api.addToResourcePolicy(iam.PolicyStatement.fromJson(s));
      if (!added.statementAdded) {
        throw propError(api, {
          prop: 'api',
          value: api,
          problem: 'did not accept resource policy statements',
          expected: 'a RestApi, SpecRestApi or LambdaRestApi defined in this app',
        });
      }
    }
    // RestApi already salts the Deployment id with the CfnRestApi properties (policy included); this makes
    // it explicit and independent of that behaviour.
    api.latestDeployment?.addToLogicalId({ accessPolicy: json });
    api.node.addValidation({ validate: () => validateApi(api, cfn, stages) });
  }

  /** This policy's own rules and those of the policies it was narrowed by (AND-ed). */
  private allParts(): Array<{ allow: AllowEntry[]; deny: DenyEntry[] }> {
    const own = { allow: this.allowRules, deny: this.denyRules };
    if (!this.narrowed) return [own, ...this.conjuncts];
    // A narrowed policy's own rules are deny rules added after narrowing: they apply to every part.
    return this.conjuncts.map((c, i) => (i === 0 ? { allow: c.allow, deny: [...c.deny, ...this.denyRules] } : c));
  }

  private validate(scope: IConstruct): void {
    for (const p of this.emptyProps) {
      throw propError(scope, { prop: p, value: [], problem: 'must not be empty', expected: 'at least one Source' });
    }
    for (const part of this.allParts()) {
      for (const r of part.allow) {
        validateScope(scope, r.scope, r.scopeLabel);
        for (const { source, label } of r.sources) validateSource(scope, source, label);
      }
      for (const d of part.deny) {
        validateScope(scope, d.scope, d.scopeLabel);
        validateSource(scope, d.source, d.label);
      }
    }
  }

  private warnShadowed(scope: IConstruct): void {
    const denies = this.allParts().flatMap((p) => p.deny);
    for (const a of this.allParts().flatMap((p) => p.allow)) {
      if (a.sources.length !== 1) continue;
      const src = a.sources[0].source;
      for (const d of denies) {
        if (!scopeContains(d.scope._data(), a.scope._data())) continue;
        if (covers(d.source, src)) {
          Annotations.of(scope).addWarningV2(
            'cdk-api-gatekeeper:access-allow-shadowed',
            `${a.sources[0].label} ${src} is fully covered by ${d.label} ${d.source}: it admits nobody. Remove one of them.`,
          );
          break;
        }
      }
    }
  }
}

function validateSource(scope: IConstruct, source: Source, label: string): void {
  if (!(source instanceof Source)) {
    throw propError(scope, {
      prop: label,
      value: source,
      problem: 'is not a Source',
      expected: 'a Source from Source.ipRanges(), Source.accounts(), ...',
    });
  }
  const problems = source._problems();
  if (problems.length > 0) {
    const p = problems[0];
    throw propError(scope, {
      prop: `${label} Source.${source._kind} ${p.arg}`,
      value: p.value,
      problem: p.problem,
      expected: p.expected,
    });
  }
}

function validateScope(scope: IConstruct, s: ApiScope, label: string): void {
  const p = s._props;
  const check = (dim: 'stages' | 'methods' | 'paths', ok: (v: string) => boolean, expected: string) => {
    const list = p[dim];
    if (list === undefined) return;
    if (list.length === 0) {
      throw propError(scope, {
        prop: `${label} ${s._factory} ${dim}`,
        value: list,
        problem: 'must not be empty',
        expected: `at least one value (leave it out for all); ${expected}`,
      });
    }
    list.forEach((v, i) => {
      if (Token.isUnresolved(v)) return;
      if (typeof v !== 'string' || !ok(v)) {
        throw propError(scope, {
          prop: `${label} ${s._factory} ${dim}[${i}]`,
          value: v,
          problem: 'is invalid',
          expected,
        });
      }
    });
  };
  check('stages', (v) => /^[A-Za-z0-9_-]{1,128}$/.test(v), 'a stage name of letters, digits, "-" and "_", e.g. prod');
  check('methods', (v) => METHODS.includes(v.toUpperCase()), `one of ${METHODS.join(', ')}`);
  check(
    'paths',
    (v) => /^\/[A-Za-z0-9._~!$&'()+,;=:@%*/-]*$/.test(v),
    'a path starting with "/" (e.g. /items, /public/*, / for the root); `*` matches any characters including "/"; path parameters such as {id} are written as *',
  );
}

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
  return aa[0].values.every((v) => !Token.isUnresolved(v) && da[0].values.includes(v));
}

/**
 * The names of the API's stages known now (deployment stage and Stage constructs of this API), read from
 * the CfnStage (`Stage.stageName` is a Ref to the stage, which would make the policy depend on it: a cycle).
 */
function stagesOf(api: apigw.RestApiBase): string[] {
  const names = new Set<string>();
  const add = (stage: apigw.Stage) => {
    const cfn = stage.node.defaultChild;
    if (cfn instanceof apigw.CfnStage && cfn.stageName !== undefined) names.add(cfn.stageName);
  };
  if (api.deploymentStage instanceof apigw.Stage) add(api.deploymentStage);
  for (const c of Stack.of(api).node.findAll()) {
    if (c instanceof apigw.Stage && c.restApi === api) add(c);
  }
  return [...names].sort();
}

function validateApi(api: apigw.RestApiBase, cfn: apigw.CfnRestApi, stagesAtApply: string[]): string[] {
  const errors: string[] = [];
  const stack = Stack.of(api);
  const resolved = stack.resolve(cfn.policy);
  if (resolved) {
    const size = policySize(flattenIntrinsics(resolved));
    if (size > POLICY_SIZE_LIMIT) {
      const statements = Array.isArray(resolved.Statement) ? resolved.Statement.length : 0;
      errors.push(
        `${scopeError(api, '').message}the resource policy is ${size} characters after shorthand expansion (${statements} statements), over the ${POLICY_SIZE_LIMIT}-character quota; merge IP addresses into CIDR ranges, use Source.vpcs() or Source.organization() instead of long endpoint or account lists, or give rules that share sources the same ApiScope`,
      );
    }
  }
  const now = stagesOf(api);
  const missing = now.filter((s) => !stagesAtApply.includes(s));
  if (missing.length > 0) {
    errors.push(
      `${scopeError(api, '').message}stages ${JSON.stringify(missing)} were added after the access policy was applied; their requests are denied by scoped rules. Call applyTo() after adding every stage`,
    );
  }
  return errors;
}

/** Replaces intrinsics by their longest plausible text, for size counting. */
function flattenIntrinsics(v: any): any {
  if (Array.isArray(v)) return v.map(flattenIntrinsics);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [sep, parts] = v['Fn::Join'];
      return (parts as any[]).map((p) => String(flattenIntrinsics(p))).join(sep);
    }
    if (keys.length === 1 && keys[0] === 'Ref') {
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws-iso-b',
        'AWS::Region': 'ap-southeast-5',
        'AWS::AccountId': '123456789012',
      };
      return pseudo[v.Ref] ?? 'x'.repeat(128);
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::')) return 'x'.repeat(128);
    const out: any = {};
    for (const k of keys) out[k] = flattenIntrinsics(v[k]);
    return out;
  }
  return v;
}
