import * as fc from 'fast-check';
import { Cidr, cidrContains, formatCidr, ipInCidr, mergeCidrs, parseCidr, parseIp } from '../../src/private/cidr';
import { propertyRuns } from '../support/budget';

const c = (t: string) => parseCidr(t)!;

describe('cidr', () => {
  test('parses and normalises IPv4 and IPv6 ranges and bare addresses', () => {
    expect(formatCidr(c('10.0.0.5/24'))).toBe('10.0.0.0/24');
    expect(formatCidr(c('203.0.113.7'))).toBe('203.0.113.7/32');
    expect(formatCidr(c('2001:DB8:0:0::1/32'))).toBe('2001:db8::/32');
    expect(formatCidr(c('::/0'))).toBe('::/0');
    expect(formatCidr(c('0.0.0.0/0'))).toBe('0.0.0.0/0');
  });

  test.each([
    '10.0.0.0/33',
    '10.0.0/24',
    '10.1',
    '300.0.0.1',
    '1.2.3.4/',
    '1.2.3.4/x',
    'fe80::1%eth0',
    '',
    'abc',
    '2001:db8::/129',
  ])('rejects %p', (bad) => {
    expect(parseCidr(bad)).toBeUndefined();
  });

  test('membership and containment', () => {
    expect(ipInCidr('10.0.0.255', c('10.0.0.0/24'))).toBe(true);
    expect(ipInCidr('10.0.1.0', c('10.0.0.0/24'))).toBe(false);
    expect(ipInCidr('2001:db8::1', c('2001:db8::/32'))).toBe(true);
    expect(ipInCidr('10.0.0.1', c('2001:db8::/32'))).toBe(false);
    expect(ipInCidr('not-an-ip', c('0.0.0.0/0'))).toBe(false);
    expect(cidrContains(c('10.0.0.0/8'), c('10.1.0.0/16'))).toBe(true);
    expect(cidrContains(c('10.1.0.0/16'), c('10.0.0.0/8'))).toBe(false);
  });

  test('merges duplicates, contained ranges and siblings', () => {
    const merged = mergeCidrs(
      [
        '10.0.0.0/25',
        '10.0.0.128/25',
        '10.0.0.7/32',
        '10.0.0.0/25',
        '192.168.0.0/16',
        '2001:db8::/33',
        '2001:db8:8000::/33',
      ].map(c),
    );
    expect(merged.map(formatCidr)).toEqual(['10.0.0.0/24', '192.168.0.0/16', '2001:db8::/32']);
  });

  test('merging preserves exactly the set of addresses (property)', () => {
    // Small IPv4 universe (10.0.0.0/26) so every address can be checked.
    const arb = fc.array(
      fc.record({ host: fc.integer({ min: 0, max: 63 }), prefix: fc.integer({ min: 26, max: 32 }) }),
      { minLength: 0, maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, (items) => {
        const input: Cidr[] = items.map((i) => c(`10.0.0.${i.host}/${i.prefix}`));
        const merged = mergeCidrs(input);
        for (let h = 0; h < 64; h++) {
          const ip = `10.0.0.${h}`;
          expect(merged.some((m) => ipInCidr(ip, m))).toBe(input.some((m) => ipInCidr(ip, m)));
        }
        // minimal: no range contains another, no sibling pair left
        for (const a of merged) for (const b of merged) if (a !== b) expect(cidrContains(a, b)).toBe(false);
        expect(mergeCidrs(merged)).toEqual(merged);
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  test('parseIp distinguishes versions', () => {
    expect(parseIp('1.2.3.4')?.version).toBe(4);
    expect(parseIp('::1')?.version).toBe(6);
    expect(parseIp('1.2.3')).toBeUndefined();
  });
});
