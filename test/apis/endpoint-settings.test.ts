import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { AccessPolicy, CrossAccountApi, PrivateApi, Source, TieredApi } from '../../src';
import { ipv4OnlyRules, setProperty } from '../../src/apis/endpoint-settings';

const VPCE = 'vpce-0a0a0a0a0a0a0a0a0';
const stackOf = () => new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });

function tiered(stack: Stack, props: ConstructorParameters<typeof TieredApi>[2] = {}) {
  const api = new TieredApi(stack, 'Api', {
    tiers: [{ name: 'free', throttle: { rateLimit: 1, burstLimit: 1 } }],
    ...props,
  });
  api.root.addMethod('GET', new apigw.MockIntegration());
  api.addKey('acme', { tier: 'free' });
  return api;
}

function privateApi(stack: Stack, props: Partial<ConstructorParameters<typeof PrivateApi>[2]> = {}) {
  const api = new PrivateApi(stack, 'Api', { vpcEndpointIds: [VPCE], ...props });
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

describe('endpoint settings (ipAddressType, securityPolicy, endpointAccessMode)', () => {
  test('defaults: the strongest TLS 1.2+ policy per endpoint type, with BASIC access mode', () => {
    // GIVEN
    const s1 = stackOf();
    const s2 = stackOf();
    const s3 = stackOf();

    // WHEN
    privateApi(s1);
    tiered(s2);
    const x = new CrossAccountApi(s3, 'Api', {
      allow: [Source.accounts(['111122223333'])],
      endpointTypes: [apigw.EndpointType.REGIONAL],
    });
    x.root.addMethod('GET', new apigw.MockIntegration());

    // THEN
    const expected = { SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09', EndpointAccessMode: 'BASIC' };
    Template.fromStack(s1).hasResourceProperties('AWS::ApiGateway::RestApi', expected);
    Template.fromStack(s3).hasResourceProperties('AWS::ApiGateway::RestApi', expected);
    Template.fromStack(s2).hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: 'SecurityPolicy_TLS12_PFS_2025_EDGE',
      EndpointAccessMode: 'BASIC',
    });
  });

  test('the default follows the final endpoint type (an escape hatch to REGIONAL)', () => {
    // GIVEN
    const stack = stackOf();
    const api = tiered(stack);

    // WHEN
    (api.node.defaultChild as apigw.CfnRestApi).endpointConfiguration = { types: ['REGIONAL'] };

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09',
    });
  });

  test('TLS_1_2 takes no access mode; STRICT is kept; ipAddressType is passed through', () => {
    // GIVEN
    const s1 = stackOf();
    const s2 = stackOf();

    // WHEN
    tiered(s1, { securityPolicy: 'TLS_1_2', ipAddressType: 'dualstack', endpointTypes: [apigw.EndpointType.REGIONAL] });
    privateApi(s2, { securityPolicy: 'SecurityPolicy_TLS13_1_3_2025_09', endpointAccessMode: 'STRICT' });

    // THEN
    Template.fromStack(s1).hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: 'TLS_1_2',
      EndpointAccessMode: Match.absent(),
      EndpointConfiguration: Match.objectLike({ IpAddressType: 'dualstack' }),
    });
    Template.fromStack(s2).hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: 'SecurityPolicy_TLS13_1_3_2025_09',
      EndpointAccessMode: 'STRICT',
    });
  });

  test('where the L1 lacks a property (aws-cdk-lib 2.179), it becomes a property override', () => {
    // GIVEN
    const stack = stackOf();
    const cfn = new apigw.CfnRestApi(stack, 'Raw', { name: 'raw' });
    delete (cfn as any).securityPolicy;

    // WHEN
    setProperty(cfn, 'securityPolicy', 'SecurityPolicy', 'TLS_1_2');

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', { SecurityPolicy: 'TLS_1_2' });
  });

  test('fails when a policy is below TLS 1.2, unknown, or not a string', () => {
    // GIVEN
    const stack = stackOf();

    // WHEN / THEN
    expect(() => tiered(stack, { securityPolicy: 'TLS_1_0' })).toThrow(
      /'securityPolicy' is not accepted: got "TLS_1_0"/,
    );
    expect(() => tiered(stack, { securityPolicy: 12 as any })).toThrow(/'securityPolicy' is not a string/);
  });

  test('fails when endpointAccessMode is combined with TLS_1_2, or is not BASIC / STRICT', () => {
    // GIVEN
    const stack = stackOf();

    // WHEN / THEN
    expect(() => tiered(stack, { securityPolicy: 'TLS_1_2', endpointAccessMode: 'BASIC' })).toThrow(
      /'endpointAccessMode' cannot be combined with securityPolicy 'TLS_1_2'/,
    );
    expect(() => tiered(stack, { endpointAccessMode: 'LAX' })).toThrow(/'endpointAccessMode' is not accepted/);
  });

  test('fails when a PrivateApi is asked for ipv4 only, or ipAddressType is not ipv4 / dualstack', () => {
    // GIVEN
    const stack = stackOf();

    // WHEN / THEN
    expect(() => privateApi(stack, { ipAddressType: 'ipv4' })).toThrow(/a PRIVATE API is always dual-stack/);
    expect(() => tiered(stack, { ipAddressType: 'ipv6' })).toThrow(/'ipAddressType' is not accepted/);
    expect(() => tiered(stack, { ipAddressType: null as any })).toThrow(/'ipAddressType' is not a string/);
  });

  test('fails when an edge policy is given to a REGIONAL API (or a Regional one to an EDGE API)', () => {
    // GIVEN
    const s1 = stackOf();
    const s2 = stackOf();

    // WHEN
    tiered(s1, { securityPolicy: 'SecurityPolicy_TLS13_2025_EDGE', endpointTypes: [apigw.EndpointType.REGIONAL] });
    tiered(s2, { securityPolicy: 'TLS_1_2' });

    // THEN
    expect(() => Template.fromStack(s1)).toThrow(/'securityPolicy' cannot be used on a REGIONAL endpoint/);
    expect(() => Template.fromStack(s2)).toThrow(/'securityPolicy' cannot be used on an EDGE endpoint/);
  });

  test('warns about IPv4-only allow and deny rules on a dual-stack API, naming who is not covered', () => {
    // GIVEN
    const s1 = stackOf();
    const s2 = stackOf();

    // WHEN
    privateApi(s1, { accessPolicy: new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/16'])] }) });
    tiered(s2, {
      ipAddressType: 'dualstack',
      accessPolicy: new AccessPolicy({ allow: [Source.anyone()], deny: [Source.ipRanges(['203.0.113.0/24'])] }),
    });

    // THEN
    Annotations.fromStack(s1).hasWarning(
      '*',
      Match.stringLikeRegexp(
        'allow rule lists only IPv4 ranges \\["10.0.0.0/16"\\], but a PRIVATE API is always dual-stack: IPv6 callers are not covered',
      ),
    );
    Annotations.fromStack(s2).hasWarning(
      '*',
      Match.stringLikeRegexp('IPv6 callers from the same networks are not denied and get through'),
    );
  });

  test('no warning with IPv6 ranges, or on an ipv4 API', () => {
    // GIVEN
    const s1 = stackOf();
    const s2 = stackOf();

    // WHEN
    privateApi(s1, { accessPolicy: new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/16', '2001:db8::/32'])] }) });
    tiered(s2, { accessPolicy: new AccessPolicy({ allow: [Source.ipRanges(['10.0.0.0/16'])] }) });

    // THEN
    Annotations.fromStack(s1).hasNoWarning('*', Match.stringLikeRegexp('only IPv4'));
    Annotations.fromStack(s2).hasNoWarning('*', Match.stringLikeRegexp('only IPv4'));
  });

  test('ipv4OnlyRules (pure): one entry per rule and effect, IPv6 or token ranges excluded', () => {
    // GIVEN
    const ip = (...values: string[]) => ({ anyone: false, alternatives: [[{ key: 'ip' as const, values }]] });

    // WHEN
    const rules = ipv4OnlyRules([
      {
        allow: [
          { scope: {}, sources: [ip('10.0.0.0/8')] },
          { scope: {}, sources: [ip('10.0.0.0/8', '2001:db8::/32')] },
        ],
        deny: [{ scope: {}, source: ip('10.0.0.0/8') }],
      },
    ]);

    // THEN
    expect(rules).toEqual([
      { effect: 'allow', ranges: ['10.0.0.0/8'] },
      { effect: 'deny', ranges: ['10.0.0.0/8'] },
    ]);
  });
});
