/**
 * Nested stacks, inlined: a template whose `AWS::CloudFormation::Stack` resources are replaced by the
 * resources of the templates they deploy, so that the simulator (and a reader) sees one stack.
 *
 * - A nested stack's template is found through `loadTemplate(location)`: `location` is the resource's
 *   `aws:asset:path` metadata (the file name CDK gives it in the cloud assembly,
 *   `<id>.nested.template.json`), or else the last segment of its `TemplateURL` (the asset's object key,
 *   `<hash>.json`). {@link cloudAssemblyTemplateLoader} answers both for a cdk.out directory. A nested
 *   stack whose template is not found stays as it is.
 * - The child's `Parameters` take the values the parent passes (its `Parameters` property: `Ref`s and
 *   `Fn::GetAtt`s of parent resources), else their `Default`.
 * - The parent's `Fn::GetAtt [Child, Outputs.X]` becomes the child's output value.
 * - The child's logical ids are kept unless the parent already uses them (then prefixed with the nested
 *   stack's logical id), so references such as `apiKeyRef` name the same resource as in the child.
 * - A `DependsOn` on the nested stack becomes a `DependsOn` on its resources, and the nested stack's own
 *   `DependsOn` and `Condition` pass to each of its resources.
 *
 * Pure: plain JSON in, plain JSON out (the inputs are not modified). Not handled: a `Ref` to the nested
 * stack itself (its stack id) is left as it is.
 */
import * as fs from 'fs';
import * as path from 'path';

type Json = any;
/** Loads the template of a nested stack from its location (see the file comment), or undefined. */
export type NestedTemplateLoader = (location: string) => { [key: string]: any } | undefined;

const STACK_TYPE = 'AWS::CloudFormation::Stack';
const MAX_DEPTH = 10;
/** Metadata key that records, on an inlined resource, the logical id of the nested stack it came from. */
export const NESTED_STACK_METADATA = 'cdk-api-gatekeeper:nestedStack';

/** Where a nested stack's template is: its `aws:asset:path` metadata, else the last part of its TemplateURL. */
export function nestedTemplateLocation(resource: Json): string | undefined {
  const assetPath = resource?.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return assetPath;
  let url = resource?.Properties?.TemplateURL;
  if (url && typeof url === 'object' && Array.isArray(url['Fn::Join']?.[1])) {
    const parts = url['Fn::Join'][1];
    url = parts[parts.length - 1];
  }
  if (typeof url !== 'string') return undefined;
  const last = url.split('/').pop();
  return last || undefined;
}

/**
 * The template with every nested stack whose template `loadTemplate` finds replaced by that template's
 * resources (recursively, up to 10 levels).
 */
export function mergeNestedTemplates(
  rootTemplate: { [key: string]: any },
  loadTemplate: NestedTemplateLoader,
): { [key: string]: any } {
  return mergeAt(rootTemplate, loadTemplate, 0);
}

function mergeAt(root: Json, load: NestedTemplateLoader, depth: number): Json {
  const out: Json = JSON.parse(JSON.stringify(root ?? {}));
  const resources: Record<string, Json> = out.Resources ?? {};
  const children = new Map<string, Json>();
  if (depth < MAX_DEPTH) {
    for (const [id, r] of Object.entries(resources)) {
      if (r?.Type !== STACK_TYPE) continue;
      const location = nestedTemplateLocation(r);
      const child = location !== undefined ? load(location) : undefined;
      if (child && typeof child === 'object') children.set(id, mergeAt(child, load, depth + 1));
    }
  }
  if (children.size === 0) return out;
  const taken = new Set([...Object.keys(resources), ...Object.keys(out.Parameters ?? {})]);
  const merged: Record<string, Json> = {};
  const outputs = new Map<string, Record<string, Json>>();
  const inlinedIds = new Map<string, string[]>();
  for (const [id, r] of Object.entries(resources)) {
    const child = children.get(id);
    if (!child) {
      merged[id] = r;
      continue;
    }
    const inlined = inline(out, id, r, child, taken);
    Object.assign(merged, inlined.resources);
    outputs.set(id, inlined.outputs);
    inlinedIds.set(id, Object.keys(inlined.resources));
  }
  out.Resources = merged;
  replaceOutputRefs(out, outputs);
  expandDependsOn(out.Resources, inlinedIds);
  return out;
}

interface Inlined {
  readonly resources: Record<string, Json>;
  readonly outputs: Record<string, Json>;
}

/** The child's resources and outputs, rewritten into the parent's names. Adds its conditions and mappings to `out`. */
function inline(out: Json, stackId: string, stack: Json, child: Json, taken: Set<string>): Inlined {
  const given: Record<string, Json> = stack.Properties?.Parameters ?? {};
  const params = new Map<string, Json>();
  for (const [name, decl] of Object.entries<Json>(child.Parameters ?? {})) {
    if (name in given) {
      params.set(name, given[name]);
    } else if (decl && 'Default' in decl) {
      params.set(name, decl.Default);
    } else {
      // Neither passed nor defaulted (CloudFormation would refuse it): keep it as a parameter of the whole.
      const [outer] = renames([name], taken, stackId).values();
      (out.Parameters ??= {})[outer] = decl;
      params.set(name, { Ref: outer });
    }
  }
  const names: Names = {
    params,
    resources: renames(Object.keys(child.Resources ?? {}), taken, stackId),
    conditions: renames(Object.keys(child.Conditions ?? {}), new Set(Object.keys(out.Conditions ?? {})), stackId),
    mappings: renames(Object.keys(child.Mappings ?? {}), new Set(Object.keys(out.Mappings ?? {})), stackId),
  };
  for (const [name, c] of Object.entries<Json>(child.Conditions ?? {})) {
    (out.Conditions ??= {})[names.conditions.get(name)!] = rewrite(c, names);
  }
  for (const [name, m] of Object.entries<Json>(child.Mappings ?? {})) {
    (out.Mappings ??= {})[names.mappings.get(name)!] = m;
  }
  const resources: Record<string, Json> = {};
  for (const [id, r] of Object.entries<Json>(child.Resources ?? {})) {
    resources[names.resources.get(id)!] = inlineResource(out, stackId, stack, r, names);
  }
  const outputs: Record<string, Json> = {};
  for (const [name, o] of Object.entries<Json>(child.Outputs ?? {})) outputs[name] = rewrite(o?.Value, names);
  return { resources, outputs };
}

function inlineResource(out: Json, stackId: string, stack: Json, r: Json, names: Names): Json {
  const res: Json = { ...r };
  for (const field of ['Properties', 'UpdatePolicy', 'CreationPolicy']) {
    if (field in res) res[field] = rewrite(res[field], names);
  }
  const ownDeps = dependsOnList(r.DependsOn).map((d) => names.resources.get(d) ?? d);
  const deps = [...ownDeps, ...dependsOnList(stack.DependsOn)];
  if (deps.length > 0) res.DependsOn = [...new Set(deps)];
  const own = typeof r.Condition === 'string' ? (names.conditions.get(r.Condition) ?? r.Condition) : undefined;
  const outer = typeof stack.Condition === 'string' ? stack.Condition : undefined;
  if (own && outer) {
    const both = `${own}And${stackId}`;
    (out.Conditions ??= {})[both] = { 'Fn::And': [{ Condition: outer }, { Condition: own }] };
    res.Condition = both;
  } else if (own || outer) {
    res.Condition = own ?? outer;
  }
  res.Metadata = { ...(r.Metadata ?? {}), [NESTED_STACK_METADATA]: stackId };
  return res;
}

interface Names {
  /** Child parameter → the parent's expression. */
  readonly params: Map<string, Json>;
  readonly resources: Map<string, string>;
  readonly conditions: Map<string, string>;
  readonly mappings: Map<string, string>;
}

/** Child names → parent names: kept unless taken, else prefixed with the stack id (and a number if need be). */
function renames(ids: string[], taken: Set<string>, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    let name = id;
    for (let i = 2; taken.has(name); i++) name = i === 2 ? `${prefix}${id}` : `${prefix}${id}${i}`;
    taken.add(name);
    out.set(id, name);
  }
  return out;
}

function dependsOnList(d: Json): string[] {
  if (typeof d === 'string') return [d];
  return Array.isArray(d) ? d.filter((x): x is string => typeof x === 'string') : [];
}

/** A child expression in the parent's names. */
function rewrite(x: Json, names: Names): Json {
  if (Array.isArray(x)) return x.map((e) => rewrite(e, names));
  if (!x || typeof x !== 'object') return x;
  const keys = Object.keys(x);
  if (keys.length === 1) {
    const [k] = keys;
    const v = x[k];
    if (k === 'Ref' && typeof v === 'string') {
      if (names.params.has(v)) return names.params.get(v);
      return { Ref: names.resources.get(v) ?? v };
    }
    if (k === 'Fn::GetAtt') return { 'Fn::GetAtt': rewriteGetAtt(v, names.resources) };
    if (k === 'Fn::Sub') return { 'Fn::Sub': rewriteSub(v, names) };
    if (k === 'Condition' && typeof v === 'string') return { Condition: names.conditions.get(v) ?? v };
    if (k === 'Fn::If' && Array.isArray(v) && typeof v[0] === 'string') {
      return { 'Fn::If': [names.conditions.get(v[0]) ?? v[0], ...v.slice(1).map((e: Json) => rewrite(e, names))] };
    }
    if (k === 'Fn::FindInMap' && Array.isArray(v) && typeof v[0] === 'string') {
      return { 'Fn::FindInMap': [names.mappings.get(v[0]) ?? v[0], ...v.slice(1).map((e: Json) => rewrite(e, names))] };
    }
  }
  const out: Json = {};
  for (const k of keys) out[k] = rewrite(x[k], names);
  return out;
}

function rewriteGetAtt(v: Json, resources: Map<string, string>): Json {
  if (typeof v === 'string') {
    const dot = v.indexOf('.');
    const id = dot < 0 ? v : v.slice(0, dot);
    return resources.has(id) ? `${resources.get(id)}${dot < 0 ? '' : v.slice(dot)}` : v;
  }
  if (Array.isArray(v) && typeof v[0] === 'string') return [resources.get(v[0]) ?? v[0], ...v.slice(1)];
  return v;
}

/** `${Name}` / `${Name.Attr}` in a Sub string: parameters become Sub variables, resources are renamed. */
function rewriteSub(v: Json, names: Names): Json {
  const [text, vars0] = Array.isArray(v) ? v : [v, undefined];
  if (typeof text !== 'string') return rewrite(v, names);
  const vars: Record<string, Json> = {};
  for (const [k, e] of Object.entries<Json>(vars0 ?? {})) vars[k] = rewrite(e, names);
  const replaced = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, ref: string) => {
    if (ref in vars) return whole;
    const dot = ref.indexOf('.');
    const id = dot < 0 ? ref : ref.slice(0, dot);
    if (dot < 0 && names.params.has(id)) {
      vars[id] = names.params.get(id);
      return whole;
    }
    const renamed = names.resources.get(id);
    return renamed ? `\${${renamed}${dot < 0 ? '' : ref.slice(dot)}}` : whole;
  });
  return Object.keys(vars).length > 0 ? [replaced, vars] : replaced;
}

/** `Fn::GetAtt [Child, Outputs.X]` (also in Sub strings) → the inlined child's output value, to a fixpoint. */
function replaceOutputRefs(out: Json, outputs: Map<string, Record<string, Json>>): void {
  const lookup = (id: string, attr: string): Json | undefined =>
    attr.startsWith('Outputs.') ? outputs.get(id)?.[attr.slice('Outputs.'.length)] : undefined;
  const visit = (x: Json, depth: number): Json => {
    if (Array.isArray(x)) return x.map((e) => visit(e, depth));
    if (!x || typeof x !== 'object') return x;
    const ga = x['Fn::GetAtt'];
    if (Object.keys(x).length === 1 && ga !== undefined && depth < MAX_DEPTH) {
      const [id, attr] = typeof ga === 'string' ? splitOnce(ga) : Array.isArray(ga) ? [ga[0], ga[1]] : [];
      const value = typeof id === 'string' && typeof attr === 'string' ? lookup(id, attr) : undefined;
      if (value !== undefined) return visit(value, depth + 1);
    }
    const sub = x['Fn::Sub'];
    if (Object.keys(x).length === 1 && sub !== undefined) return { 'Fn::Sub': visitSub(sub, depth) };
    const o: Json = {};
    for (const k of Object.keys(x)) o[k] = visit(x[k], depth);
    return o;
  };
  const visitSub = (sub: Json, depth: number): Json => {
    const [text, vars0] = Array.isArray(sub) ? sub : [sub, undefined];
    if (typeof text !== 'string') return visit(sub, depth);
    const vars: Record<string, Json> = {};
    for (const [k, e] of Object.entries<Json>(vars0 ?? {})) vars[k] = visit(e, depth);
    let n = 0;
    const replaced = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, ref: string) => {
      const [id, attr] = splitOnce(ref);
      const value = attr !== undefined && !(ref in vars) ? lookup(id, attr) : undefined;
      if (value === undefined) return whole;
      const name = `NestedOutput${n++}`;
      vars[name] = visit(value, depth + 1);
      return `\${${name}}`;
    });
    return Object.keys(vars).length > 0 ? [replaced, vars] : replaced;
  };
  for (const section of ['Resources', 'Outputs', 'Conditions']) {
    if (out[section]) out[section] = visit(out[section], 0);
  }
}

function splitOnce(s: string): [string, string | undefined] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s, undefined] : [s.slice(0, dot), s.slice(dot + 1)];
}

/** A `DependsOn` on an inlined nested stack becomes one on each of its resources. */
function expandDependsOn(resources: Record<string, Json>, inlined: Map<string, string[]>): void {
  for (const r of Object.values(resources)) {
    if (r?.DependsOn === undefined) continue;
    const deps = dependsOnList(r.DependsOn).flatMap((d) => inlined.get(d) ?? [d]);
    r.DependsOn = [...new Set(deps)];
  }
}

/**
 * A loader for the nested templates of a cloud assembly directory (cdk.out): a location is a file of the
 * directory (`<id>.nested.template.json`), or an asset object key (`<hash>.json`) that one of its
 * `*.assets.json` manifests maps to such a file. Answers undefined for anything else.
 */
export function cloudAssemblyTemplateLoader(directory: string): NestedTemplateLoader {
  let byObjectKey: Map<string, string> | undefined;
  const objectKeys = (): Map<string, string> => {
    if (byObjectKey) return byObjectKey;
    byObjectKey = new Map();
    for (const f of fs.readdirSync(directory).filter((x) => x.endsWith('.assets.json'))) {
      const manifest = readJson(path.join(directory, f));
      for (const file of Object.values<Json>(manifest?.files ?? {})) {
        const source = file?.source?.path;
        if (typeof source !== 'string') continue;
        for (const dest of Object.values<Json>(file.destinations ?? {})) {
          if (typeof dest?.objectKey === 'string') byObjectKey.set(dest.objectKey, source);
        }
      }
    }
    return byObjectKey;
  };
  return (location) => {
    if (location.includes('/') || location.includes('\\') || location.startsWith('..')) return undefined;
    const direct = path.join(directory, location);
    if (location.endsWith('.template.json') && fs.existsSync(direct)) return readJson(direct);
    const source = objectKeys().get(location);
    return source !== undefined && !source.includes('..') ? readJson(path.join(directory, source)) : undefined;
  };
}

function readJson(file: string): Json {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch {
    return undefined;
  }
}
