import { ALLOW_ALL, miniTemplate, policy } from './helpers';

/** Endpoints of the hand-written template: the first is associated with the domain, the second is not. */
export const LISTED = 'vpce-0123456789abcdef0';
export const UNLISTED = 'vpce-0fedcba9876543210';
export const RAW_HOST = 'raw.example.com';

/**
 * A hand-written CloudFormation template (not built by this library): a PRIVATE API admitting both
 * endpoints, and a private domain (root mapping to stage prod) associated with the first, whose policy
 * admits only that one.
 */
export function rawDomainTemplate(): Record<string, any> {
  const domainArn = { 'Fn::GetAtt': ['Domain', 'DomainNameArn'] };
  const association = (vpce: string) => ({
    Type: 'AWS::ApiGateway::DomainNameAccessAssociation',
    Properties: { DomainNameArn: domainArn, AccessAssociationSource: vpce, AccessAssociationSourceType: 'VPCE' },
  });
  return miniTemplate({
    endpointType: 'PRIVATE',
    policy: policy(ALLOW_ALL),
    extra: {
      Domain: {
        Type: 'AWS::ApiGateway::DomainNameV2',
        Properties: {
          DomainName: RAW_HOST,
          EndpointConfiguration: { Types: ['PRIVATE'] },
          Policy: policy(ALLOW_ALL, {
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: { StringNotEquals: { 'aws:SourceVpce': LISTED } },
          }),
        },
      },
      Map: {
        Type: 'AWS::ApiGateway::BasePathMappingV2',
        Properties: { DomainNameArn: domainArn, RestApiId: { Ref: 'Api' }, Stage: 'prod' },
      },
      Assoc: association(LISTED),
    },
  });
}
