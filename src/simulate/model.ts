/**
 * Reads a CloudFormation template into the simulator's model: REST APIs, stages, methods, policies,
 * usage plans and API keys. Plain data, no constructs.
 */
import { Resolver, ResolveContext, Unresolved, isUnresolved } from './intrinsics';
import { NormalizedPolicy, normalizePolicy } from './policy-eval';

export type AuthType = 'NONE' | 'AWS_IAM' | 'CUSTOM' | 'COGNITO_USER_POOLS';

export interface MethodModel {
  /** template path, e.g. `/pets/{id}`; `/` for the root */
  readonly path: string;
  /** upper case; `ANY` for any method */
  readonly httpMethod: string;
  readonly authorizationType: AuthType;
  /** logical id or name of the authorizer, if any */
  readonly authorizer?: string;
  readonly apiKeyRequired: boolean;
  /** notes about what was assumed while reading this method */
  readonly notes: string[];
}

export interface ThrottleModel {
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** what was assumed (e.g. a missing burst) */
  readonly notes: string[];
}

export interface MethodSettingModel {
  /** `/*` or a resource path */
  readonly path: string;
  /** `*` or a method */
  readonly httpMethod: string;
  readonly throttle?: ThrottleModel;
}

export interface StageModel {
  readonly name: string;
  readonly logicalId?: string;
  readonly methodSettings: MethodSettingModel[];
}

export interface ApiModel {
  readonly logicalId: string;
  /** placeholder of the API id CloudFormation generates */
  readonly id: string;
  readonly name?: string;
  /** EDGE, REGIONAL or PRIVATE */
  readonly endpointType: string;
  readonly vpcEndpointIds: string[];
  /** undefined = no resource policy */
  readonly policy?: NormalizedPolicy;
  /** where the policy came from: `Policy`, `Body` (x-amazon-apigateway-policy) */
  readonly policySource?: string;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly methods: MethodModel[];
  readonly stages: StageModel[];
  readonly notes: string[];
}

export interface QuotaModel {
  readonly limit: number;
  readonly period: 'DAY' | 'WEEK' | 'MONTH';
  readonly offset: number;
}

export interface PlanStageModel {
  readonly apiLogicalId: string;
  readonly stage: string;
  /** per-method throttles keyed `/path/METHOD` */
  readonly methodThrottles: Record<string, ThrottleModel>;
}

export interface PlanModel {
  readonly logicalId: string;
  readonly name: string;
  readonly apiStages: PlanStageModel[];
  readonly throttle?: ThrottleModel;
  readonly quota?: QuotaModel;
  readonly notes: string[];
}

export interface KeyModel {
  readonly logicalId: string;
  readonly name?: string;
  /** the key's value when the template fixes it; undefined when CloudFormation generates it */
  readonly value?: string;
  readonly enabled: boolean;
  /** logical ids of the plans the key is in (through UsagePlanKey) */
  readonly planIds: string[];
}

/** An interface VPC endpoint defined in the template. */
export interface VpcEndpointModel {
  readonly logicalId: string;
  /** placeholder of the `vpce-…` id */
  readonly id: string;
  /** undefined = no PolicyDocument (the default endpoint policy allows everything) */
  readonly policy?: NormalizedPolicy;
}

export interface TemplateModel {
  readonly apis: ApiModel[];
  readonly vpcEndpoints: VpcEndpointModel[];
  readonly plans: PlanModel[];
  readonly keys: KeyModel[];
  /** template-level notes: what was not simulated and why */
  readonly notes: string[];
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** the resolver used (maps placeholders back to logical ids) */
  readonly resolver: Resolver;
}

export interface ModelOptions {
  readonly account?: string;
  readonly region?: string;
  readonly parameters?: Record<string, string>;
  readonly stackName?: string;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function bool(v: any, dflt: boolean): boolean {
  if (v === true || v === false) return v;
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
  }
  return dflt;
}

function num(v: any): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

/** Throttle from `{RateLimit, BurstLimit}` (any case); a missing half is [U] and assumed as said in notes. */
export function throttleOf(raw: any, what: string): ThrottleModel | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const rate = num(raw.RateLimit ?? raw.rateLimit);
  const burst = num(raw.BurstLimit ?? raw.burstLimit);
  if (rate === undefined && burst === undefined) return undefined;
  const notes: string[] = [];
  let r = rate;
  let b = burst;
  if (b === undefined) {
    b = Math.max(1, Math.ceil(r ?? 1));
    notes.push(`${what} has no BurstLimit; what API Gateway uses then is unverified [U], assumed burst ${b} (= rate)`);
  }
  if (r === undefined) {
    r = b;
    notes.push(`${what} has no RateLimit; what API Gateway uses then is unverified [U], assumed rate ${r} (= burst)`);
  }
  return { rateLimit: Math.max(0, r), burstLimit: Math.max(0, Math.floor(b)), notes };
}

function normPath(p: string): string {
  let s = p.trim();
  if (!s.startsWith('/')) s = '/' + s;
  s = s.replace(/\/+/g, '/');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method'];

/** Reads a template (already parsed) into the model. */
export function buildModel(template: { [key: string]: any }, options: ModelOptions = {}): TemplateModel {
  const region = options.region ?? 'us-east-1';
  const ctx: ResolveContext = {
    account: options.account ?? '123456789012',
    region,
    partition: partitionOf(region),
    stackName: options.stackName ?? 'Stack',
    parameters: options.parameters ?? {},
  };
  if (!template || typeof template !== 'object' || Array.isArray(template)) {
    throw new Error('not a CloudFormation template: the top level must be an object');
  }
  if (
    template.Resources !== undefined &&
    (typeof template.Resources !== 'object' || template.Resources === null || Array.isArray(template.Resources))
  ) {
    throw new Error('not a CloudFormation template: Resources must be an object');
  }
  const resolver = new Resolver(template, ctx);
  const notes: string[] = [];
  const resources = resolver.resources;

  const included = (id: string, res: any): boolean => {
    if (!res || typeof res !== 'object') return false;
    if (res.Condition === undefined) return true;
    const c = resolver.condition(String(res.Condition));
    if (isUnresolved(c)) {
      notes.push(`${id}: condition ${res.Condition} cannot be evaluated (${c.why}); the resource is kept`);
      return true;
    }
    return c;
  };
  const byType = (type: string): [string, any][] =>
    Object.entries(resources).filter(([id, r]) => r && r.Type === type && included(id, r));

  const serverless = Object.entries(resources).filter(
    ([, r]) => typeof r?.Type === 'string' && r.Type.startsWith('AWS::Serverless::'),
  );
  if (serverless.length > 0) {
    const names = serverless.map(([id, r]) => `${id} (${r.Type})`);
    notes.push(
      `not simulated: ${names.join(', ')} — these need the SAM transform; simulate the translated template (e.g. from 'sam validate --debug' or the deployed stack) to include them`,
    );
  }

  // logical id of a Ref/GetAtt in a property: resolve, then map the placeholder back
  const logicalOf = (v: any): string | undefined => {
    const r = resolver.resolve(v);
    if (typeof r !== 'string') return undefined;
    return resolver.idToLogical.get(r) ?? (resources[r] ? r : undefined);
  };

  // --- APIs
  const apis: ApiModel[] = [];
  const apiById = new Map<string, { model: ApiModel; methods: MethodModel[]; stages: StageModel[]; notes: string[] }>();
  for (const [id, res] of byType('AWS::ApiGateway::RestApi')) {
    const props = res.Properties ?? {};
    const apiNotes: string[] = [];
    const endpoint = resolver.resolve(props.EndpointConfiguration ?? {});
    let endpointType = 'EDGE';
    const types = endpoint && Array.isArray(endpoint.Types) ? endpoint.Types : [];
    if (types.length > 0 && typeof types[0] === 'string') endpointType = types[0].toUpperCase();
    const body = props.Body !== undefined ? resolver.resolve(props.Body) : undefined;
    if (props.BodyS3Location !== undefined) {
      apiNotes.push('the OpenAPI definition is in S3 (BodyS3Location): its methods and policy are not simulated');
    }
    if (isUnresolved(body)) {
      apiNotes.push(`the OpenAPI Body cannot be resolved (${body.why}): its methods and policy are not simulated`);
    }
    const bodyObj = body && typeof body === 'object' && !isUnresolved(body) ? body : undefined;
    if (bodyObj && bodyObj['x-amazon-apigateway-endpoint-configuration'] && types.length === 0) {
      apiNotes.push('endpoint configuration taken from the RestApi resource (EDGE unless set there)');
    }
    let vpceIds: string[] = [];
    if (endpoint && Array.isArray(endpoint.VpcEndpointIds)) {
      vpceIds = endpoint.VpcEndpointIds.filter((x: any) => typeof x === 'string');
    }
    const bodyVpce = bodyObj?.['x-amazon-apigateway-endpoint-configuration']?.vpcEndpointIds;
    if (Array.isArray(bodyVpce)) vpceIds.push(...bodyVpce.filter((x: any) => typeof x === 'string'));

    let policy: NormalizedPolicy | undefined;
    let policySource: string | undefined;
    if (props.Policy !== undefined) {
      const raw = resolver.resolve(props.Policy);
      if (raw === '' || (raw && typeof raw === 'object' && !isUnresolved(raw) && Object.keys(raw).length === 0)) {
        apiNotes.push('Policy is empty: the API has no resource policy');
      } else {
        policy = normalizePolicy(raw);
        policySource = 'Policy';
      }
    } else if (bodyObj && bodyObj['x-amazon-apigateway-policy'] !== undefined) {
      policy = normalizePolicy(bodyObj['x-amazon-apigateway-policy']);
      policySource = 'Body';
    }
    let keySource: any = props.ApiKeySourceType ?? bodyObj?.['x-amazon-apigateway-api-key-source'];
    keySource = resolver.resolve(keySource);
    const methods: MethodModel[] = [];
    if (bodyObj) methods.push(...openApiMethods(bodyObj, apiNotes));
    const model: ApiModel = {
      logicalId: id,
      id: resolver.resolve({ Ref: id }),
      name: typeof props.Name === 'string' ? props.Name : undefined,
      endpointType,
      vpcEndpointIds: vpceIds,
      policy,
      policySource,
      apiKeySource: typeof keySource === 'string' && keySource.toUpperCase() === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
      methods,
      stages: [],
      notes: apiNotes,
    };
    apis.push(model);
    apiById.set(id, { model, methods, stages: model.stages, notes: apiNotes });
  }

  // --- resources → paths
  const resPath = new Map<string, string | Unresolved>();
  const resApi = new Map<string, string | undefined>();
  const pathOf = (resId: string, seen: Set<string> = new Set()): string | Unresolved => {
    const cached = resPath.get(resId);
    if (cached !== undefined) return cached;
    const res = resources[resId];
    if (!res || res.Type !== 'AWS::ApiGateway::Resource') {
      return new Unresolved(`${resId} is not an AWS::ApiGateway::Resource`);
    }
    if (seen.has(resId)) return new Unresolved(`resource ${resId} is its own ancestor`);
    seen.add(resId);
    const props = res.Properties ?? {};
    const part = resolver.resolve(props.PathPart);
    if (typeof part !== 'string') return new Unresolved(`PathPart of ${resId} cannot be resolved`);
    const parentRaw = resolver.resolve(props.ParentId);
    let parentPath: string | Unresolved;
    const parentLogical = typeof parentRaw === 'string' ? resolver.idToLogical.get(parentRaw) : undefined;
    if (parentLogical && parentLogical.endsWith('.RootResourceId')) parentPath = '';
    else if (parentLogical) parentPath = pathOf(parentLogical, seen);
    else parentPath = new Unresolved(`ParentId of ${resId} cannot be resolved`);
    const p = isUnresolved(parentPath) ? parentPath : `${parentPath}/${part}`;
    resPath.set(resId, p);
    resApi.set(resId, logicalOf(props.RestApiId));
    return p;
  };

  for (const [id, res] of byType('AWS::ApiGateway::Method')) {
    const props = res.Properties ?? {};
    const apiId = logicalOf(props.RestApiId);
    const api = apiId ? apiById.get(apiId) : undefined;
    if (!api) {
      notes.push(`method ${id}: its RestApiId does not name a RestApi in this template; skipped`);
      continue;
    }
    const resRaw = resolver.resolve(props.ResourceId);
    const resLogical = typeof resRaw === 'string' ? resolver.idToLogical.get(resRaw) : undefined;
    let path: string | Unresolved;
    if (resLogical && resLogical.endsWith('.RootResourceId')) path = '/';
    else if (resLogical) path = pathOf(resLogical);
    else path = new Unresolved('ResourceId cannot be resolved');
    if (isUnresolved(path)) {
      api.notes.push(`method ${id}: ${path.why}; skipped`);
      continue;
    }
    const httpMethod = String(resolver.resolve(props.HttpMethod) ?? '').toUpperCase();
    const authRaw = resolver.resolve(props.AuthorizationType);
    const mnotes: string[] = [];
    let auth: AuthType = 'NONE';
    if (typeof authRaw === 'string') {
      const a = authRaw.toUpperCase();
      if (a === 'AWS_IAM' || a === 'CUSTOM' || a === 'COGNITO_USER_POOLS' || a === 'NONE') auth = a;
      else mnotes.push(`unknown AuthorizationType ${authRaw}; treated as NONE`);
    } else if (authRaw !== undefined) {
      mnotes.push('AuthorizationType cannot be resolved; treated as NONE');
    }
    const authorizer =
      props.AuthorizerId !== undefined
        ? (logicalOf(props.AuthorizerId) ?? String(resolver.resolve(props.AuthorizerId)))
        : undefined;
    api.methods.push({
      path: normPath(path || '/'),
      httpMethod,
      authorizationType: auth,
      authorizer,
      apiKeyRequired: bool(resolver.resolve(props.ApiKeyRequired), false),
      notes: mnotes,
    });
  }

  // --- stages
  const addStage = (
    apiLogical: string | undefined,
    name: any,
    settings: any,
    stageLogical: string,
    extraThrottle?: any,
  ) => {
    const api = apiLogical ? apiById.get(apiLogical) : undefined;
    if (!api) {
      notes.push(`stage ${stageLogical}: its RestApiId does not name a RestApi in this template; skipped`);
      return;
    }
    let stageName: string;
    if (typeof name === 'string' && name !== '') {
      stageName = name;
    } else {
      stageName = stageLogical;
      api.notes.push(`stage ${stageLogical} has no resolvable StageName; called '${stageLogical}' here`);
    }
    const methodSettings: MethodSettingModel[] = [];
    if (extraThrottle) methodSettings.push({ path: '/*', httpMethod: '*', throttle: extraThrottle });
    for (const ms of Array.isArray(settings) ? settings : []) {
      if (!ms || typeof ms !== 'object') continue;
      const t = throttleOf(
        { RateLimit: ms.ThrottlingRateLimit, BurstLimit: ms.ThrottlingBurstLimit },
        `stage ${stageName} method setting`,
      );
      let p = typeof ms.ResourcePath === 'string' ? ms.ResourcePath : '/*';
      p = p.replace(/~1/g, '/').replace(/~0/g, '~');
      if (p !== '/*') p = normPath(p);
      methodSettings.push({
        path: p,
        httpMethod: typeof ms.HttpMethod === 'string' ? ms.HttpMethod.toUpperCase() : '*',
        throttle: t,
      });
    }
    const existing = api.stages.find((s) => s.name === stageName);
    if (existing) {
      existing.methodSettings.push(...methodSettings);
      return;
    }
    api.stages.push({ name: stageName, logicalId: stageLogical, methodSettings });
  };
  for (const [id, res] of byType('AWS::ApiGateway::Stage')) {
    const props = resolver.resolve(res.Properties ?? {});
    const rawProps = res.Properties ?? {};
    addStage(logicalOf(rawProps.RestApiId), props.StageName, props.MethodSettings, id);
  }
  for (const [id, res] of byType('AWS::ApiGateway::Deployment')) {
    const rawProps = res.Properties ?? {};
    const props = resolver.resolve(rawProps);
    if (props.StageName === undefined) continue;
    const sd = props.StageDescription ?? {};
    const t = throttleOf(
      { RateLimit: sd.ThrottlingRateLimit, BurstLimit: sd.ThrottlingBurstLimit },
      `deployment ${id} stage throttle`,
    );
    addStage(logicalOf(rawProps.RestApiId), props.StageName, sd.MethodSettings, id, t);
  }

  // --- usage plans
  const plans: PlanModel[] = [];
  for (const [id, res] of byType('AWS::ApiGateway::UsagePlan')) {
    const rawProps = res.Properties ?? {};
    const props = resolver.resolve(rawProps);
    const pnotes: string[] = [];
    const apiStages: PlanStageModel[] = [];
    const rawStages = Array.isArray(rawProps.ApiStages) ? rawProps.ApiStages : [];
    rawStages.forEach((s: any, i: number) => {
      const apiLogical = logicalOf(s?.ApiId);
      const stage = resolver.resolve(s?.Stage);
      if (!apiLogical || typeof stage !== 'string') {
        pnotes.push(`ApiStages[${i}] cannot be resolved to an API and stage of this template`);
        return;
      }
      const mt: Record<string, ThrottleModel> = {};
      const throttles = props.ApiStages?.[i]?.Throttle;
      if (throttles && typeof throttles === 'object') {
        for (const [k, v] of Object.entries(throttles)) {
          const t = throttleOf(v, `plan ${id} method throttle ${k}`);
          if (t) mt[k] = t;
        }
      }
      apiStages.push({ apiLogicalId: apiLogical, stage, methodThrottles: mt });
    });
    let quota: QuotaModel | undefined;
    if (props.Quota && typeof props.Quota === 'object') {
      const limit = num(props.Quota.Limit);
      const period = String(props.Quota.Period ?? '').toUpperCase();
      if (limit !== undefined && (period === 'DAY' || period === 'WEEK' || period === 'MONTH')) {
        quota = { limit, period, offset: num(props.Quota.Offset) ?? 0 };
      } else {
        pnotes.push('Quota cannot be resolved (limit or period); the quota is not simulated');
      }
    }
    plans.push({
      logicalId: id,
      name: typeof props.UsagePlanName === 'string' ? props.UsagePlanName : id,
      apiStages,
      throttle: throttleOf(props.Throttle, `plan ${id} throttle`),
      quota,
      notes: pnotes,
    });
  }

  // --- keys
  const keys: KeyModel[] = [];
  for (const [id, res] of byType('AWS::ApiGateway::ApiKey')) {
    const props = resolver.resolve(res.Properties ?? {});
    keys.push({
      logicalId: id,
      name: typeof props.Name === 'string' ? props.Name : undefined,
      value: typeof props.Value === 'string' ? props.Value : undefined,
      // CloudFormation's default for Enabled is false (aws-cdk-lib always writes it)
      enabled: bool(props.Enabled, false),
      planIds: [],
    });
  }
  for (const [id, res] of byType('AWS::ApiGateway::UsagePlanKey')) {
    const props = res.Properties ?? {};
    const keyLogical = logicalOf(props.KeyId);
    const planLogical = logicalOf(props.UsagePlanId);
    const key = keys.find((k) => k.logicalId === keyLogical);
    if (!key || !planLogical || !plans.some((p) => p.logicalId === planLogical)) {
      notes.push(`usage plan key ${id}: its key or plan is not in this template; skipped`);
      continue;
    }
    key.planIds.push(planLogical);
  }

  // --- interface VPC endpoints (their policies are checked before the API's)
  const vpcEndpoints: VpcEndpointModel[] = [];
  for (const [id, res] of byType('AWS::EC2::VPCEndpoint')) {
    const props = res.Properties ?? {};
    const doc = props.PolicyDocument !== undefined ? resolver.resolve(props.PolicyDocument) : undefined;
    vpcEndpoints.push({
      logicalId: id,
      id: resolver.resolve({ Ref: id }),
      policy: doc === undefined ? undefined : normalizePolicy(doc),
    });
  }

  for (const api of apis) api.stages.sort((a, b) => a.name.localeCompare(b.name));
  return {
    apis,
    vpcEndpoints,
    plans,
    keys,
    notes,
    account: ctx.account,
    region: ctx.region,
    partition: ctx.partition,
    resolver,
  };
}

/** Methods from an OpenAPI (2 or 3) body with API Gateway's extensions. */
function openApiMethods(body: any, notes: string[]): MethodModel[] {
  const out: MethodModel[] = [];
  const schemes = body.securityDefinitions ?? body.components?.securitySchemes ?? {};
  const topSecurity = Array.isArray(body.security) ? body.security : [];
  const paths = body.paths && typeof body.paths === 'object' ? body.paths : {};
  for (const [p, item] of Object.entries<any>(paths)) {
    if (!item || typeof item !== 'object') continue;
    for (const m of OPENAPI_METHODS) {
      const op = item[m];
      if (!op || typeof op !== 'object') continue;
      const security: any[] = Array.isArray(op.security) ? op.security : topSecurity;
      let auth: AuthType = 'NONE';
      let authorizer: string | undefined;
      let apiKeyRequired = false;
      const mnotes: string[] = [];
      // each list item names schemes; API Gateway applies all of them (not OpenAPI's "either")
      for (const req of security) {
        if (!req || typeof req !== 'object') continue;
        for (const name of Object.keys(req)) {
          const s = schemes[name];
          if (!s || typeof s !== 'object') {
            mnotes.push(`security scheme ${name} is not defined`);
            continue;
          }
          const authtype = String(s['x-amazon-apigateway-authtype'] ?? '').toLowerCase();
          const authz = s['x-amazon-apigateway-authorizer'];
          if (authtype === 'awssigv4') {
            auth = 'AWS_IAM';
          } else if (authtype === 'cognito_user_pools' || authz?.type === 'cognito_user_pools') {
            auth = 'COGNITO_USER_POOLS';
            authorizer = name;
          } else if (authz && typeof authz === 'object') {
            auth = 'CUSTOM';
            authorizer = name;
          } else if (s.type === 'apiKey' && String(s.name ?? '').toLowerCase() === 'x-api-key') {
            apiKeyRequired = true;
          } else {
            mnotes.push(`security scheme ${name} is not understood; ignored`);
          }
        }
      }
      out.push({
        path: normPath(p),
        httpMethod: m === 'x-amazon-apigateway-any-method' ? 'ANY' : m.toUpperCase(),
        authorizationType: auth,
        authorizer,
        apiKeyRequired,
        notes: mnotes,
      });
    }
  }
  if (body.basePath && typeof body.basePath === 'string' && body.basePath !== '/') {
    notes.push(`OpenAPI basePath ${body.basePath} is ignored, as API Gateway's import does by default`);
  }
  return out;
}
