import { FindingContext } from './context';
import { exampleTemplate } from './example-template';
import { Finding, FindingRule, finding } from './finding';
import { FindingSeverity } from './severity';

/**
 * A template the simulator cannot read (not an object, Resources not an object, …). Its check over a model
 * finds nothing (a model exists only for a readable template); `findingsOfTemplate` and the plugin report
 * it through {@link unreadableTemplateFinding} when reading fails.
 */
export const unreadableTemplate: FindingRule = {
  id: 'unreadable-template',
  severity: FindingSeverity.WARNING,
  description: 'A template the simulator cannot read: none of its APIs is checked.',
  examples: {
    compliant: exampleTemplate(),
    nonCompliant: { Resources: ['not', 'an', 'object'] },
  },
  check(_ctx: FindingContext) {
    return [];
  },
};

/** The finding for a template that could not be read. */
export function unreadableTemplateFinding(error: unknown): Finding {
  const why = error instanceof Error ? error.message : String(error);
  return finding(unreadableTemplate, `the template could not be read: ${why}`);
}
