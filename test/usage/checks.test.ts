import { Lazy, Token } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import {
  bindingId,
  checkBurst,
  checkKeyValue,
  checkMethodThrottles,
  checkName,
  checkQuota,
  checkRate,
  checkThrottle,
  isValidResourcePath,
  keyConstructId,
  planConstructId,
} from '../../src/usage/checks';

const tokenNumber = Token.asNumber(Lazy.number({ produce: () => 5 }));
const tokenString = Lazy.string({ produce: () => 'x' });

describe('usage checks', () => {
  test('rates: numbers ≥ 0 pass; negatives, NaN and Infinity fail; tokens pass', () => {
    expect(checkRate('r', 0)).toEqual([]);
    expect(checkRate('r', 0.5)).toEqual([]);
    expect(checkRate('r', tokenNumber)).toEqual([]);
    for (const bad of [-0.1, NaN, Infinity]) {
      expect(checkRate('r', bad)).toEqual([
        { prop: 'r', value: bad, problem: 'is out of range', expected: 'a number of requests per second ≥ 0' },
      ]);
    }
  });

  test('bursts: integers ≥ 0 pass; fractions and negatives fail; tokens pass', () => {
    expect(checkBurst('b', 0)).toEqual([]);
    expect(checkBurst('b', 5000)).toEqual([]);
    expect(checkBurst('b', tokenNumber)).toEqual([]);
    expect(checkBurst('b', 1.5)).toHaveLength(1);
    expect(checkBurst('b', -1)).toHaveLength(1);
    expect(checkThrottle('t', undefined)).toEqual([]);
    expect(checkThrottle('t', { rateLimit: -1, burstLimit: -1 }).map((p) => p.prop)).toEqual([
      't.rateLimit',
      't.burstLimit',
    ]);
  });

  test('quotas: limit > 0 integer, a known period, offset 0 silently, other offsets warn', () => {
    expect(checkQuota('q', { limit: 1, period: 'DAY' })).toEqual([]);
    expect(checkQuota('q', { limit: 1, period: 'MONTH', offset: 0 })).toEqual([]);
    expect(checkQuota('q', { limit: tokenNumber, period: tokenString })).toEqual([]);
    expect(checkQuota('q', { limit: 0, period: 'DAY' })[0].prop).toBe('q.limit');
    expect(checkQuota('q', { limit: 1.5, period: 'DAY' })[0].prop).toBe('q.limit');
    expect(checkQuota('q', { limit: 1, period: 'day' })[0].prop).toBe('q.period');
    expect(checkQuota('q', { limit: 1, period: 'DAY', offset: -1 })[0].warning).toBeUndefined();
    expect(checkQuota('q', { limit: 1, period: 'WEEK', offset: 1 })[0].warning).toBe('usageQuotaOffset');
  });

  test('names: letters, digits, dot, dash, underscore; never tokens or separators', () => {
    expect(checkName('n', 'free')).toEqual([]);
    expect(checkName('n', 'Tier-1.b_2')).toEqual([]);
    for (const bad of ['', '-x', 'a/b', 'a:b', 'a@b', 'a b', 'x'.repeat(65), tokenString, 3]) {
      expect(checkName('n', bad)).toHaveLength(1);
    }
  });

  test('resource paths', () => {
    for (const ok of ['/', '/orders', '/orders/{id}', '/a/{proxy+}', '/a.b/c-d']) {
      expect(isValidResourcePath(ok)).toBe(true);
    }
    for (const bad of ['', 'orders', '/orders/', '//', '/a//b', '/{proxy+}/x', '/a b']) {
      expect(isValidResourcePath(bad)).toBe(false);
    }
  });

  test('method throttles: over 20 per plan warns (adjustable quota)', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ method: 'GET', path: `/r${i}`, rateLimit: 1, burstLimit: 1 }));
    const problems = checkMethodThrottles('m', many, true);
    expect(problems).toHaveLength(1);
    expect(problems[0].warning).toBe('usageMethodThrottleQuota');
    expect(checkMethodThrottles('m', [], false)).toEqual([]);
  });

  test('key values: 20–128 characters (error), alphanumeric (warning), never shown', () => {
    expect(checkKeyValue('v', undefined)).toEqual([]);
    expect(checkKeyValue('v', tokenString)).toEqual([]);
    expect(checkKeyValue('v', 'a'.repeat(20))).toEqual([]);
    expect(checkKeyValue('v', 'a'.repeat(128))).toEqual([]);
    expect(checkKeyValue('v', 'a'.repeat(19))).toEqual([
      {
        prop: 'v',
        value: '<redacted: 19 characters>',
        problem: 'has the wrong length',
        expected: '20 to 128 characters',
      },
    ]);
    expect(checkKeyValue('v', 'a'.repeat(129))[0].warning).toBeUndefined();
    const w = checkKeyValue('v', `${'a'.repeat(20)}-`);
    expect(w[0].warning).toBe('usageKeyValueCharacters');
    expect(JSON.stringify(w)).not.toContain('aaaa');
  });

  test('construct ids: a key id depends on the key alone, a binding on key and tier, and none collide', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/);
    fc.assert(
      fc.property(name, name, name, name, (k1, t1, k2, t2) => {
        expect(keyConstructId(k1)).toBe(keyConstructId(k1));
        const ids = new Set([keyConstructId(k1), planConstructId(t1), bindingId(k1, t1)]);
        expect(ids.size).toBe(3);
        // Different (key, tier) pairs never share a binding id; plans and keys never share an id.
        if (k1 !== k2 || t1 !== t2) expect(bindingId(k1, t1)).not.toBe(bindingId(k2, t2));
        expect(planConstructId(t2)).not.toBe(keyConstructId(k1));
        expect(planConstructId(t2)).not.toBe(bindingId(k1, t1));
      }),
      { numRuns: 200 },
    );
  });
});
