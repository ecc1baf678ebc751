import {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { RequestSimulator } from '../simulate';

/** Options of {@link GatekeeperValidation}. */
export interface GatekeeperValidationProps {
  /**
   * The least severe finding reported: `error`, `warning` or `info`. Only `error` findings fail synthesis.
   *
   * @default 'warning'
   */
  readonly minimumSeverity?: string;

  /**
   * Account id for pseudo parameters in env-agnostic stacks.
   *
   * @default '123456789012'
   */
  readonly account?: string;

  /**
   * Region for pseudo parameters in env-agnostic stacks.
   *
   * @default 'us-east-1'
   */
  readonly region?: string;
}

const RANK: Record<string, number> = { info: 0, warning: 1, error: 2 };

/** The finding ids the simulator's `explain` reports (see `SimulatorFinding.id`). */
const GATEKEEPER_RULE_IDS = [
  'open-private-api',
  'private-api-without-policy',
  'invalid-policy',
  'no-allow-policy',
  'uncertain-statement',
  'key-required-without-plan',
  'plan-without-limits',
  'plan-without-stages',
  'key-without-plan',
  'key-disabled',
  'no-methods',
  'no-stage',
];

/**
 * A policy-validation plugin that runs the simulator's checks (`cdk-api-gatekeeper explain` findings) over
 * every REST API in the synthesized app, whether this library built it or not: a private API any VPC
 * endpoint could call, a private API without a policy, a deny-only policy that blocks everyone, a
 * key-required method in no usage plan, a plan with no limits, …
 * Findings of severity `error` fail synthesis; warnings are reported.
 *
 * @example
 * const app = new App({ policyValidationBeta1: [new GatekeeperValidation()] });
 */
export class GatekeeperValidation implements IPolicyValidationPluginBeta1 {
  /** The plugin's name in CDK's validation report. */
  public readonly name = 'cdk-api-gatekeeper';
  /** The finding ids this plugin reports. */
  public readonly ruleIds?: string[] = [...GATEKEEPER_RULE_IDS];
  private readonly minimum: number;

  constructor(private readonly props: GatekeeperValidationProps = {}) {
    const min = props.minimumSeverity ?? 'warning';
    if (!(min in RANK)) {
      throw new Error(
        `GatekeeperValidation: 'minimumSeverity' is invalid: got ${JSON.stringify(min)}; expected 'error', 'warning' or 'info'`,
      );
    }
    this.minimum = RANK[min];
  }

  /** Runs the checks over the synthesized templates. */
  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const byRule = new Map<
      string,
      { description: string; severity: string; resources: PolicyViolationBeta1['violatingResources'][number][] }
    >();
    for (const templatePath of context.templatePaths) {
      let findings;
      try {
        findings = RequestSimulator.fromFile(templatePath, {
          account: this.props.account,
          region: this.props.region,
        }).findings();
      } catch (e) {
        findings = [
          {
            id: 'unreadable-template',
            severity: 'warning',
            message: `the template could not be read: ${(e as Error).message}`,
          },
        ];
      }
      for (const f of findings) {
        if ((RANK[f.severity] ?? 0) < this.minimum) continue;
        const entry = byRule.get(f.id) ?? { description: '', severity: f.severity, resources: [] };
        entry.description = entry.description ? `${entry.description}; ${f.message}` : f.message;
        if ((RANK[f.severity] ?? 0) > (RANK[entry.severity] ?? 0)) entry.severity = f.severity;
        entry.resources.push({
          resourceLogicalId: f.api ?? '(template)',
          templatePath,
          locations: f.stage ? [`stage ${f.stage}`] : [],
        });
        byRule.set(f.id, entry);
      }
    }
    const violations: PolicyViolationBeta1[] = [...byRule].map(([ruleName, v]) => ({
      ruleName,
      description: v.description,
      severity: v.severity,
      violatingResources: v.resources,
    }));
    return { success: !violations.some((v) => v.severity === 'error'), violations };
  }
}
