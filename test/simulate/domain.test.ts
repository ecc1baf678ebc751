import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RequestSimulator } from '../../src';
import {
  decideDomain,
  DomainDecision,
  explainDomains,
  matchMapping,
  readDomains,
  VIA_DOMAIN_ARN,
} from '../../src/simulate/domain';
import { buildModel } from '../../src/simulate/model';
import { evaluatePolicy } from '../../src/simulate/policy-eval';
import { ACCOUNT, domainSetup } from '../apis/private-domain-fixture';

const HOST = 'orders.internal.example.com';

/** The whole decision: the domain module, then the simulator for the API (as the lead's hook will do). */
function throughDomain(fixture: ReturnType<typeof domainSetup>, endpoint: ec2.InterfaceVpcEndpoint, path: string) {
  const template = Template.fromStack(fixture.stack).toJSON();
  const vpce = fixture.stack.resolve(endpoint.vpcEndpointId).Ref as string;
  const domains = readDomains(template, { account: ACCOUNT });
  const decision = decideDomain(domains, { domainName: HOST, path, vpcEndpointId: vpce });
  if (decision.statusCode) return { decision, statusCode: decision.statusCode };
  const sim = RequestSimulator.fromStack(fixture.stack);
  const r = sim.invoke({
    api: decision.api,
    stage: decision.stage,
    method: 'GET',
    path: decision.path!,
    vpcEndpointId: vpce,
  });
  return { decision, statusCode: r.statusCode, api: r };
}

/** The API's own policy verdict for a call through the domain (with execute-api:viaDomainArn in context). */
function apiVerdict(fixture: ReturnType<typeof domainSetup>, decision: DomainDecision, vpceLogicalId: string) {
  const template = Template.fromStack(fixture.stack).toJSON();
  const model = buildModel(template, { account: ACCOUNT });
  const api = model.apis[0];
  const vpce = model.vpcEndpoints.find((e) => e.logicalId === vpceLogicalId)!.id;
  return evaluatePolicy(
    api.policy!,
    {
      action: 'execute-api:Invoke',
      resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.id}/${decision.stage}/GET${decision.path}`,
      context: { 'aws:SourceVpce': [vpce], ...decision.context },
    },
    { partition: 'aws', region: 'us-east-1', account: ACCOUNT, apiId: api.id },
  ).verdict;
}

describe('simulate/domain', () => {
  test('through the listed endpoint and the domain: 200, with viaDomainArn for the API policy', () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });

    // WHEN
    const r = throughDomain(fixture, fixture.endpoint, '/v1/items');

    // THEN
    expect(r.statusCode).toBe(200);
    expect(r.decision).toMatchObject({ stage: 'prod', path: '/items' });
    expect(r.decision.context![VIA_DOMAIN_ARN][0]).toMatch(
      new RegExp(`^arn:aws:execute-api:us-east-1:${ACCOUNT}:/domainnames/${HOST}\\+`),
    );
  });

  test('through another endpoint (admitted by the API, not associated with the domain): 403', () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });

    // WHEN
    const r = throughDomain(fixture, fixture.other, '/v1/items');

    // THEN
    expect(r.statusCode).toBe(403);
    expect(r.decision.reasons.join('\n')).toMatch(/no domain name access association/);
  });

  test('a path outside the base path mapping: 403', () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });

    // WHEN
    const r = throughDomain(fixture, fixture.endpoint, '/v2/items');

    // THEN
    expect(r.statusCode).toBe(403);
    expect(r.decision.reasons.join('\n')).toMatch(/no base path mapping/);
  });

  test("the API's own URL from the listed endpoint still works (a domain does not disable it)", () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });

    // WHEN
    const r = RequestSimulator.fromStack(fixture.stack).invoke({
      method: 'GET',
      path: '/items',
      vpcEndpointId: fixture.endpoint.vpcEndpointId,
    });

    // THEN
    expect(r.statusCode).toBe(200);
  });

  test("the API's policy itself refuses a call through the domain from an endpoint the domain does not list", () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });
    const listed = fixture.stack.getLogicalId(fixture.endpoint.node.defaultChild as ec2.CfnVPCEndpoint);
    const other = fixture.stack.getLogicalId(fixture.other.node.defaultChild as ec2.CfnVPCEndpoint);
    const ok = throughDomain(fixture, fixture.endpoint, '/v1/items').decision;

    // WHEN / THEN: same domain context, the listed endpoint passes, the other one is denied
    expect(apiVerdict(fixture, ok, listed)).toBe('allow');
    expect(apiVerdict(fixture, ok, other)).toBe('deny');
    expect(apiVerdict(fixture, { ...ok, context: {} }, other)).toBe('allow'); // its own URL: not via the domain
  });

  test('reads raw CloudFormation: root mapping without a stage, literal endpoint, hand-written policy', () => {
    // GIVEN
    const template = {
      Resources: {
        Api: {
          Type: 'AWS::ApiGateway::RestApi',
          Properties: { Name: 'a', EndpointConfiguration: { Types: ['PRIVATE'] } },
        },
        Domain: {
          Type: 'AWS::ApiGateway::DomainNameV2',
          Properties: {
            DomainName: 'raw.example.com',
            EndpointConfiguration: { Types: ['PRIVATE'] },
            Policy: {
              Statement: [
                { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
                {
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 'execute-api:Invoke',
                  Resource: 'execute-api:/*',
                  Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } },
                },
              ],
            },
          },
        },
        Map: {
          Type: 'AWS::ApiGateway::BasePathMappingV2',
          Properties: { DomainNameArn: { 'Fn::GetAtt': ['Domain', 'DomainNameArn'] }, RestApiId: { Ref: 'Api' } },
        },
        Assoc1: {
          Type: 'AWS::ApiGateway::DomainNameAccessAssociation',
          Properties: {
            DomainNameArn: { 'Fn::GetAtt': ['Domain', 'DomainNameArn'] },
            AccessAssociationSource: 'vpce-0123456789abcdef0',
            AccessAssociationSourceType: 'VPCE',
          },
        },
        Assoc2: {
          Type: 'AWS::ApiGateway::DomainNameAccessAssociation',
          Properties: {
            DomainNameArn: { 'Fn::GetAtt': ['Domain', 'DomainNameArn'] },
            AccessAssociationSource: 'vpce-0fedcba9876543210',
            AccessAssociationSourceType: 'VPCE',
          },
        },
      },
    };
    const model = readDomains(template);

    // WHEN
    const listed = decideDomain(model, {
      domainName: 'RAW.example.com',
      path: '/prod/items/1',
      vpcEndpointId: 'vpce-0123456789abcdef0',
    });
    const denied = decideDomain(model, {
      domainName: 'raw.example.com',
      path: '/prod/items/1',
      vpcEndpointId: 'vpce-0fedcba9876543210',
    });
    const noEndpoint = decideDomain(model, { domainName: 'raw.example.com', path: '/prod/items/1' });
    const unknown = decideDomain(model, {
      domainName: 'nope.example.com',
      path: '/',
      vpcEndpointId: 'vpce-0123456789abcdef0',
    });

    // THEN
    expect(listed.statusCode).toBeUndefined();
    expect(listed).toMatchObject({ api: 'Api', stage: 'prod', path: '/items/1' });
    expect(denied.statusCode).toBe(403);
    expect(denied.reasons.join('\n')).toMatch(/explicit Deny/);
    expect(noEndpoint.statusCode).toBe(403);
    expect(unknown.statusCode).toBe(403);
  });

  test('a domain without a policy refuses everything (deny-all default)', () => {
    // GIVEN
    const model = readDomains({
      Resources: {
        D: {
          Type: 'AWS::ApiGateway::DomainNameV2',
          Properties: { DomainName: 'x.example.com', EndpointConfiguration: { Types: ['PRIVATE'] } },
        },
        A: {
          Type: 'AWS::ApiGateway::DomainNameAccessAssociation',
          Properties: {
            DomainNameArn: { 'Fn::GetAtt': ['D', 'DomainNameArn'] },
            AccessAssociationSource: 'vpce-11111111',
            AccessAssociationSourceType: 'VPCE',
          },
        },
      },
    });

    // WHEN
    const r = decideDomain(model, { domainName: 'x.example.com', path: '/', vpcEndpointId: 'vpce-11111111' });

    // THEN
    expect(r.statusCode).toBe(403);
    expect(r.reasons.join('\n')).toMatch(/no policy \(deny all\)/);
  });

  test('matchMapping: a named base path wins, else the root mapping, else none', () => {
    // GIVEN
    const maps = [
      { logicalId: 'V1', basePath: 'v1', api: 'A', stage: 'prod' },
      { logicalId: 'Root', basePath: '', api: 'B', stage: 'prod' },
    ];

    // WHEN / THEN
    expect(matchMapping(maps, '/v1/items')).toMatchObject({ mapping: { logicalId: 'V1' }, rest: '/items' });
    expect(matchMapping(maps, '/v1')).toMatchObject({ mapping: { logicalId: 'V1' }, rest: '/' });
    expect(matchMapping(maps, '/v2/items')).toMatchObject({ mapping: { logicalId: 'Root' }, rest: '/v2/items' });
    expect(matchMapping([maps[0]], '/v2/items')).toBeUndefined();
  });
});

describe('explainDomains', () => {
  test('lists each domain, its mappings and which associated endpoints the domain admits', () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });
    const template = Template.fromStack(fixture.stack).toJSON();
    const model = readDomains(template, { account: ACCOUNT });
    const listed = fixture.stack.resolve(fixture.endpoint.vpcEndpointId).Ref as string;

    // WHEN
    const [report] = explainDomains(model);

    // THEN
    expect(report).toMatchObject({
      domainName: HOST,
      mappings: [{ basePath: 'v1', stage: 'prod' }],
      endpoints: [{ vpcEndpointId: model.endpointId(listed), admitted: true }],
    });
    expect(report.mappings[0].api).toBe(fixture.stack.getLogicalId(fixture.api.node.defaultChild as any));
  });
});
