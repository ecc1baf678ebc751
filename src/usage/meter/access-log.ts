/**
 * The access-log fields the meter needs (docs/SEMANTICS.md "Metering"): pure functions over the format
 * string, no constructs. `$context.identity.apiKey` is the key's *value* and is never logged.
 */

/** The JSON access-log fields the meter's insight rules and queries read, with their context variables. */
export const METER_LOG_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['requestId', '$context.requestId'],
  ['ip', '$context.identity.sourceIp'],
  ['requestTime', '$context.requestTime'],
  ['httpMethod', '$context.httpMethod'],
  ['resourcePath', '$context.resourcePath'],
  ['stage', '$context.stage'],
  ['status', '$context.status'],
  ['responseType', '$context.error.responseType'],
  ['responseLength', '$context.responseLength'],
  ['apiKeyId', '$context.identity.apiKeyId'],
];

/** The fields an existing format must have (others are only added when the meter owns the format). */
export const REQUIRED_LOG_FIELDS = ['apiKeyId', 'status', 'responseType', 'responseLength', 'requestId', 'ip'];

/** The meter's own access-log format: one JSON object per request. */
export function meterLogFormat(): string {
  return JSON.stringify(Object.fromEntries(METER_LOG_FIELDS));
}

/** What to do with a stage's existing access-log format. */
export interface FormatDecision {
  /** The format to set (undefined: leave the stage as it is). */
  readonly format?: string;
  /** Fields added to the user's JSON format. */
  readonly added: string[];
  /** Why the format was left alone, if it was. */
  readonly problem?: 'notJson' | 'token';
}

const KEY_VALUE_VARIABLE = /\$context\.identity\.apiKey(?![A-Za-z0-9_])/;

/** Whether a format logs the key's value (`$context.identity.apiKey`, not `...apiKeyId`). */
export function logsKeyValue(format: string): boolean {
  return KEY_VALUE_VARIABLE.test(format);
}

/**
 * Merges the meter's required fields into an existing JSON format: the user's fields are kept as they are
 * (also when one has a meter field's name), missing ones are appended. A format that is not a JSON object
 * (CLF, XML, CSV) or is a token is left alone.
 */
export function mergeLogFormat(existing: string, isToken: boolean): FormatDecision {
  if (isToken) return { added: [], problem: 'token' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(existing);
  } catch {
    return { added: [], problem: 'notJson' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { added: [], problem: 'notJson' };
  }
  const fields = { ...(parsed as Record<string, unknown>) };
  const wanted = new Map(METER_LOG_FIELDS);
  const added = REQUIRED_LOG_FIELDS.filter((f) => !(f in fields));
  for (const f of added) fields[f] = wanted.get(f);
  return { format: added.length > 0 ? JSON.stringify(fields) : undefined, added };
}

/**
 * The log group name in a CloudWatch Logs ARN (`arn:aws:logs:us-east-1:123456789012:log-group:name[:*]`),
 * or undefined for any other ARN (e.g. a Firehose stream).
 */
export function logGroupNameOfArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(arn);
  return m ? m[1] : undefined;
}
