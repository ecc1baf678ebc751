import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ACCOUNT, CERT, domainSetup } from './private-domain-fixture';
import { AccessPolicy, ApiScope, PrivateApi, PrivateDomainName, Source } from '../../src';

const domainLogicalId = (stack: Stack, d: PrivateDomainName) =>
  stack.getLogicalId(d.node.defaultChild as apigw.CfnDomainNameV2);

describe('PrivateApi.addPrivateDomainName', () => {
  test('a PRIVATE DomainNameV2 with TLS 1.2 and the full deny-unless-endpoint policy', () => {
    // GIVEN / WHEN
    const { stack, endpoint, ref } = domainSetup();

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::DomainNameV2', {
      DomainName: 'orders.internal.example.com',
      CertificateArn: CERT,
      EndpointConfiguration: { Types: ['PRIVATE'] },
      SecurityPolicy: 'TLS_1_2',
      Policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: { StringNotEquals: { 'aws:SourceVpce': ref(endpoint) } },
          },
          { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        ],
      },
    });
  });

  test('one access association for the listed endpoint, none for the other', () => {
    // GIVEN / WHEN
    const { stack, endpoint, domain } = domainSetup();

    // THEN
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApiGateway::DomainNameAccessAssociation', 1);
    t.hasResourceProperties('AWS::ApiGateway::DomainNameAccessAssociation', {
      AccessAssociationSource: { Ref: stack.getLogicalId(endpoint.node.defaultChild as ec2.CfnVPCEndpoint) },
      AccessAssociationSourceType: 'VPCE',
      DomainNameArn: { 'Fn::GetAtt': [domainLogicalId(stack, domain), 'DomainNameArn'] },
    });
  });

  test('a base path mapping to the deployment stage', () => {
    // GIVEN / WHEN
    const { stack, api, domain } = domainSetup({ basePath: 'v1' });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::BasePathMappingV2', {
      DomainNameArn: { 'Fn::GetAtt': [domainLogicalId(stack, domain), 'DomainNameArn'] },
      RestApiId: { Ref: stack.getLogicalId(api.node.defaultChild as apigw.CfnRestApi) },
      Stage: { Ref: stack.getLogicalId(api.deploymentStage.node.defaultChild as apigw.CfnStage) },
      BasePath: 'v1',
    });
  });

  test("the API's policy denies calls through the domain from other endpoints (viaDomainArn)", () => {
    // GIVEN / WHEN
    const { stack, endpoint, ref, domain } = domainSetup();

    // THEN
    const viaArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:execute-api:us-east-1:${ACCOUNT}:/domainnames/orders.internal.example.com+`,
          { 'Fn::GetAtt': [domainLogicalId(stack, domain), 'DomainNameId'] },
        ],
      ],
    };
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: Match.arrayWith([
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: {
              ArnEquals: { 'execute-api:viaDomainArn': viaArn },
              StringNotEquals: { 'aws:SourceVpce': ref(endpoint) },
            },
          },
        ]),
      },
    });
  });

  test('domain accessPolicy rules join the domain policy and the via-domain denies; added later they count', () => {
    // GIVEN
    const policy = new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/16'])] });
    const { stack } = domainSetup({ accessPolicy: policy });

    // WHEN
    policy.denyOn(ApiScope.api(), Source.ipRanges(['10.0.9.0/24']));

    // THEN
    const t = Template.fromStack(stack);
    const domainPolicy = Object.values(t.findResources('AWS::ApiGateway::DomainNameV2'))[0].Properties.Policy;
    expect(domainPolicy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { IpAddress: { 'aws:VpcSourceIp': '10.0.9.0/24' } } }),
        expect.objectContaining({ Effect: 'Deny', Condition: { NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/16' } } }),
      ]),
    );
    const apiPolicy = Object.values(t.findResources('AWS::ApiGateway::RestApi'))[0].Properties.Policy;
    const via = apiPolicy.Statement.filter((s: any) => s.Condition?.ArnEquals?.['execute-api:viaDomainArn']);
    expect(via).toHaveLength(3);
  });

  test("fails when RestApi's addDomainName is used on a PrivateApi, naming addPrivateDomainName", () => {
    // GIVEN
    const { api, certificate } = domainSetup();

    // WHEN / THEN
    expect(() => api.addDomainName('Public', { domainName: 'orders.example.com', certificate })).toThrow(
      /PrivateApi 'Stack\/Api': 'addDomainName\('Public'\)'.*public \(V1\) custom domain name.*expected addPrivateDomainName\('Public'/,
    );
  });

  test('fails when the domain name is a wildcard', () => {
    // GIVEN
    const { api, certificate, endpoint } = domainSetup();

    // WHEN / THEN
    expect(() =>
      api.addPrivateDomainName('Wild', { domainName: '*.internal.example.com', certificate, vpcEndpoints: [endpoint] }),
    ).toThrow(/'domainName' is a wildcard domain name/);
  });

  test('fails when the base path has more than one level', () => {
    // GIVEN
    const { api, certificate, endpoint } = domainSetup();

    // WHEN / THEN
    expect(() =>
      api.addPrivateDomainName('Deep', {
        domainName: 'deep.internal.example.com',
        certificate,
        basePath: 'v1/orders',
        vpcEndpoints: [endpoint],
      }),
    ).toThrow(/'basePath' has more than one level/);
  });

  test('fails when JavaScript passes null, undefined or wrong types', () => {
    // GIVEN
    const { api, certificate, endpoint } = domainSetup();

    // WHEN / THEN
    expect(() => api.addPrivateDomainName('A', null as any)).toThrow(/'props' is not an object/);
    expect(() => api.addPrivateDomainName('B', { domainName: 42 as any, certificate })).toThrow(
      /'domainName' is not a string/,
    );
    expect(() => api.addPrivateDomainName('C', { domainName: 'c.example.com', certificate: undefined as any })).toThrow(
      /'certificate' is not a certificate/,
    );
    expect(() =>
      api.addPrivateDomainName('D', { domainName: 'd.example.com', certificate, vpcEndpoints: [null as any] }),
    ).toThrow(/'vpcEndpoints\[0\]' is not an interface VPC endpoint/);
    expect(() =>
      api.addPrivateDomainName('E', {
        domainName: 'e.example.com',
        certificate,
        vpcEndpoints: [endpoint],
        accessPolicy: {} as any,
      }),
    ).toThrow(/'accessPolicy' is not an AccessPolicy/);
  });

  test('fails when the stage is not a stage, or the API has no deployment stage', () => {
    // GIVEN
    const { stack, api, certificate, endpoint } = domainSetup();
    const undeployed = new PrivateApi(stack, 'Undeployed', { vpcEndpoints: [endpoint], deploy: false });
    undeployed.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN / THEN
    expect(() =>
      api.addPrivateDomainName('St', { domainName: 'st.example.com', certificate, stage: 'prod' as any }),
    ).toThrow(/'stage' is not a Stage/);
    expect(() => undeployed.addPrivateDomainName('St', { domainName: 'st.example.com', certificate })).toThrow(
      /'stage' is required: the API has no deployment stage/,
    );
  });

  test('fails when a domain endpoint is not one the API admits', () => {
    // GIVEN
    const { stack, api, certificate, vpc } = domainSetup();
    const stranger = vpc.addInterfaceEndpoint('Stranger', { service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY });

    // WHEN / THEN
    expect(() =>
      api.addPrivateDomainName('S', { domainName: 's.example.com', certificate, vpcEndpoints: [stranger] }),
    ).toThrow(/is not one of the API's endpoints/);
    expect(stack).toBeDefined();
  });

  test('fails when one endpoint is associated with two domains of the same name', () => {
    // GIVEN
    const { app, stack, endpoint, certificate } = domainSetup();
    const api2 = new PrivateApi(stack, 'Api2', { vpcEndpoints: [endpoint] });
    api2.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN
    api2.addPrivateDomainName('Same', { domainName: 'Orders.Internal.Example.com', certificate });

    // THEN
    expect(() => app.synth()).toThrow(
      /does not let one endpoint invoke two private custom domain names of the same name/,
    );
  });

  test('fails when the API is not PRIVATE', () => {
    // GIVEN
    const { app, stack, endpoint, certificate } = domainSetup();
    const regional = new apigw.RestApi(stack, 'Regional');
    regional.root.addMethod('GET', new apigw.MockIntegration());

    // WHEN
    new PrivateDomainName(stack, 'Bad', {
      api: regional,
      domainName: 'r.example.com',
      certificate,
      vpcEndpoints: [endpoint],
    });

    // THEN
    expect(() => app.synth()).toThrow(/is not PRIVATE; a private custom domain name maps only to PRIVATE APIs/);
  });

  test('fails when a domain accessPolicy has a scoped rule', () => {
    // GIVEN
    const policy = new AccessPolicy({ allow: [Source.anyone()] }).allowOn(
      ApiScope.methods(['GET']),
      Source.ipRanges(['10.0.0.0/8']),
    );
    const { app } = domainSetup({ accessPolicy: policy });

    // WHEN / THEN
    expect(() => app.synth()).toThrow(/can only hold rules for the whole API/);
  });

  test('warns about IPv4-only rules of the domain (private domains are dual-stack)', () => {
    // GIVEN / WHEN
    const { stack } = domainSetup({
      accessPolicy: new AccessPolicy({ allow: [Source.anyone()], deny: [Source.ipRanges(['10.0.9.0/24'])] }),
    });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Api/Internal',
      Match.stringLikeRegexp(
        'a private domain is always dual-stack: IPv6 callers from the same networks are not denied',
      ),
    );
  });

  test('warns past the private domain quota', () => {
    // GIVEN
    const { stack, certificate, endpoint } = domainSetup();

    // WHEN
    for (let i = 0; i < 25; i++) {
      const api = new PrivateApi(stack, `Api${i}`, { vpcEndpoints: [endpoint] });
      api.root.addMethod('GET', new apigw.MockIntegration());
      for (const d of ['a', 'b']) {
        api.addPrivateDomainName(d, { domainName: `${d}${i}.example.com`, certificate, vpcEndpoints: [endpoint] });
      }
    }

    // THEN
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('51 private custom domain names'));
  });

  test('tokens are accepted for the domain name and base path', () => {
    // GIVEN
    const { stack, api, certificate, endpoint } = domainSetup();
    const name = new CfnParameter(stack, 'Name').valueAsString;

    // WHEN
    api.addPrivateDomainName('T', { domainName: name, certificate, basePath: name, vpcEndpoints: [endpoint] });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::DomainNameV2', 2);
  });
});

describe('PrivateDomainName', () => {
  test('snapshot', () => {
    // GIVEN / WHEN
    const { stack } = domainSetup({ basePath: 'v1' });

    // THEN
    const t = Template.fromStack(stack).toJSON();
    const picked = Object.fromEntries(
      Object.entries(t.Resources).filter(([, r]: [string, any]) => /DomainName|BasePathMapping|RestApi$/.test(r.Type)),
    );
    expect(picked).toMatchSnapshot();
  });
});
