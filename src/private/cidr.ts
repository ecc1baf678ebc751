/* eslint-disable no-bitwise */ // CIDR math is bit arithmetic by nature.
/**
 * CIDR arithmetic shared by the policy compiler (normalise and merge ranges) and the simulator
 * (IpAddress / NotIpAddress). Parsing is ipaddr.js's (bundled); this file only does range math on the
 * parsed numbers, with BigInt so IPv4 and IPv6 share one code path.
 */
import * as ipaddr from 'ipaddr.js';

export type IpVersion = 4 | 6;

/** A normalised range: `network` has every host bit cleared. */
export interface Cidr {
  readonly version: IpVersion;
  readonly network: bigint;
  readonly prefix: number;
}

const BITS: Record<IpVersion, number> = { 4: 32, 6: 128 };

function bytesToBigInt(bytes: number[]): bigint {
  let n = BigInt(0);
  for (const b of bytes) n = (n << BigInt(8)) | BigInt(b);
  return n;
}

function bigIntToBytes(n: bigint, count: number): number[] {
  const out = new Array<number>(count);
  for (let i = count - 1; i >= 0; i--) {
    out[i] = Number(n & BigInt(0xff));
    n >>= BigInt(8);
  }
  return out;
}

function mask(version: IpVersion, prefix: number): bigint {
  const bits = BITS[version];
  const all = (BigInt(1) << BigInt(bits)) - BigInt(1);
  return prefix === 0 ? BigInt(0) : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

/** Parses one IP address (v4 dotted quad or v6) into its version and number; undefined if invalid. */
export function parseIp(text: string): { version: IpVersion; value: bigint } | undefined {
  const t = text.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) {
    return { version: 4, value: bytesToBigInt(ipaddr.IPv4.parse(t).toByteArray()) };
  }
  if (t.includes(':') && ipaddr.IPv6.isValid(t) && !t.includes('%')) {
    return { version: 6, value: bytesToBigInt(ipaddr.IPv6.parse(t).toByteArray()) };
  }
  return undefined;
}

/**
 * Parses `a.b.c.d/n`, `v6::/n` or a bare address (a /32 or /128). Host bits are cleared, as IAM
 * compares only the network part. Returns undefined when the text is not a valid CIDR or address.
 */
export function parseCidr(text: string): Cidr | undefined {
  // The simulator parses the same policy ranges on every request: remember recent answers (bounded).
  if (PARSED.has(text)) return PARSED.get(text);
  const parsed = parseCidrText(text);
  if (PARSED.size >= PARSED_MAX) PARSED.clear();
  PARSED.set(text, parsed);
  return parsed;
}

const PARSED = new Map<string, Cidr | undefined>();
const PARSED_MAX = 10_000;

function parseCidrText(text: string): Cidr | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addr = parseIp(slash < 0 ? t : t.slice(0, slash));
  if (!addr) return undefined;
  let prefix = BITS[addr.version];
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > BITS[addr.version]) return undefined;
  }
  return { version: addr.version, prefix, network: addr.value & mask(addr.version, prefix) };
}

/** The canonical text: `10.0.0.0/24`, `2001:db8::/32` (RFC 5952), always with the prefix. */
export function formatCidr(c: Cidr): string {
  const bytes = bigIntToBytes(c.network, c.version === 4 ? 4 : 16);
  const ip = ipaddr.fromByteArray(bytes);
  const text = ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
  return `${text}/${c.prefix}`;
}

/** True when `inner` lies entirely inside `outer` (same version). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.version === inner.version &&
    outer.prefix <= inner.prefix &&
    (inner.network & mask(outer.version, outer.prefix)) === outer.network
  );
}

/** True when the address (text) lies in the range. Invalid addresses are in no range. */
export function ipInCidr(ip: string, range: Cidr): boolean {
  const a = parseIp(ip);
  return !!a && a.version === range.version && (a.value & mask(range.version, range.prefix)) === range.network;
}

/** True when the two ranges share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

function compare(a: Cidr, b: Cidr): number {
  if (a.version !== b.version) return a.version - b.version;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}

/**
 * The smallest list of CIDRs whose union is exactly the union of the input: duplicates and ranges
 * inside others are dropped, adjacent siblings (10.0.0.0/25 + 10.0.0.128/25) are merged into their
 * parent, repeatedly. Output is sorted (IPv4 first, then by network, then prefix).
 */
export function mergeCidrs(input: readonly Cidr[]): Cidr[] {
  let list = [...input].sort(compare);
  // Drop ranges covered by an earlier (sorted: same network → shorter prefix first) range.
  const covered: Cidr[] = [];
  for (const c of list) {
    const last = covered[covered.length - 1];
    if (last && cidrContains(last, c)) continue;
    covered.push(c);
  }
  list = covered;
  // Merge sibling pairs until nothing changes; each pass can enable merges one level up.
  let changed = true;
  while (changed) {
    changed = false;
    const out: Cidr[] = [];
    for (const c of list) {
      const last = out[out.length - 1];
      if (last && last.version === c.version && last.prefix === c.prefix && last.prefix > 0) {
        const parentPrefix = c.prefix - 1;
        const parentMask = mask(c.version, parentPrefix);
        if ((last.network & parentMask) === (c.network & parentMask) && last.network !== c.network) {
          out[out.length - 1] = { version: c.version, prefix: parentPrefix, network: last.network & parentMask };
          changed = true;
          continue;
        }
      }
      if (last && cidrContains(last, c)) {
        changed = true;
        continue;
      }
      out.push(c);
    }
    list = out;
  }
  return list;
}
