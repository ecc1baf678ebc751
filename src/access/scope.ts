import { Token } from 'aws-cdk-lib';
import { ScopeData } from './compile/model';
import { propError } from '../private/errors';

/** The parts of an API a scope covers; every dimension left out means "all". */
export interface ApiScopeProps {
  /**
   * Stage names.
   * @default - every stage
   */
  readonly stages?: string[];
  /**
   * HTTP methods (`GET`, `POST`, ...; `ANY` or `*` means all).
   * @default - every method
   */
  readonly methods?: string[];
  /**
   * Resource paths, each starting with `/`. `*` matches any run of characters including `/` (IAM rules):
   * `/public/*` covers `/public/a` and `/public/a/b` but not `/public` itself. `/` is the root resource.
   * @default - every path
   */
  readonly paths?: string[];
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY', '*'];

type Dimension = 'stages' | 'methods' | 'paths';

const FORMS: Record<Dimension, { readonly ok: (v: string) => boolean; readonly form: string }> = {
  stages: {
    ok: (v) => /^[A-Za-z0-9_-]{1,128}$/.test(v),
    form: 'a stage name of letters, digits, "-" and "_", e.g. prod',
  },
  methods: { ok: (v) => METHODS.includes(v.toUpperCase()), form: `one of ${METHODS.join(', ')}` },
  paths: {
    ok: (v) => /^\/[A-Za-z0-9._~!$&'()+,;=:@%*/-]*$/.test(v),
    form: 'a path starting with "/" (e.g. /items, /public/*, / for the root); `*` matches any characters including "/"; path parameters such as {id} are written as *',
  },
};

/** Checks one dimension given to a factory: a non-empty list of accepted values (tokens allowed). */
function checkDimension(factory: string, dim: Dimension, list: unknown, arg: string = dim): string[] {
  const { ok, form } = FORMS[dim];
  if (!Array.isArray(list)) {
    throw propError(`ApiScope.${factory}`, {
      prop: arg,
      value: list,
      problem: list === undefined ? 'is undefined (it would mean the whole API)' : 'is not a list',
      expected: `a list of ${form}; use ApiScope.api() for the whole API`,
    });
  }
  if (list.length === 0) {
    throw propError(`ApiScope.${factory}`, {
      prop: arg,
      value: list,
      problem: 'must not be empty',
      expected: `at least one value: ${form}`,
    });
  }
  list.forEach((v, i) => {
    if (typeof v === 'string' && (Token.isUnresolved(v) || ok(v))) return;
    throw propError(`ApiScope.${factory}`, {
      prop: `${arg}[${i}]`,
      value: v,
      problem: typeof v === 'string' ? 'is invalid' : 'is not a string',
      expected: form,
    });
  });
  return [...list];
}

/**
 * Which requests a rule covers: stages × methods × paths of the API, compiled to `execute-api:/…`
 * resource patterns. Every factory checks its arguments at once: a missing list is an error, never "all".
 *
 * @example
 * ApiScope.methods(['GET'], '/public/*'); // GET on everything under /public/ in every stage
 */
export class ApiScope {
  /** The whole API: every stage, method and path. */
  public static api(): ApiScope {
    return new ApiScope({}, 'ApiScope.api()');
  }

  /** Every method and path of the given stages. */
  public static stages(stages: string[]): ApiScope {
    return new ApiScope({ stages: checkDimension('stages', 'stages', stages) }, 'ApiScope.stages');
  }

  /**
   * The given methods, on every path or on one path pattern.
   * @param methods HTTP methods, e.g. `['GET', 'HEAD']`
   * @param path a path pattern such as `/public/*`; default every path
   */
  public static methods(methods: string[], path?: string): ApiScope {
    const m = checkDimension('methods', 'methods', methods);
    const paths = path === undefined ? undefined : checkDimension('methods', 'paths', [path], 'path');
    return new ApiScope({ methods: m, paths }, 'ApiScope.methods');
  }

  /** Every method on the given path patterns (`*` allowed, e.g. `/items/*`). */
  public static paths(paths: string[]): ApiScope {
    return new ApiScope({ paths: checkDimension('paths', 'paths', paths) }, 'ApiScope.paths');
  }

  /** Every method on the root resource `/` only. */
  public static root(): ApiScope {
    return new ApiScope({ paths: ['/'] }, 'ApiScope.root()');
  }

  /**
   * Any combination of stages, methods and paths; at least one of them (use {@link ApiScope.api} for the
   * whole API).
   */
  public static of(props: ApiScopeProps): ApiScope {
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      throw propError('ApiScope.of', {
        prop: 'props',
        value: props,
        problem: 'is not an object',
        expected: '{ stages?, methods?, paths? }',
      });
    }
    const out: { -readonly [K in Dimension]?: string[] } = {};
    for (const dim of ['stages', 'methods', 'paths'] as const) {
      if (props[dim] !== undefined) out[dim] = checkDimension('of', dim, props[dim]);
    }
    if (Object.keys(out).length === 0) {
      throw propError('ApiScope.of', {
        prop: 'props',
        value: props,
        problem: 'names no stages, methods or paths (it would mean the whole API)',
        expected: 'at least one of stages, methods, paths; use ApiScope.api() for the whole API',
      });
    }
    return new ApiScope(out, 'ApiScope.of');
  }

  /** @internal */
  public readonly _props: ApiScopeProps;
  /** @internal */
  public readonly _factory: string;

  private constructor(props: ApiScopeProps, factory: string) {
    this._props = props;
    this._factory = factory;
  }

  /** A short description, e.g. `stages=[prod] methods=[GET] paths=[/public/*]`. */
  public toString(): string {
    const p = this._props;
    const parts: string[] = [];
    if (p.stages) parts.push(`stages=[${p.stages.join(',')}]`);
    if (p.methods) parts.push(`methods=[${p.methods.join(',')}]`);
    if (p.paths) parts.push(`paths=[${p.paths.join(',')}]`);
    return parts.length === 0 ? 'whole API' : parts.join(' ');
  }

  /** @internal the scope as compiler data (methods upper-cased, ANY/* → all). */
  public _data(): ScopeData {
    const p = this._props;
    let methods = p.methods?.map((m) => m.toUpperCase());
    if (methods && methods.some((m) => m === 'ANY' || m === '*')) methods = undefined;
    return { stages: p.stages, methods, paths: p.paths };
  }
}
