/**
 * Generated from the registry: every finding rule reports nothing on its compliant example and at least one
 * finding of its own id and severity on its non-compliant one. A rule without examples, or a rule file
 * missing from the registry, fails here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GatekeeperValidation } from '../../../src';
import { FINDING_RULES, FindingRule, findingIds, findingsOfTemplate } from '../../../src/simulate/findings';

const OPTS = { cognitoRequiresExplicitAllow: true };
const RULE_DIR = path.join(__dirname, '..', '..', '..', 'src', 'simulate', 'findings');

/** The ids DESIGN.md §3.5 makes contract (users' acknowledgements and the plugin use them). */
const CONTRACT_IDS = [
  'invalid-policy',
  'key-disabled',
  'key-required-without-plan',
  'key-without-plan',
  'no-allow-policy',
  'no-methods',
  'no-stage',
  'open-private-api',
  'plan-never-applies',
  'plan-without-limits',
  'plan-without-stages',
  'policy-too-large',
  'private-api-without-policy',
  'unauthenticated-method',
  'uncertain-statement',
  'unreachable-api',
  'unreadable-template',
];

function ruleFindings(rule: FindingRule, template: { [key: string]: any }) {
  return findingsOfTemplate(template, OPTS).filter((f) => f.id === rule.id);
}

describe.each(FINDING_RULES.map((r) => [r.id, r] as const))('finding rule %s', (_id, rule) => {
  test('has a description, a compliant and a non-compliant example', () => {
    expect(rule.description.length).toBeGreaterThan(10);
    expect(rule.examples?.compliant).toEqual(expect.any(Object));
    expect(rule.examples?.nonCompliant).toEqual(expect.any(Object));
  });

  test('reports nothing on its compliant example', () => {
    // GIVEN / WHEN
    const found = ruleFindings(rule, rule.examples.compliant);
    // THEN
    expect(found).toEqual([]);
  });

  test('reports its non-compliant example with its own id and severity', () => {
    // GIVEN / WHEN
    const found = ruleFindings(rule, rule.examples.nonCompliant);
    // THEN
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f).toMatchObject({ id: rule.id, severity: rule.severity });
      expect(f.message.length).toBeGreaterThan(10);
    }
  });
});

describe('the finding registry', () => {
  test('holds exactly the contract ids, each once', () => {
    expect([...findingIds()].sort()).toEqual([...CONTRACT_IDS].sort());
  });

  test('holds every rule defined in src/simulate/findings/', () => {
    // GIVEN every exported FindingRule of every file in the folder
    const defined: string[] = [];
    for (const file of fs.readdirSync(RULE_DIR).filter((f) => f.endsWith('.ts'))) {
      const mod = jest.requireActual(path.join(RULE_DIR, file));
      for (const v of Object.values<any>(mod)) {
        if (v && typeof v === 'object' && typeof v.id === 'string' && typeof v.check === 'function') defined.push(v.id);
      }
    }
    // THEN the registry lists each of them
    expect(new Set(defined)).toEqual(new Set(findingIds()));
  });

  test('is what GatekeeperValidation declares as its rule ids', () => {
    expect(new GatekeeperValidation().ruleIds).toEqual(findingIds());
  });

  test('fails when a template cannot be read: unreadable-template, nothing else', () => {
    expect(findingsOfTemplate({ Resources: 'x' }, OPTS).map((f) => f.id)).toEqual(['unreadable-template']);
  });
});

describe('FindingSeverity', () => {
  test('is public and its values are the JSON strings', () => {
    // GIVEN / WHEN
    const { FindingSeverity } = jest.requireActual('../../../src');
    // THEN
    expect([FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO]).toEqual([
      'error',
      'warning',
      'info',
    ]);
    expect(new Set(FINDING_RULES.map((r) => r.severity))).toEqual(new Set(['error', 'warning', 'info']));
  });
});
