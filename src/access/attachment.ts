/**
 * Where access policies meet an API: the policies applied to one API are stored and rendered at
 * synthesis (order never matters; docs/ARCHITECTURE.md "Data flow"), with the stages and endpoint type
 * the API ends up with. The API's `Policy` property becomes a lazy value: the user's own statements
 * (RestApi `policy`, `addToResourcePolicy`) followed by the compiled ones. Every Deployment of the API
 * hashes that property, so a policy change redeploys.
 */
import { Annotations, IResolvable, Lazy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { CompileError, compilePolicy, PolicyJson, PolicyPart, StatementJson } from './compile/compile';
import { EndpointKind, StageSet } from './compile/model';
import { flattenIntrinsics, policySize, POLICY_SIZE_LIMIT } from './compile/size';
import { apiStages } from '../private/api-stages';
import { endpointKindOf } from '../private/endpoint-type';
import { scopeError } from '../private/errors';

/** What the attachment needs from an applied policy. */
export interface AppliedPolicy {
  /** The policy's rules as compiler data (principal tokens resolved in `stack`). */
  _partsFor(stack: Stack): PolicyPart[];
  /** Warnings about the rules (shadowed allows, no allow rule), given the API they are applied to. */
  _warnings(): Array<{ id: string; message: string }>;
}

/** The compile inputs an API gives at synthesis. */
export interface ApiFacts {
  readonly endpoint: EndpointKind;
  readonly stages: StageSet;
}

const ATTACHMENTS = new WeakMap<apigw.CfnRestApi, PolicyAttachment>();

/** The execute-api ARN prefix for NotResource, any API id (10 characters). */
function arnPrefix(stack: Stack): string {
  return `arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:??????????/`;
}

/** The policies applied to one API, rendered lazily. */
export class PolicyAttachment {
  /** The attachment of an API, created on first use. */
  public static of(api: apigw.RestApiBase, cfn: apigw.CfnRestApi): PolicyAttachment {
    let a = ATTACHMENTS.get(cfn);
    if (!a) {
      a = new PolicyAttachment(api, cfn);
      ATTACHMENTS.set(cfn, a);
    }
    return a;
  }

  /** The attachment of an API, if a policy was applied to it. */
  public static find(api: apigw.IRestApi): PolicyAttachment | undefined {
    const cfn = api.node.defaultChild;
    return cfn instanceof apigw.CfnRestApi ? ATTACHMENTS.get(cfn) : undefined;
  }

  private readonly policies: AppliedPolicy[] = [];
  /** Statements added by other constructs (e.g. a private domain's), rendered at synthesis after the compiled ones. */
  private readonly extra: Array<() => StatementJson[]> = [];
  private readonly original: unknown;
  private readonly lazy: IResolvable;

  private constructor(
    private readonly api: apigw.RestApiBase,
    private readonly cfn: apigw.CfnRestApi,
  ) {
    this.original = cfn.policy;
    this.lazy = Lazy.any({ produce: () => this.renderDocument() }) as unknown as IResolvable;
    cfn.policy = this.lazy;
    api.node.addValidation({ validate: () => this.validate() });
  }

  /** Adds a policy (AND with the others). Applying the same policy twice has no further effect. */
  public add(policy: AppliedPolicy): void {
    if (!this.policies.includes(policy)) this.policies.push(policy);
  }

  /**
   * Adds statements rendered at synthesis after the compiled ones (they are part of the checked, hashed
   * policy). Used for the Deny statements that bind a private domain's rules to the API.
   */
  public addStatements(produce: () => StatementJson[]): void {
    this.extra.push(produce);
  }

  /** The rules of every applied policy (AND-ed parts), as compiler data. */
  public parts(): PolicyPart[] {
    const stack = Stack.of(this.api);
    return this.policies.flatMap((p) => p._partsFor(stack));
  }

  /** The endpoint type and stages of the API, as they are now. */
  public facts(): ApiFacts {
    return { endpoint: endpointKindOf(this.api), stages: apiStages(this.api) };
  }

  /** The compiled statements of every applied policy (AND). Throws CompileError. */
  public compiled(facts: ApiFacts = this.facts()): PolicyJson {
    const stack = Stack.of(this.api);
    return compilePolicy({
      parts: this.policies.flatMap((p) => p._partsFor(stack)),
      endpoint: facts.endpoint,
      stages: facts.stages,
      arnPrefix: arnPrefix(stack),
    });
  }

  /** The whole resource policy: the user's statements, then the compiled ones. */
  private renderDocument(): unknown {
    let ours: PolicyJson;
    try {
      ours = this.compiled();
    } catch (e) {
      if (e instanceof CompileError) throw scopeError(this.api, `access policy: ${e.message}`);
      throw e;
    }
    const base = Stack.of(this.api).resolve(this.original);
    const theirs = base && Array.isArray(base.Statement) ? base.Statement : base?.Statement ? [base.Statement] : [];
    const extra = this.extra.flatMap((produce) => produce());
    return { Version: '2012-10-17', Statement: [...theirs, ...ours.Statement, ...extra] };
  }

  private validate(): string[] {
    const errors: string[] = [];
    if (this.cfn.policy !== this.lazy) {
      errors.push(
        `${scopeError(this.api, '').message}the resource policy was replaced after an AccessPolicy was applied (CfnRestApi.policy set directly); add statements with addToResourcePolicy instead, or apply the AccessPolicy last`,
      );
      return errors;
    }
    if (policyOverridden(this.cfn)) {
      return [
        `${scopeError(this.api, '').message}the resource policy is overridden with addOverride/addPropertyOverride ('Properties.Policy'), which would replace the compiled AccessPolicy statements unchecked; add statements with addToResourcePolicy instead`,
      ];
    }
    try {
      this.compiled();
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      return [`${scopeError(this.api, '').message}access policy: ${e.message}`];
    }
    for (const p of this.policies) {
      for (const w of p._warnings()) Annotations.of(this.api).addWarningV2(w.id, w.message);
    }
    const size = policySize(flattenIntrinsics(Stack.of(this.api).resolve(this.cfn.policy)));
    if (size > POLICY_SIZE_LIMIT) {
      const doc = Stack.of(this.api).resolve(this.cfn.policy);
      errors.push(
        `${scopeError(this.api, '').message}the resource policy is ${size} characters after shorthand expansion (${doc.Statement.length} statements), over the ${POLICY_SIZE_LIMIT}-character quota; merge IP addresses into CIDR ranges, use Source.vpcs() or Source.organization() instead of long endpoint or account lists, or give rules that share sources the same ApiScope`,
      );
    }
    return errors;
  }
}

/** Whether a raw override (`addOverride('Properties.Policy…')`, `addPropertyOverride('Policy…')`) touches the policy. */
function policyOverridden(cfn: apigw.CfnRestApi): boolean {
  const overrides = (cfn as unknown as { rawOverrides?: { Properties?: object } }).rawOverrides?.Properties;
  return overrides !== undefined && overrides !== null && typeof overrides === 'object' && 'Policy' in overrides;
}
