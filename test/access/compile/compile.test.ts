import { CompileError, compilePolicy } from '../../../src/access/compile/compile';
import { RuleData, SourceData, StageSet } from '../../../src/access/compile/model';
import {
  allowScopeOnStages,
  denyScopeOnStages,
  pathMatches,
  scopeContains,
  scopePatterns,
} from '../../../src/access/compile/scopes';
import { policySize } from '../../../src/access/compile/size';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:??????????/';
const NO_STAGES: StageSet = { names: [], complete: true };
const ip = (...values: string[]): SourceData => ({ anyone: false, alternatives: [[{ key: 'ip', values }]] });
const acct = (...values: string[]): SourceData => ({
  anyone: false,
  alternatives: [[{ key: 'aws:PrincipalAccount', values }]],
});
const whole = (...sources: SourceData[]): RuleData[] => sources.map((s) => ({ scope: {}, sources: [s] }));

describe('compilePolicy (pure)', () => {
  test('allow sources of different keys: one Deny with all negations AND-ed, then Allow', () => {
    // WHEN
    const doc = compilePolicy({
      parts: [{ allow: whole(ip('10.0.0.0/8'), acct('111122223333')), deny: [] }],
      endpoint: 'public',
      stages: NO_STAGES,
      arnPrefix: ARN,
    });
    // THEN
    expect(doc.Statement).toEqual([
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*',
        Condition: {
          NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
          StringNotEquals: { 'aws:PrincipalAccount': '111122223333' },
        },
      },
      { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    ]);
  });

  test('no allow rule: everything denied', () => {
    const doc = compilePolicy({
      parts: [{ allow: [], deny: [] }],
      endpoint: 'public',
      stages: NO_STAGES,
      arnPrefix: ARN,
    });
    expect(doc.Statement).toEqual([
      { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    ]);
  });

  test('AND of two parts: the union of their statements, duplicates removed', () => {
    const part = { allow: whole(ip('10.0.0.0/8')), deny: [] };
    const doc = compilePolicy({ parts: [part, part], endpoint: 'private', stages: NO_STAGES, arnPrefix: ARN });
    expect(doc.Statement).toHaveLength(2);
    expect(doc.Statement[0].Condition).toEqual({ NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' } });
  });

  test('deny rules with the same condition merge their resources', () => {
    const doc = compilePolicy({
      parts: [
        {
          allow: whole({ anyone: true, alternatives: [] }),
          deny: [
            { scope: { stages: ['a'] }, source: acct('111122223333') },
            { scope: { stages: ['b'] }, source: acct('111122223333') },
          ],
        },
      ],
      endpoint: 'public',
      stages: NO_STAGES,
      arnPrefix: ARN,
    });
    expect(doc.Statement[0]).toEqual({
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: ['execute-api:/a/*', 'execute-api:/b/*'],
      Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
    });
  });

  test('fails when more than 10 different scopes are used', () => {
    const allow: RuleData[] = Array.from({ length: 11 }, (_, i) => ({
      scope: { stages: [`s${i}`] },
      sources: [ip('10.0.0.0/8')],
    }));
    expect(() =>
      compilePolicy({ parts: [{ allow, deny: [] }], endpoint: 'public', stages: NO_STAGES, arnPrefix: ARN }),
    ).toThrow(CompileError);
  });

  test('fails when a service source with sourceArn and sourceAccount multiplies past the limit', () => {
    const svc = (n: string, account: string): SourceData => ({
      anyone: false,
      alternatives: [
        [
          { key: 'aws:PrincipalServiceName', values: [n] },
          { key: 'aws:SourceArn', values: [`arn:aws:x:::${n}`] },
          { key: 'aws:SourceAccount', values: [account] },
        ],
      ],
    });
    // 3 conjuncts each, all values distinct (nothing absorbs): 3^4 = 81 Deny statements needed
    expect(() =>
      compilePolicy({
        parts: [
          {
            allow: whole(
              svc('a.amazonaws.com', '111111111111'),
              svc('b.amazonaws.com', '222222222222'),
              svc('c.amazonaws.com', '333333333333'),
              svc('d.amazonaws.com', '444444444444'),
            ),
            deny: [],
          },
        ],
        endpoint: 'public',
        stages: NO_STAGES,
        arnPrefix: ARN,
      }),
    ).toThrow(/more than 64 Deny statements/);
  });
});

describe('scope helpers', () => {
  test('scopePatterns: whole and stage-only scopes; methods and paths on the stages filled in', () => {
    expect(scopePatterns({})).toEqual(['*']);
    expect(scopePatterns({ stages: ['prod'] })).toEqual(['prod/*']);
    expect(scopePatterns({ stages: ['dev', 'prod'], methods: ['GET'] })).toEqual(['dev/GET/*', 'prod/GET/*']);
    expect(scopePatterns({ stages: ['prod'], methods: ['GET'], paths: ['/'] })).toEqual(['prod/GET/']);
  });

  test('an allow scope without stages covers the named stages only, and nothing when none is known', () => {
    const known: StageSet = { names: ['prod', 'dev'], complete: false };
    expect(allowScopeOnStages({ methods: ['GET'] }, known)).toEqual({ methods: ['GET'], stages: ['dev', 'prod'] });
    expect(allowScopeOnStages({ methods: ['GET'] }, { names: [], complete: false })).toBeUndefined();
    expect(allowScopeOnStages({}, { names: [], complete: false })).toEqual({});
  });

  test('a deny scope without stages names every stage when all are known, else uses a wildcard stage', () => {
    expect(denyScopeOnStages({ methods: ['DELETE'] }, { names: ['prod'], complete: true })).toEqual({
      methods: ['DELETE'],
      stages: ['prod'],
    });
    expect(scopePatterns(denyScopeOnStages({ methods: ['DELETE'] }, { names: ['prod'], complete: false }))).toEqual([
      '*/DELETE/*',
    ]);
    expect(scopePatterns(denyScopeOnStages({ paths: ['/admin'] }, { names: [], complete: true }))).toContain(
      '*/GET/admin',
    );
  });

  test('pathMatches follows IAM: * crosses /, case-sensitive', () => {
    expect(pathMatches('public/*', 'public/a/b')).toBe(true);
    expect(pathMatches('public/*', 'public')).toBe(false);
    expect(pathMatches('Public/*', 'public/a')).toBe(false);
  });

  test('scopeContains is certain, never optimistic', () => {
    expect(scopeContains({}, { stages: ['prod'] })).toBe(true);
    expect(scopeContains({ paths: ['/*'] }, { paths: ['/public/*'] })).toBe(true);
    expect(scopeContains({ paths: ['/public/*'] }, { paths: ['/*'] })).toBe(false);
    expect(scopeContains({ paths: ['/a*b'] }, { paths: ['/a*'] })).toBe(false);
  });

  test('policySize counts shorthand expanded and tokens as long values', () => {
    const small = policySize({ Resource: 'execute-api:/*' });
    expect(small).toBe(
      JSON.stringify({ Resource: 'arn:aws-iso-b:execute-api:ap-southeast-5:123456789012:abcdefghij/*' }).length,
    );
    expect(policySize({ v: '${Token[TOKEN.1]}' })).toBe(JSON.stringify({ v: 'x'.repeat(128) }).length);
  });
});
