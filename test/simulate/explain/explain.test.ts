import { explainModel, renderJson, renderMarkdown } from '../../../src/simulate/explain';
import { exampleTemplate } from '../../../src/simulate/findings/example-template';
import { buildModel } from '../../../src/simulate/model';

const OPTS = { cognitoRequiresExplicitAllow: true };

function report(template: { [key: string]: any }) {
  return explainModel(buildModel(template), OPTS);
}

/** The example API with extra resources merged in. */
function withResources(base: { [key: string]: any }, extra: { [key: string]: any }) {
  return { Resources: { ...base.Resources, ...extra } };
}

describe('explain: authorizers as data', () => {
  test('a TOKEN authorizer and a Cognito authorizer with scopes: type, identity sources, TTL, scopes', () => {
    // GIVEN
    const base = exampleTemplate({
      methods: [
        { path: '/pets', auth: 'CUSTOM' },
        { path: '/orders', auth: 'COGNITO_USER_POOLS' },
      ],
    });
    base.Resources.Method0.Properties.AuthorizerId = { Ref: 'TokenAuth' };
    base.Resources.Method1.Properties.AuthorizerId = { Ref: 'PoolAuth' };
    base.Resources.Method1.Properties.AuthorizationScopes = ['orders/read', 'orders/write'];
    const template = withResources(base, {
      TokenAuth: {
        Type: 'AWS::ApiGateway::Authorizer',
        Properties: {
          RestApiId: { Ref: 'Api' },
          Name: 'token',
          Type: 'TOKEN',
          IdentitySource: 'method.request.header.Authorization',
          AuthorizerResultTtlInSeconds: 0,
        },
      },
      PoolAuth: {
        Type: 'AWS::ApiGateway::Authorizer',
        Properties: {
          RestApiId: { Ref: 'Api' },
          Name: 'pool',
          Type: 'COGNITO_USER_POOLS',
          IdentitySource: 'method.request.header.Authorization',
          ProviderARNs: ['arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc'],
        },
      },
    });

    // WHEN
    const json = renderJson(report(template));

    // THEN
    expect(json.authorizers).toEqual([
      {
        api: 'Api',
        id: 'TokenAuth',
        name: 'token',
        type: 'TOKEN',
        identitySources: ['method.request.header.Authorization'],
        ttlSeconds: 0,
        ttlDefaulted: false,
        scopes: [],
        providerArns: [],
        definedIn: 'AWS::ApiGateway::Authorizer',
      },
      {
        api: 'Api',
        id: 'PoolAuth',
        name: 'pool',
        type: 'COGNITO_USER_POOLS',
        identitySources: ['method.request.header.Authorization'],
        ttlSeconds: 300,
        ttlDefaulted: true,
        scopes: ['orders/read', 'orders/write'],
        providerArns: ['arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc'],
        definedIn: 'AWS::ApiGateway::Authorizer',
      },
    ]);
    expect(json.stages[0].rows[0]).toMatchObject({ authorizationType: 'CUSTOM', authorizer: 'TokenAuth' });
    const md = renderMarkdown(report(template), 't');
    expect(md).toContain('| token | Api | TOKEN | method.request.header.Authorization | off | - |');
    expect(md).toContain(
      '| pool | Api | COGNITO_USER_POOLS | method.request.header.Authorization | 300 s (default) | orders/read, orders/write |',
    );
  });

  test('an OpenAPI TOKEN authorizer takes its identity source from the scheme header', () => {
    const body = {
      swagger: '2.0',
      info: { title: 'x', version: '1' },
      securityDefinitions: {
        Token: { type: 'apiKey', name: 'X-Token', in: 'header', 'x-amazon-apigateway-authorizer': { type: 'token' } },
      },
      paths: { '/': { get: { security: [{ Token: [] }] } } },
    };
    const r = report({ Resources: { Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Body: body } } } });
    expect(r.authorizers[0]).toMatchObject({
      type: 'TOKEN',
      identitySources: ['method.request.header.X-Token'],
      ttlSeconds: 300,
      ttlDefaulted: true,
    });
  });

  test('an OpenAPI REQUEST authorizer with two identity sources and the scopes its operations name', () => {
    // GIVEN
    const body = {
      swagger: '2.0',
      info: { title: 'x', version: '1' },
      securityDefinitions: {
        Lambda: {
          type: 'apiKey',
          name: 'Unused',
          in: 'header',
          'x-amazon-apigateway-authtype': 'custom',
          'x-amazon-apigateway-authorizer': {
            type: 'request',
            identitySource: 'method.request.header.X-Tenant, method.request.querystring.token',
            authorizerResultTtlInSeconds: 60,
          },
        },
      },
      paths: { '/pets': { get: { security: [{ Lambda: ['pets/read'] }] } } },
    };
    const template = { Resources: { Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Body: body } } } };

    // WHEN
    const r = report(template);

    // THEN
    expect(r.authorizers).toEqual([
      expect.objectContaining({
        id: 'Lambda',
        type: 'REQUEST',
        identitySources: ['method.request.header.X-Tenant', 'method.request.querystring.token'],
        ttlSeconds: 60,
        scopes: ['pets/read'],
        definedIn: 'OpenAPI',
      }),
    ]);
  });
});

describe('explain: what is not simulated', () => {
  test('public custom domains and a WAF association are named as not simulated; a private domain is listed as simulated', () => {
    // GIVEN
    const template = withResources(exampleTemplate(), {
      Domain: {
        Type: 'AWS::ApiGateway::DomainName',
        Properties: { DomainName: 'api.example.com', EndpointConfiguration: { Types: ['REGIONAL'] } },
      },
      Mapping: {
        Type: 'AWS::ApiGateway::BasePathMapping',
        Properties: { DomainName: { Ref: 'Domain' }, RestApiId: { Ref: 'Api' }, Stage: 'prod', BasePath: 'v1' },
      },
      PrivateDomain: {
        Type: 'AWS::ApiGateway::DomainNameV2',
        Properties: { DomainName: 'private.example.com', EndpointConfiguration: { Types: ['PRIVATE'] } },
      },
      PrivateMapping: {
        Type: 'AWS::ApiGateway::BasePathMappingV2',
        Properties: { DomainNameArn: { Ref: 'PrivateDomain' }, RestApiId: { Ref: 'Api' }, Stage: { Ref: 'Stage' } },
      },
      Waf: {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: {
          ResourceArn: {
            'Fn::Join': [
              '',
              [
                'arn:aws:apigateway:',
                { Ref: 'AWS::Region' },
                '::/restapis/',
                { Ref: 'Api' },
                '/stages/',
                { Ref: 'Stage' },
              ],
            ],
          },
          WebACLArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/1111',
        },
      },
    });

    // WHEN
    const r = report(template);

    // THEN
    expect(r.customDomains).toEqual([
      {
        logicalId: 'Domain',
        type: 'AWS::ApiGateway::DomainName',
        domainName: 'api.example.com',
        endpointType: 'REGIONAL',
        mappings: [{ logicalId: 'Mapping', api: 'Api', stage: 'prod', basePath: 'v1' }],
      },
      {
        logicalId: 'PrivateDomain',
        type: 'AWS::ApiGateway::DomainNameV2',
        domainName: 'private.example.com',
        endpointType: 'PRIVATE',
        mappings: [{ logicalId: 'PrivateMapping', api: 'Api', stage: 'prod' }],
      },
    ]);
    expect(r.wafAssociations).toEqual([
      {
        logicalId: 'Waf',
        api: 'Api',
        stage: 'prod',
        webAcl: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/1111',
      },
    ]);
    const md = renderMarkdown(r, 't');
    expect(md).toMatch(
      /- not simulated: custom domain Domain \(AWS::ApiGateway::DomainName api\.example\.com, REGIONAL\) maps \/v1 → Api\/prod/,
    );
    expect(md).not.toMatch(/not simulated: custom domain PrivateDomain/);
    expect(r.privateDomains).toEqual([
      expect.objectContaining({
        domain: 'PrivateDomain',
        domainName: 'private.example.com',
        mappings: [{ basePath: '', api: 'Api', stage: 'prod' }],
        endpoints: [],
      }),
    ]);
    expect(md).toMatch(/### private\.example\.com \(PrivateDomain\)/);
    expect(md).toMatch(/- base paths: \/ → Api\/prod/);
    expect(md).toMatch(
      /- not simulated: WAF web ACL arn:aws:wafv2:\S+ on Api stage prod \(Waf\); WAF runs before the resource policy/,
    );
  });

  test('a WAF association on a load balancer is not listed', () => {
    const template = withResources(exampleTemplate(), {
      Waf: {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: {
          ResourceArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1',
          WebACLArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/1111',
        },
      },
    });
    expect(report(template).wafAssociations).toEqual([]);
  });
});

describe('explain: stages', () => {
  test('methods are shown when the API has no stage', () => {
    // GIVEN
    const template = exampleTemplate({
      stage: null,
      methods: [{ path: '/pets' }, { path: '/pets', verb: 'POST', auth: 'AWS_IAM' }],
    });

    // WHEN
    const r = report(template);

    // THEN
    expect(r.stages).toEqual([]);
    expect(r.undeployed).toEqual([
      {
        api: 'Api',
        endpointType: 'EDGE',
        rows: [
          { method: 'GET', path: '/pets', authorization: 'NONE', authorizationType: 'NONE', apiKeyRequired: false },
          {
            method: 'POST',
            path: '/pets',
            authorization: 'AWS_IAM',
            authorizationType: 'AWS_IAM',
            apiKeyRequired: false,
          },
        ],
      },
    ]);
    const md = renderMarkdown(r, 't');
    expect(md).toContain('## API Api — no stage (EDGE)');
    expect(md).toContain('| POST | /pets | AWS_IAM | - |');
    expect(md).not.toContain('No REST API');
  });

  test('a stage has one name in every section, even when its StageName does not resolve', () => {
    // GIVEN a stage named by a parameter without default, and a plan naming it by Ref
    const template = exampleTemplate({
      methods: [{ apiKeyRequired: true }],
      plan: { Quota: { Limit: 5, Period: 'DAY' } },
      key: {},
    });
    template.Parameters = { StageName: { Type: 'String' } };
    template.Resources.Stage.Properties.StageName = { Ref: 'StageName' };

    // WHEN
    const r = report(template);

    // THEN the matrix, the plan and the findings call it `Stage`
    expect(r.stages.map((s) => s.stage)).toEqual(['Stage']);
    expect(r.tiers[0].stages).toEqual(['Api/Stage']);
    expect(r.findings.map((f) => f.id)).not.toContain('key-required-without-plan');
  });
});
