import { App, Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * The cdk-nag AwsSolutions findings under `scope` that nothing acknowledged: `rule @ path` strings.
 * The app is synthesized first, as `Validations.of(app)` plugins only run after synthesis (aspects, such as
 * the per-method acknowledgements, have then been applied).
 */
export function unacknowledgedNagFindings(scope: IConstruct): string[] {
  const root = Stage.of(scope) ?? App.of(scope);
  root?.synth();
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}
