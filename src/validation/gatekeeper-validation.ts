import {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { RequestSimulator } from '../simulate';
import { FindingSeverity, findingIds, severityRank, unreadableTemplateFinding } from '../simulate/findings';

/** Options of {@link GatekeeperValidation}. */
export interface GatekeeperValidationProps {
  /**
   * The least severe finding reported: a {@link FindingSeverity} value, `error`, `warning` or `info`. Only
   * `error` findings fail synthesis.
   *
   * @default FindingSeverity.WARNING
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
  /** The finding ids this plugin reports: every rule of the simulator's registry. */
  public readonly ruleIds?: string[] = findingIds();
  private readonly minimum: number;

  constructor(private readonly props: GatekeeperValidationProps = {}) {
    const min = props.minimumSeverity ?? FindingSeverity.WARNING;
    const rank = severityRank(min);
    if (rank === undefined) {
      throw new Error(
        `GatekeeperValidation: 'minimumSeverity' is invalid: got ${JSON.stringify(min)}; expected 'error', 'warning' or 'info'`,
      );
    }
    this.minimum = rank;
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
        findings = [unreadableTemplateFinding(e)];
      }
      for (const f of findings) {
        if ((severityRank(f.severity) ?? 0) < this.minimum) continue;
        const entry = byRule.get(f.id) ?? { description: '', severity: f.severity, resources: [] };
        entry.description = entry.description ? `${entry.description}; ${f.message}` : f.message;
        if ((severityRank(f.severity) ?? 0) > (severityRank(entry.severity) ?? 0)) entry.severity = f.severity;
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
