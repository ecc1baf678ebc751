/**
 * Contributor Insights rule bodies over the JSON access logs (docs/SEMANTICS.md "Metering"): pure data.
 * Contributor Insights ranks contributors approximately: for dashboards and abuse, never for invoices
 * (the ledger is for those).
 */

/** One of the meter's rules: its id suffix, title and the statuses it counts (none: every request). */
export interface InsightRuleSpec {
  readonly id: string;
  readonly title: string;
  readonly statuses?: string[];
}

/** Top API keys by requests, by 429 (throttled, quota exceeded) and by 403 (invalid key, access denied). */
export const METER_INSIGHT_RULES: InsightRuleSpec[] = [
  { id: 'TopKeysByRequests', title: 'Top API keys by requests' },
  { id: 'TopKeysBy429', title: 'Top API keys by 429 (throttled or quota exceeded)', statuses: ['429'] },
  { id: 'TopKeysBy403', title: 'Top API keys by 403 (invalid key or access denied)', statuses: ['403'] },
];

/**
 * The rule body (CloudWatchLogRule schema, version 1) for JSON logs: contributors keyed by `$.apiKeyId`,
 * counted per log event, optionally filtered on `$.status` (a string in the access-log format).
 */
export function insightRuleBody(spec: InsightRuleSpec, logGroupNames: string[]): Record<string, unknown> {
  return {
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogGroupNames: logGroupNames,
    LogFormat: 'JSON',
    Contribution: {
      Keys: ['$.apiKeyId'],
      Filters: spec.statuses ? [{ Match: '$.status', In: spec.statuses }] : [],
    },
    AggregateOn: 'Count',
  };
}
