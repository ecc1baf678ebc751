/**
 * Checks of a resource policy's shape that the evaluator does not make: principals API Gateway (IAM)
 * refuses to store, and the policy's length as the quota counts it (docs/SEMANTICS.md "What the findings
 * rely on" 1–2). Pure functions over plain data, for the findings and for the request pipeline alike.
 */
import { containsUnresolved } from './intrinsics';
import { ApiModel, TemplateModel } from './model';
import { NormalizedStatement } from './policy-eval';

/** API Gateway's quota on a resource policy, in characters. */
export const POLICY_LENGTH_LIMIT = 8192;

const ACCOUNT = /^\d{12}$/;
const IAM_ARN = /^arn:aws(-[a-z]+)*:(iam|sts)::\d{12}:.+$/;
/** IAM unique ids (users AIDA, roles AROA, …): IAM writes them in place of a deleted principal's ARN */
const UNIQUE_ID = /^A(IDA|ROA|IPA|NPA|NVA|SIA)[A-Z0-9]{12,}$/;

/** Is `entry` a value IAM accepts in `Principal: { AWS: … }`? Unresolved values are given the benefit of the doubt. */
export function isValidAwsPrincipal(entry: unknown): boolean {
  if (typeof entry !== 'string') return true;
  return entry === '*' || ACCOUNT.test(entry) || IAM_ARN.test(entry) || UNIQUE_ID.test(entry);
}

function principalProblems(label: string, element: string, principal: any): string[] {
  if (principal === undefined || principal === '*') return [];
  if (typeof principal === 'string') {
    return [`statement ${label} has ${element} ${JSON.stringify(principal)}, which is neither "*" nor an object`];
  }
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return [];
  const aws = principal.AWS;
  if (aws === undefined) return [];
  const bad = (Array.isArray(aws) ? aws : [aws]).filter((e) => !isValidAwsPrincipal(e));
  if (bad.length === 0) return [];
  return [
    `statement ${label} has the malformed ${element} AWS ${bad.map((b) => JSON.stringify(b)).join(', ')} (an AWS principal is "*", a 12-digit account id or an IAM ARN)`,
  ];
}

/** Malformed principals of a statement (each one makes API Gateway reject the whole policy). */
export function malformedPrincipals(st: NormalizedStatement): string[] {
  return [
    ...principalProblems(st.label, 'Principal', st.principal),
    ...principalProblems(st.label, 'NotPrincipal', st.notPrincipal),
  ];
}

/**
 * Every reason API Gateway rejects the API's policy: the evaluator's fatal problems and malformed
 * principals, each once (so normalizePolicy may also report malformed principals as fatal).
 */
export function policyErrors(api: ApiModel): string[] {
  if (!api.policy) return [];
  return Array.from(new Set([...api.policy.fatal, ...api.policy.statements.flatMap(malformedPrincipals)]));
}

/** Is the policy present and free of errors that make API Gateway reject it? */
export function hasValidPolicy(api: ApiModel): boolean {
  return !!api.policy && policyErrors(api).length === 0;
}

/** The API's policy document as written (Policy property or the OpenAPI body's x-amazon-apigateway-policy), resolved. */
export function rawPolicy(model: TemplateModel, api: ApiModel): unknown {
  const props = model.resolver.resources[api.logicalId]?.Properties ?? {};
  if (api.policySource === 'Policy') return model.resolver.resolve(props.Policy);
  if (api.policySource === 'Body') {
    const body: any = model.resolver.resolve(props.Body);
    return body && typeof body === 'object' ? body['x-amazon-apigateway-policy'] : undefined;
  }
  return undefined;
}

/**
 * The policy's length as API Gateway's quota counts it (docs/SEMANTICS.md "Quotas"): the minified JSON
 * text, with the `execute-api:/` shorthand expanded to the API's ARN prefix (which API Gateway stores).
 * A policy given as a JSON string is parsed and minified first. Undefined when part of it is unresolved.
 */
export function policyLength(doc: unknown, arnPrefix: string): number | undefined {
  let value = doc;
  if (typeof doc === 'string') {
    try {
      value = JSON.parse(doc);
    } catch {
      return doc.length;
    }
  }
  if (value === undefined || containsUnresolved(value)) return undefined;
  return JSON.stringify(value).split('"execute-api:/').join(`"${arnPrefix}`).length;
}

/** `arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/`: what `execute-api:/` expands to for this API. */
export function arnPrefixOf(model: TemplateModel, api: ApiModel): string {
  return `arn:${model.partition}:execute-api:${model.region}:${model.account}:${api.id}/`;
}
