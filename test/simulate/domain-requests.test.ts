import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LISTED, RAW_HOST, UNLISTED, rawDomainTemplate } from './domain-template';
import { ALLOW_ALL, policy } from './helpers';
import { DecidedBy, RequestSimulator, SimulationInputError } from '../../src';
import { VIA_DOMAIN_ARN } from '../../src/simulate/domain';
import { domainSetup } from '../apis/private-domain-fixture';

const HOST = 'orders.internal.example.com';

function viaDomain(path: string, endpoint: (f: ReturnType<typeof domainSetup>) => ec2.IInterfaceVpcEndpoint) {
  const fixture = domainSetup({ basePath: 'v1' });
  const sim = RequestSimulator.fromStack(fixture.stack);
  return sim.invoke({ domainName: HOST, method: 'GET', path, vpcEndpointId: endpoint(fixture).vpcEndpointId });
}

describe('RequestSimulator: requests through a private custom domain (PrivateApi.addPrivateDomainName)', () => {
  test('from the listed endpoint, through the base path: 200, the policies see viaDomainArn', () => {
    // WHEN
    const r = viaDomain('/v1/items', (f) => f.endpoint);

    // THEN
    expect(r).toMatchObject({ statusCode: 200, decidedBy: DecidedBy.OK });
    const reasons = r.reasons.join('\n');
    expect(reasons).toMatch(/base path mapping \S+: API \S+, stage prod, path \/items/);
    expect(reasons).toMatch(
      new RegExp(`${VIA_DOMAIN_ARN} is arn:aws:execute-api:us-east-1:123456789012:/domainnames/${HOST}\\+`),
    );
  });

  test('from the other endpoint (admitted by the API, not associated with the domain): 403 resource-policy', () => {
    // WHEN
    const r = viaDomain('/v1/items', (f) => f.other);

    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.RESOURCE_POLICY });
    expect(r.message).toMatch(
      /^User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:.*:\/domainnames\//,
    );
    expect(r.reasons.join('\n')).toMatch(/no domain name access association/);
  });

  test('a path outside the base path mapping: 403 route, the status marked inferred', () => {
    // WHEN
    const r = viaDomain('/v2/items', (f) => f.endpoint);

    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.ROUTE, message: 'Forbidden' });
    expect(r.reasons.join('\n')).toMatch(/no base path mapping .* matches \/v2\/items \[I: 403\]/);
  });

  test('an unknown domain name: 403 route', () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });

    // WHEN
    const r = RequestSimulator.fromStack(fixture.stack).invoke({
      domainName: 'nope.example.com',
      method: 'GET',
      path: '/v1/items',
      vpcEndpointId: fixture.endpoint.vpcEndpointId,
    });

    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.ROUTE });
    expect(r.reasons.join('\n')).toMatch(/no private custom domain named 'nope\.example\.com' .*\[I: 403\]/);
  });

  test('without a VPC endpoint: 403 resource-policy (a private domain is reachable only through one)', () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });

    // WHEN
    const r = RequestSimulator.fromStack(fixture.stack).invoke({ domainName: HOST, method: 'GET', path: '/v1/items' });

    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.RESOURCE_POLICY });
    expect(r.reasons.join('\n')).toMatch(/reachable only through an interface VPC endpoint/);
  });

  test("the API's own URL from the listed endpoint: 200, without viaDomainArn", () => {
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
    expect(r.reasons.join('\n')).not.toMatch(/viaDomainArn is/);
  });

  test('an unknown method through the domain: the API decides (403 route, Missing Authentication Token)', () => {
    // GIVEN
    const fixture = domainSetup({ basePath: 'v1' });

    // WHEN
    const r = RequestSimulator.fromStack(fixture.stack).invoke({
      domainName: HOST,
      method: 'POST',
      path: '/v1/items',
      vpcEndpointId: fixture.endpoint.vpcEndpointId,
    });

    // THEN
    expect(r).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.ROUTE, message: 'Missing Authentication Token' });
  });
});

describe('RequestSimulator: a hand-written template with DomainNameV2', () => {
  test('the associated endpoint passes, the other is refused by the domain, a wrong host by the route', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(rawDomainTemplate());
    const send = (host: string, vpce: string) =>
      sim.invoke({ domainName: host, method: 'GET', path: '/items', vpcEndpointId: vpce });

    // WHEN
    const listed = send(RAW_HOST, LISTED);
    const upper = send('RAW.Example.com', LISTED);
    const unlisted = send(RAW_HOST, UNLISTED);
    const ownUrl = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: UNLISTED });

    // THEN
    expect(listed).toMatchObject({ statusCode: 200, decidedBy: DecidedBy.OK });
    expect(upper.statusCode).toBe(200);
    expect(unlisted).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.RESOURCE_POLICY });
    expect(ownUrl.statusCode).toBe(200);
  });

  test("the API's policy sees viaDomainArn: a Deny on it refuses calls through the domain only", () => {
    // GIVEN
    const template = rawDomainTemplate();
    template.Resources.Api.Properties.Policy = policy(ALLOW_ALL, {
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { ArnLike: { [VIA_DOMAIN_ARN]: `arn:aws:execute-api:*:*:/domainnames/${RAW_HOST}+*` } },
    });
    const sim = RequestSimulator.fromTemplate(template);

    // WHEN
    const through = sim.invoke({ domainName: RAW_HOST, method: 'GET', path: '/items', vpcEndpointId: LISTED });
    const direct = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: LISTED });

    // THEN
    expect(through).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.RESOURCE_POLICY });
    expect(through.message).toMatch(/with an explicit deny$/);
    expect(direct.statusCode).toBe(200);
  });

  test('a VPC endpoint policy in the template sees viaDomainArn too', () => {
    // GIVEN
    const template = rawDomainTemplate();
    template.Resources.Endpoint = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: 'vpc-11111111',
        ServiceName: 'com.amazonaws.us-east-1.execute-api',
        VpcEndpointType: 'Interface',
        PolicyDocument: policy({
          Effect: 'Allow',
          Principal: '*',
          Action: 'execute-api:Invoke',
          Resource: '*',
          Condition: { Null: { [VIA_DOMAIN_ARN]: 'false' } },
        }),
      },
    };
    template.Resources.Assoc.Properties.AccessAssociationSource = { Ref: 'Endpoint' };
    template.Resources.Domain.Properties.Policy = policy(ALLOW_ALL);
    const sim = RequestSimulator.fromTemplate(template);

    // WHEN
    const through = sim.invoke({ domainName: RAW_HOST, method: 'GET', path: '/items', vpcEndpointId: 'Endpoint' });
    const direct = sim.invoke({ method: 'GET', path: '/items', vpcEndpointId: 'Endpoint' });

    // THEN
    expect(through.statusCode).toBe(200);
    expect(direct).toMatchObject({ statusCode: 403, decidedBy: DecidedBy.RESOURCE_POLICY });
    expect(direct.reasons.join('\n')).toMatch(/VPC endpoint policy of Endpoint/);
  });

  test('fails when domainName comes with api or stage, or is not a string', () => {
    // GIVEN
    const sim = RequestSimulator.fromTemplate(rawDomainTemplate());
    const base = { domainName: RAW_HOST, method: 'GET', path: '/items', vpcEndpointId: LISTED };

    // WHEN / THEN
    expect(() => sim.invoke({ ...base, api: 'Api' })).toThrow(SimulationInputError);
    expect(() => sim.invoke({ ...base, api: 'Api', stage: 'prod' })).toThrow(
      /'api' and 'stage' cannot be given with 'domainName'/,
    );
    expect(() => sim.invoke({ ...base, stage: 'prod' })).toThrow(/'stage' cannot be given with 'domainName'/);
    expect(() => sim.invoke({ ...base, domainName: 42 as any })).toThrow(
      /'domainName' is malformed: got 42; expected a string/,
    );
  });
});
