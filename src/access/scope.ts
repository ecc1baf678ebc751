import { ScopeData } from './compile/model';

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

/**
 * Which requests a rule covers: stages × methods × paths of the API, compiled to `execute-api:/…`
 * resource patterns.
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
    return new ApiScope({ stages }, 'ApiScope.stages');
  }

  /**
   * The given methods, on every path or on one path pattern.
   * @param methods HTTP methods, e.g. `['GET', 'HEAD']`
   * @param path a path pattern such as `/public/*`; default every path
   */
  public static methods(methods: string[], path?: string): ApiScope {
    return new ApiScope({ methods, paths: path === undefined ? undefined : [path] }, 'ApiScope.methods');
  }

  /** Every method on the given path patterns (`*` allowed, e.g. `/items/*`). */
  public static paths(paths: string[]): ApiScope {
    return new ApiScope({ paths }, 'ApiScope.paths');
  }

  /** Every method on the root resource `/` only. */
  public static root(): ApiScope {
    return new ApiScope({ paths: ['/'] }, 'ApiScope.root()');
  }

  /** Any combination of stages, methods and paths. */
  public static of(props: ApiScopeProps): ApiScope {
    return new ApiScope(props, 'ApiScope.of');
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

  /** @internal the scope as compiler data (methods upper-cased, ANY/* → all). Assumes validated input. */
  public _data(): ScopeData {
    const p = this._props;
    let methods = p.methods?.map((m) => m.toUpperCase());
    if (methods && methods.some((m) => m === 'ANY' || m === '*')) methods = undefined;
    return { stages: p.stages, methods, paths: p.paths };
  }
}
