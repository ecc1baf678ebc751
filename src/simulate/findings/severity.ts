/**
 * How serious a finding of the simulator (`cdk-api-gatekeeper explain`, `GatekeeperValidation`) is.
 * The values are the strings of the JSON output.
 */
export enum FindingSeverity {
  /** API Gateway rejects the configuration, or the API is more open than intended: fails synthesis in the plugin. */
  ERROR = 'error',
  /** A likely mistake: a method open to anyone, a policy nobody can satisfy, a plan with no effect. */
  WARNING = 'warning',
  /** Worth knowing, usually harmless: a disabled key, an API with no stage. */
  INFO = 'info',
}

const RANK: Record<string, number> = { info: 0, warning: 1, error: 2 };

/** Rank of a severity (info 0, warning 1, error 2); undefined for an unknown value. */
export function severityRank(severity: unknown): number | undefined {
  return typeof severity === 'string' && Object.prototype.hasOwnProperty.call(RANK, severity)
    ? RANK[severity]
    : undefined;
}
