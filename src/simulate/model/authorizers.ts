/** Reads `AWS::ApiGateway::Authorizer`: type, identity sources, result cache TTL, Cognito pools. */
import { TemplateReader, identitySourcesOf, num } from './reader';
import type { TemplateModel } from './types';

/** API Gateway's default `AuthorizerResultTtlInSeconds` (docs/SEMANTICS.md "Authorizers"). */
export const DEFAULT_AUTHORIZER_TTL = 300;

export function readAuthorizers(reader: TemplateReader, model: TemplateModel): void {
  for (const [id, res] of reader.byType('AWS::ApiGateway::Authorizer')) {
    const props = reader.resolver.resolve(res.Properties ?? {});
    const api = model.apis.find((a) => a.logicalId === reader.logicalOf(res.Properties?.RestApiId));
    if (!api) {
      reader.notes.push(`authorizer ${id}: its RestApiId does not name a RestApi in this template; skipped`);
      continue;
    }
    const type = typeof props.Type === 'string' ? props.Type.toUpperCase() : 'TOKEN';
    const notes: string[] = [];
    const ttl = num(props.AuthorizerResultTtlInSeconds);
    if (props.AuthorizerResultTtlInSeconds !== undefined && ttl === undefined) {
      notes.push(`AuthorizerResultTtlInSeconds cannot be resolved; the default ${DEFAULT_AUTHORIZER_TTL} s is assumed`);
    }
    api.authorizers.push({
      logicalId: id,
      name: typeof props.Name === 'string' ? props.Name : undefined,
      type,
      identitySources: identitySourcesOf(props.IdentitySource),
      ttlSeconds: ttl ?? DEFAULT_AUTHORIZER_TTL,
      providerArns: Array.isArray(props.ProviderARNs)
        ? props.ProviderARNs.filter((x: any) => typeof x === 'string')
        : [],
      notes,
    });
  }
}
