import { ApiModel } from '../model';
import { NormalizedStatement, arnMatch, expandResource, wildcardMatch } from '../policy-eval';
import { FindingContext } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { hasValidPolicy } from '../policy-shape';
import { NOT_APPLICABLE } from './probes';
import { FindingSeverity } from './severity';

/** Condition keys a request never carries on this kind of endpoint (docs/SEMANTICS.md "IP keys", "Condition keys"). */
function absentKeys(api: ApiModel): string[] {
  return api.endpointType === 'PRIVATE' ? ['aws:sourceip'] : ['aws:sourcevpce', 'aws:sourcevpc', 'aws:vpcsourceip'];
}

/** Condition operators that are true when the key is absent (negated ones and …IfExists). */
function trueWhenAbsent(op: string): boolean {
  return op.endsWith('IfExists') || /Not(Equals|Like|IpAddress|EqualsIgnoreCase)/.test(op) || op === 'Null';
}

/** Does an Allow statement need a key the endpoint never carries (a positive operator on it)? */
function needsAbsentKey(st: NormalizedStatement, absent: string[]): string | undefined {
  for (const [op, clause] of Object.entries(st.condition ?? {})) {
    if (trueWhenAbsent(op) || !clause || typeof clause !== 'object') continue;
    const key = Object.keys(clause).find((k) => absent.includes(k.toLowerCase()));
    if (key) return key;
  }
  return undefined;
}

/** Sample ARNs of any stage, verb and path of the API: a statement covering all of them covers the whole API. */
function sampleArns(ctx: FindingContext, api: ApiModel): string[] {
  const { model } = ctx;
  const prefix = `arn:${model.partition}:execute-api:${model.region}:${model.account}:${api.id}/`;
  return [`${prefix}prod/GET/`, `${prefix}zz9/POST/a/b`, `${prefix}Stage/DELETE/x`];
}

/** Does a statement cover execute-api:Invoke on every method of the API (its Action and Resource, conditions aside)? */
function coversWholeApi(ctx: FindingContext, api: ApiModel, st: NormalizedStatement): boolean {
  if (!st.action?.some((a) => wildcardMatch(a, 'execute-api:Invoke', true)) || !st.resource) return false;
  const env = { partition: ctx.model.partition, region: ctx.model.region, account: ctx.model.account, apiId: api.id };
  const patterns = st.resource.filter((r): r is string => typeof r === 'string').map((r) => expandResource(r, env));
  return sampleArns(ctx, api).every((arn) => patterns.some((p) => p === '*' || arnMatch(p, arn)));
}

/** Does a Deny statement refuse everyone here: any principal, only negated operators on keys the endpoint never carries? */
function deniesEveryone(st: NormalizedStatement, absent: string[]): string | undefined {
  const anyone = st.principal === '*' || (st.principal && st.principal.AWS === '*');
  const clauses = Object.entries(st.condition ?? {});
  if (!anyone || clauses.length === 0) return undefined;
  const keys: string[] = [];
  for (const [op, clause] of clauses) {
    if (!/Not(Equals|Like|IpAddress|EqualsIgnoreCase)$/.test(op) || !clause || typeof clause !== 'object') {
      return undefined;
    }
    if (!Object.keys(clause).every((k) => absent.includes(k.toLowerCase()))) return undefined;
    keys.push(...Object.keys(clause));
  }
  return keys[0];
}

/** A Deny statement that refuses every request to the whole API on this endpoint type, and the key it needs. */
function denyOfEveryone(ctx: FindingContext, api: ApiModel): string | undefined {
  const absent = absentKeys(api);
  for (const st of api.policy!.statements.filter((s) => s.effect === 'Deny' && coversWholeApi(ctx, api, s))) {
    const key = deniesEveryone(st, absent);
    if (key) return key;
  }
  return undefined;
}

/** The key that makes the policy unsatisfiable on this endpoint, when the policy's statements show it. */
function blockingKey(api: ApiModel): string | undefined {
  const absent = absentKeys(api);
  const statements = api.policy!.statements;
  for (const st of statements.filter((s) => s.effect === 'Deny')) {
    const key = deniesEveryone(st, absent);
    if (key) return key;
  }
  const allows = statements.filter((s) => s.effect === 'Allow');
  const keys = allows.map((st) => needsAbsentKey(st, absent));
  return allows.length > 0 && keys.every((k) => k !== undefined) ? keys[0] : undefined;
}

/** Is every probe on every method of every stage refused (403), as the pipeline decides it? */
function everyProbeRefused(ctx: FindingContext, api: ApiModel): boolean {
  let decided = 0;
  for (const stage of api.stages) {
    for (const o of ctx.outcomes(api, stage.name)) {
      for (const code of Object.values(o.cells)) {
        if (code === NOT_APPLICABLE) continue;
        if (code !== 403) return false;
        decided++;
      }
    }
  }
  return decided > 0;
}

/**
 * A policy nobody can satisfy on this endpoint type: it requires a key the API's requests never carry
 * (aws:SourceVpce on a REGIONAL or EDGE API, aws:SourceIp on a PRIVATE one), and the pipeline refuses
 * every probe on every method.
 */
export const unreachableApi: FindingRule = {
  id: 'unreachable-api',
  severity: FindingSeverity.WARNING,
  description:
    "A resource policy nobody can satisfy: it requires a condition key the API's requests never carry (e.g. aws:SourceVpce on a REGIONAL or EDGE API).",
  examples: {
    compliant: exampleTemplate({
      endpoint: 'PRIVATE',
      policy: policyOf(allowAll(), {
        ...allowAll({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }),
        Effect: 'Deny',
      }),
    }),
    nonCompliant: exampleTemplate({
      endpoint: 'REGIONAL',
      policy: policyOf(allowAll(), {
        ...allowAll({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }),
        Effect: 'Deny',
      }),
    }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis.flatMap((api) => {
      if (!hasValidPolicy(api)) return [];
      // with methods and stages, the pipeline decides; without, only a Deny covering the whole API is certain
      const probed = api.methods.length > 0 && api.stages.length > 0;
      const key = probed ? blockingKey(api) : denyOfEveryone(ctx, api);
      if (!key || (probed && !everyProbeRefused(ctx, api))) return [];
      const carried =
        api.endpointType === 'PRIVATE'
          ? 'requests through a VPC endpoint carry aws:VpcSourceIp, never aws:SourceIp'
          : 'only requests through an interface VPC endpoint to a PRIVATE API carry it';
      return [
        finding(
          this,
          `resource policy of ${api.logicalId} requires ${key}, which requests to ${api.endpointType === 'EDGE' ? 'an' : 'a'} ${api.endpointType} API never carry (${carried}): every request is refused with 403`,
          { api: api.logicalId },
        ),
      ];
    });
  },
};
