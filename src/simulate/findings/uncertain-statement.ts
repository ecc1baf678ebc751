import { FindingContext } from './context';
import { allowAll, exampleTemplate, policyOf } from './example-template';
import { FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/** A statement the simulator cannot decide (no Resource, an unresolved value): read conservatively per its effect. */
export const uncertainStatement: FindingRule = {
  id: 'uncertain-statement',
  severity: FindingSeverity.WARNING,
  description:
    'A policy statement the simulator cannot decide (no Resource, an unresolved value); treated conservatively.',
  examples: {
    compliant: exampleTemplate({ policy: policyOf(allowAll()) }),
    nonCompliant: exampleTemplate({
      policy: policyOf({ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke' }),
    }),
  },
  check(ctx: FindingContext) {
    return ctx.model.apis.flatMap((api) =>
      (api.policy?.statements ?? []).flatMap((st) =>
        st.problems.map((p) => finding(this, `${p}; treated conservatively`, { api: api.logicalId })),
      ),
    );
  },
};
