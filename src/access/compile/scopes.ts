/**
 * Scopes as execute-api resource patterns, and the relations between scopes the compiler needs. Pure.
 *
 * Patterns are exact for allow rules: a `*` stage or method followed by a fixed part would also match paths
 * that contain `/GET/...` (IAM's `*` crosses `/`), so stages and methods are enumerated there. A deny rule
 * may over-match (it only refuses more), so a deny scope on an API whose stages cannot all be named uses a
 * wildcard stage.
 */
import { HTTP_METHODS, ScopeData, StageSet } from './model';

/** Canonical text of a scope (group key, sort key). */
export function scopeKey(s: ScopeData): string {
  const dim = (v?: readonly string[]) => (v === undefined ? '*' : [...v].sort().join(','));
  return `${dim(s.stages)}|${dim(s.methods)}|${dim(s.paths)}`;
}

/** The scope covers the whole API (every stage, method and path). */
export function isWhole(s: ScopeData): boolean {
  return s.stages === undefined && s.methods === undefined && s.paths === undefined;
}

export function uniqSorted(v: readonly string[]): string[] {
  return [...new Set(v)].sort();
}

/**
 * An allow scope with the API's stages filled in: a scope naming methods or paths but no stages covers the
 * stages the API has (never a stage it did not name). `undefined` when that covers nothing (no stage known).
 */
export function allowScopeOnStages(s: ScopeData, stages: StageSet): ScopeData | undefined {
  if (s.stages !== undefined || (s.methods === undefined && s.paths === undefined)) return s;
  if (stages.names.length === 0) return undefined;
  return { ...s, stages: uniqSorted(stages.names) };
}

/**
 * The stage list of a deny scope naming methods or paths but no stages: every stage when all can be named,
 * else `*` (over-matching a deny is safe, under-matching is a hole).
 */
export function denyScopeOnStages(s: ScopeData, stages: StageSet): ScopeData {
  if (s.stages !== undefined || (s.methods === undefined && s.paths === undefined)) return s;
  if (stages.complete && stages.names.length > 0) return { ...s, stages: uniqSorted(stages.names) };
  return { ...s, stages: ['*'] };
}

/**
 * The resource patterns (relative to `{api-id}/`) of a scope whose stages are filled in where methods or
 * paths are named (see {@link allowScopeOnStages}, {@link denyScopeOnStages}).
 */
export function scopePatterns(s: ScopeData): string[] {
  if (isWhole(s)) return ['*'];
  const stages = s.stages ?? ['*'];
  const out: string[] = [];
  for (const stage of uniqSorted(stages)) {
    if (s.methods === undefined && s.paths === undefined) {
      out.push(`${stage}/*`);
      continue;
    }
    const methods = s.methods ?? HTTP_METHODS;
    for (const m of uniqSorted(methods)) {
      if (s.paths === undefined) out.push(`${stage}/${m}/*`);
      else for (const p of uniqSorted(s.paths)) out.push(`${stage}/${m}/${p.slice(1)}`);
    }
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    '^' +
      glob
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    's',
  );
}

/** IAM-style match of a path pattern (`*` crosses `/`). */
export function pathMatches(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path);
}

/** Conservative: false only when the two patterns certainly share no path. */
function globsMayIntersect(a: string, b: string): boolean {
  const aw = a.includes('*');
  const bw = b.includes('*');
  if (!aw && !bw) return a === b;
  if (!aw) return pathMatches(b, a);
  if (!bw) return pathMatches(a, b);
  const pa = a.slice(0, a.indexOf('*'));
  const pb = b.slice(0, b.indexOf('*'));
  const sa = a.slice(a.lastIndexOf('*') + 1);
  const sb = b.slice(b.lastIndexOf('*') + 1);
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function setsIntersection(sets: Array<readonly string[] | undefined>): string[] | undefined {
  let acc: string[] | undefined;
  for (const s of sets) {
    if (s === undefined) continue;
    acc = acc === undefined ? [...s] : acc.filter((x) => s.includes(x));
  }
  return acc;
}

/** Conservative: false only when no request lies in all scopes. */
export function scopesMayIntersect(scopes: ScopeData[]): boolean {
  const st = setsIntersection(scopes.map((s) => s.stages));
  if (st !== undefined && st.length === 0) return false;
  const me = setsIntersection(scopes.map((s) => s.methods));
  if (me !== undefined && me.length === 0) return false;
  const withPaths = scopes.filter((s) => s.paths !== undefined);
  for (let i = 0; i < withPaths.length; i++) {
    for (let j = i + 1; j < withPaths.length; j++) {
      const ok = withPaths[i].paths!.some((p) => withPaths[j].paths!.some((q) => globsMayIntersect(p, q)));
      if (!ok) return false;
    }
  }
  return true;
}

/** Certain (not conservative): every request in `inner` is in `outer`. */
export function scopeContains(outer: ScopeData, inner: ScopeData): boolean {
  const dim = (o?: readonly string[], i?: readonly string[]) =>
    o === undefined || (i !== undefined && i.every((x) => o.includes(x)));
  if (!dim(outer.stages, inner.stages) || !dim(outer.methods, inner.methods)) return false;
  if (outer.paths === undefined) return true;
  if (inner.paths === undefined) return false;
  return inner.paths.every((p) => outer.paths!.some((o) => globContains(o, p)));
}

/** Certain: every path `inner` matches, `outer` matches too. */
function globContains(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (!inner.includes('*')) return pathMatches(outer, inner);
  // `prefix*` contains every pattern that starts with prefix.
  const star = outer.indexOf('*');
  return star === outer.length - 1 && inner.startsWith(outer.slice(0, star));
}
