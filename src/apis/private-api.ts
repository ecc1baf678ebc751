import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AccessPolicy, Source } from '../access';
import { applySecureDefaultsAfterConstruction, withSecureDefaults } from './defaults';
import { privateApiOpenings } from './private-api-check';
import { describeNewConstruct, propError } from '../private/errors';
import { acknowledgeNagRule } from '../private/nag';

/** Properties of a {@link PrivateApi}. Give at least one of `vpcEndpoints`, `vpcEndpointIds`, `vpcs`, `vpcIds`. */
export interface PrivateApiProps extends apigw.RestApiProps {
  /**
   * Interface VPC endpoints (service `execute-api`) of this app through which the API may be called. They
   * are also associated with the API (`EndpointConfiguration.VpcEndpointIds`) for Route 53 alias access,
   * unless `associateVpcEndpoints` is false.
   *
   * @default - none
   */
  readonly vpcEndpoints?: ec2.IInterfaceVpcEndpoint[];

  /**
   * Ids of VPC endpoints through which the API may be called, e.g. other accounts' endpoints
   * (`vpce-0123456789abcdef0`). They are not associated with the API.
   *
   * @default - none
   */
  readonly vpcEndpointIds?: string[];

  /**
   * VPCs any of whose interface endpoints may be used to call the API.
   *
   * @default - none
   */
  readonly vpcs?: ec2.IVpc[];

  /**
   * Ids of VPCs (`vpc-0123456789abcdef0`) any of whose interface endpoints may be used to call the API.
   *
   * @default - none
   */
  readonly vpcIds?: string[];

  /**
   * A further restriction: a request must pass both the endpoint / VPC restriction and this policy
   * (e.g. `Source.ipRanges(['10.0.0.0/16'])`, which compiles to `aws:VpcSourceIp` here, or an organization).
   *
   * @default - only the endpoint / VPC restriction
   */
  readonly accessPolicy?: AccessPolicy;

  /**
   * Associate `vpcEndpoints` with the API (Route 53 alias names
   * `{api-id}-{vpce-id}.execute-api.{region}.amazonaws.com`).
   *
   * @default true
   */
  readonly associateVpcEndpoints?: boolean;
}

/**
 * A REST API with endpoint type PRIVATE that only the given interface VPC endpoints or VPCs can reach.
 * Its resource policy denies every request that does not come through one of them (for anonymous and IAM
 * callers alike), optionally narrowed further by `accessPolicy`; it refuses to synthesize a policy that
 * would let any other VPC endpoint in the region call it.
 *
 * @example
 * const api = new PrivateApi(this, 'Internal', { vpcEndpoints: [endpoint] });
 * api.root.addResource('items').addMethod('GET', integration);
 */
export class PrivateApi extends apigw.RestApi {
  /** The access policy applied to this API (the endpoint / VPC restriction, narrowed by `accessPolicy`). */
  public readonly accessPolicy: AccessPolicy;

  constructor(scope: Construct, id: string, props: PrivateApiProps) {
    const label = describeNewConstruct('PrivateApi', scope, id);
    const p = props ?? {};
    const lists: Array<[string, readonly unknown[] | undefined]> = [
      ['vpcEndpoints', p.vpcEndpoints],
      ['vpcEndpointIds', p.vpcEndpointIds],
      ['vpcs', p.vpcs],
      ['vpcIds', p.vpcIds],
    ];
    for (const [prop, list] of lists) {
      if (list !== undefined && list.length === 0) {
        throw propError(label, {
          prop,
          value: [],
          problem: 'must not be empty',
          expected: `at least one ${prop === 'vpcs' || prop === 'vpcIds' ? 'VPC' : 'interface VPC endpoint'}, or leave it unset and use ${lists
            .map(([n]) => `'${n}'`)
            .filter((n) => n !== `'${prop}'`)
            .join(', ')}`,
        });
      }
    }
    if (lists.every(([, list]) => list === undefined)) {
      throw propError(label, {
        prop: 'vpcEndpoints',
        value: undefined,
        problem: 'is required when vpcEndpointIds, vpcs and vpcIds are unset',
        expected: 'at least one interface VPC endpoint (or VPC endpoint ids, VPCs or VPC ids) that may call the API',
      });
    }
    if (p.endpointTypes && !(p.endpointTypes.length === 1 && p.endpointTypes[0] === apigw.EndpointType.PRIVATE)) {
      throw propError(label, {
        prop: 'endpointTypes',
        value: p.endpointTypes,
        expected: '[EndpointType.PRIVATE] or unset: a PrivateApi is always PRIVATE',
      });
    }
    const userTypes = p.endpointConfiguration?.types;
    if (userTypes && !(userTypes.length === 1 && userTypes[0] === apigw.EndpointType.PRIVATE)) {
      throw propError(label, {
        prop: 'endpointConfiguration.types',
        value: userTypes,
        expected: '[EndpointType.PRIVATE]: a PrivateApi is always PRIVATE',
      });
    }
    const associate = p.associateVpcEndpoints ?? true;
    const associated = [...(p.endpointConfiguration?.vpcEndpoints ?? []), ...(associate ? (p.vpcEndpoints ?? []) : [])];
    const withDefaults = withSecureDefaults({
      ...p,
      endpointTypes: undefined,
      endpointConfiguration: {
        ...p.endpointConfiguration,
        types: [apigw.EndpointType.PRIVATE],
        vpcEndpoints: associated.length > 0 ? associated : undefined,
      },
    });
    super(scope, id, withDefaults);
    applySecureDefaultsAfterConstruction(this, withDefaults);
    acknowledgeNagRule(
      this,
      'AwsSolutions-APIG4',
      'A PrivateApi is reachable only through the listed VPC endpoints or VPCs (resource policy); add IAM or an authorizer where callers inside them must be told apart.',
    );

    const sources: Source[] = [];
    if (p.vpcEndpoints) sources.push(Source.vpcEndpoints(p.vpcEndpoints));
    if (p.vpcEndpointIds) sources.push(Source.vpcEndpointIds(p.vpcEndpointIds));
    if (p.vpcs) sources.push(Source.vpcs(p.vpcs));
    if (p.vpcIds) sources.push(Source.vpcIds(p.vpcIds));
    const base = new AccessPolicy({ allow: sources });
    this.accessPolicy = p.accessPolicy ? base.narrowedBy(p.accessPolicy) : base;
    this.accessPolicy.applyTo(this);

    this.node.addValidation({ validate: () => privateApiOpenings(this) });
  }
}
