// Jest snapshot serializer: replaces asset hashes (64 hex characters, optionally with an extension, as in
// `<hash>.zip` or `cdk-hnb659fds-assets-...`) with a stable marker, so snapshots change only when the
// template does, not when a bundled asset or the CDK version does.
const HASH = /[0-9a-f]{64}/g;
const MARKER = 'ASSET-HASH';

function strip(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(HASH, MARKER);
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[strip(k) as string] = strip(v);
    return out;
  }
  return value;
}

function hasHash(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value === 'string') return new RegExp(HASH.source).test(value);
  if (!value || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  return Object.entries(value as Record<string, unknown>).some(
    ([k, v]) => new RegExp(HASH.source).test(k) || hasHash(v, seen),
  );
}

module.exports = {
  test: (value: unknown) => value !== null && typeof value === 'object' && hasHash(value),
  serialize: (value: unknown, config: any, indentation: string, depth: number, refs: any, printer: any) =>
    printer(strip(value), config, indentation, depth, refs),
};
