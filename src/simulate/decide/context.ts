/**
 * The decision context: what the steps know about one request, and what a step returns. Each step is a
 * plain function `(ctx) => StepResult`: reasons to record, facts for later steps, or a refusal that ends
 * the request.
 */
import type { DomainDecision } from '../domain';
import type { ApiModel, KeyModel, MethodModel, PlanModel, StageModel, TemplateModel, VpcEndpointModel } from '../model';
import type { PolicyEvaluation } from '../policy-eval';
import { DecidedBy, PipelineCaller, PipelineOptions, PipelineRequest } from '../request';
import type { PipelineState } from './state';

/** What the setup learnt from the domain. */
export interface DomainRoute {
  /** the domain name the request was sent to */
  readonly domainName: string;
  readonly decision: DomainDecision;
  /** why an admitted request goes nowhere: its mapping leaves no stage, or names one the API lacks */
  readonly stageProblem?: string;
  /** `execute-api:viaDomainArn` of an admitted request */
  readonly viaDomainArn?: string;
}

/** What later steps learn from earlier ones. */
export interface DecisionFacts {
  /** the method the route step found */
  readonly method?: MethodModel;
  /** the SigV4 caller the policy sees (only on AWS_IAM methods) */
  readonly sigv4?: PipelineCaller;
  /** `User: …` of AWS's denial messages: the caller's ARN or `anonymous` */
  readonly user: string;
  /** the resource policy's verdict, when the API has a policy */
  readonly evaluation?: PolicyEvaluation;
  /** the API key accepted and its plan for this stage */
  readonly key?: KeyModel;
  readonly plan?: PlanModel;
}

export interface DecisionContext extends DecisionFacts {
  readonly model: TemplateModel;
  readonly state: PipelineState;
  readonly request: PipelineRequest;
  readonly options: PipelineOptions;
  readonly api: ApiModel;
  readonly stage: string;
  readonly stageModel?: StageModel;
  /** upper-case verb sent */
  readonly verb: string;
  /** request path, normalised */
  readonly path: string;
  /** execute-api ARN of the request */
  readonly arn: string;
  readonly isPrivate: boolean;
  /** a PRIVATE API reached through an interface VPC endpoint */
  readonly viaVpce: boolean;
  /** the endpoint, when the template defines it */
  readonly vpcEndpoint?: VpcEndpointModel;
  /** `aws:SourceVpc`: the request's VPC, or the VPC of the template's endpoint */
  readonly sourceVpc?: string;
  /** a request sent to a private custom domain: what the domain decided */
  readonly domain?: DomainRoute;
  /** `execute-api:viaDomainArn`: only on a request the domain admitted */
  readonly viaDomainArn?: string;
}

/** How a step ends a request. */
export interface Refusal {
  readonly statusCode: number;
  readonly decidedBy: DecidedBy;
  readonly message: string;
}

export interface StepResult {
  readonly reasons?: readonly string[];
  readonly facts?: Partial<DecisionFacts>;
  readonly refusal?: Refusal;
}

/** One step of API Gateway's request path. */
export interface Step {
  /** for reading and tests, e.g. `route` */
  readonly name: string;
  /** `authorization`: runs for `explain`; `usage`: skipped when only authorization is asked */
  readonly phase: 'authorization' | 'usage';
  readonly run: (ctx: DecisionContext) => StepResult;
}

/** Nothing to say, nothing decided. */
export const PASS: StepResult = {};

/** The method the route step found (steps after it only run when there is one). */
export function methodOf(ctx: DecisionContext): MethodModel {
  if (!ctx.method) throw new Error('internal: a decision step ran before the route step');
  return ctx.method;
}

/** AWS's 403 text for a resource-policy or IAM denial (docs/SEMANTICS.md "Errors"). */
export function deniedMessage(user: string, arn: string, explicit: boolean): string {
  return `User: ${user} is not authorized to perform: execute-api:Invoke on resource: ${arn}${explicit ? ' with an explicit deny' : ''}`;
}

export function refuse(statusCode: number, decidedBy: DecidedBy, message: string, ...reasons: string[]): StepResult {
  return { refusal: { statusCode, decidedBy, message }, reasons };
}

/** Reasons of a policy evaluation, prefixed for the reader. */
export function policyLines(e: PolicyEvaluation | undefined): string[] {
  return e ? e.reasons.map((r) => `resource policy: ${r}`) : [];
}

/** The policy environment for `execute-api:/` expansion. */
export function policyEnv(ctx: DecisionContext) {
  return { partition: ctx.model.partition, region: ctx.model.region, account: ctx.model.account, apiId: ctx.api.id };
}

/** The user a denial names before the route decides who the policy sees: the SigV4 caller or `anonymous`. */
export function callerName(ctx: DecisionContext): string {
  const c = ctx.request.caller;
  return c ? (c.arn ?? `arn:${ctx.model.partition}:iam::${c.account}:root`) : 'anonymous';
}
