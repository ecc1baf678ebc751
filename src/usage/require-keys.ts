/**
 * Methods covered by usage tiers require an API key unless the user says otherwise: on an API
 * with a stage bound to tiers, every method whose `apiKeyRequired` is unset — added before or after the
 * tiers — gets `ApiKeyRequired: true`; an explicit `false` (e.g. CORS preflight methods) is kept. The change
 * is made by a mutating aspect at synthesis (so later methods count), and every Deployment of the API
 * hashes the list of methods it changed, so a change redeploys.
 */
import { AspectPriority, Aspects, IAspect, Lazy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';

const REGISTERED = new WeakSet<apigw.IRestApi>();

class RequireKeysAspect implements IAspect {
  /** `METHOD /path` of every method this aspect made key-required. */
  private readonly changed = new Set<string>();
  private readonly salted = new WeakSet<apigw.Deployment>();

  constructor(private readonly api: apigw.RestApi) {}

  public visit(node: IConstruct): void {
    if (node instanceof apigw.CfnMethod) {
      const method = node.node.scope;
      if (!(method instanceof apigw.Method) || method.api !== this.api || node.apiKeyRequired !== undefined) return;
      node.apiKeyRequired = true;
      this.changed.add(`${method.httpMethod} ${method.resource.path}`);
    } else if (node instanceof apigw.Deployment && node.api === this.api && !this.salted.has(node)) {
      this.salted.add(node);
      node.addToLogicalId(Lazy.any({ produce: () => ({ apiKeyRequiredByUsageTiers: [...this.changed].sort() }) }));
    }
  }
}

/** Makes the API's methods with unset `apiKeyRequired` key-required (once per API; RestApi only). */
export function requireKeysOn(api: apigw.IRestApi): void {
  if (!apigw.RestApi.isRestApi(api) || REGISTERED.has(api)) return;
  REGISTERED.add(api);
  Aspects.of(Stack.of(api)).add(new RequireKeysAspect(api), { priority: AspectPriority.MUTATING });
}
