import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** The cdk-nag AwsSolutions findings under `scope` that nothing acknowledged: `rule @ path` strings. */
export function unacknowledgedNagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}
