import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { checkAccessPolicyProp } from './access-policy-prop';
import { applySecureDefaultsAfterConstruction, withSecureDefaults } from './defaults';
import { applyEndpointSettings, checkEndpointSettings } from './endpoint-settings';
import { privateApiOpenings } from './private-api-check';
import { PrivateDomainName, PrivateDomainNameOptions } from './private-domain';
import { SecureRestApiProps } from './secure-rest-api-props';
import { AccessPolicy, Source } from '../access';
import { checkIds, checkVpcEndpoints, checkVpcs, FORMS, VPC_ID, VPCE_ID } from '../access/checks';
import { describeNewConstruct, propError } from '../private/errors';

/** Properties of a {@link PrivateApi}. Give at least one of `vpcEndpoints`, `vpcEndpointIds`, `vpcs`, `vpcIds`. */
export interface PrivateApiProps extends SecureRestApiProps {
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
   * Rules within the endpoint restriction: a request must pass both the endpoint / VPC restriction and
   * this policy (e.g. `Source.ipRanges(['10.0.0.0/16'])`, which compiles to `aws:VpcSourceIp` here, or an
   * organization). Rules added to it later (`api.accessPolicy.denyOn(...)`) count.
   *
   * @default - a policy that admits every caller the endpoint restriction admits
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
  /**
   * The rules within the endpoint restriction (the `accessPolicy` prop, or one that admits every caller
   * through the listed endpoints): add rules to it at any time. The endpoint restriction itself always
   * applies as well.
   */
  public readonly accessPolicy: AccessPolicy;

  private readonly admitted: Pick<PrivateApiProps, 'vpcEndpoints' | 'vpcEndpointIds' | 'vpcs' | 'vpcIds'>;

  constructor(scope: Construct, id: string, props: PrivateApiProps) {
    const label = describeNewConstruct('PrivateApi', scope, id);
    const p = checkProps(label, props);
    checkEndpointSettings(label, p, 'PRIVATE');
    const associate = p.associateVpcEndpoints ?? true;
    const associated = [...(p.endpointConfiguration?.vpcEndpoints ?? []), ...(associate ? (p.vpcEndpoints ?? []) : [])];
    const prepared = withSecureDefaults(scope, {
      ...p,
      endpointTypes: undefined,
      endpointConfiguration: {
        ...p.endpointConfiguration,
        types: [apigw.EndpointType.PRIVATE],
        vpcEndpoints: associated.length > 0 ? associated : undefined,
      },
    });
    super(scope, id, prepared.props);
    applyEndpointSettings(this, p);
    applySecureDefaultsAfterConstruction(this, prepared, () => [
      {
        rule: 'AwsSolutions-APIG4',
        reason:
          'A PrivateApi is reachable only through the listed VPC endpoints or VPCs (resource policy); add IAM or an authorizer where callers inside them must be told apart.',
      },
      {
        rule: 'AwsSolutions-COG4',
        reason: 'A PrivateApi admits callers by VPC endpoint or VPC (resource policy); Cognito is not needed for that.',
      },
    ]);

    const sources: Source[] = [];
    if (p.vpcEndpoints) sources.push(Source.vpcEndpoints(p.vpcEndpoints));
    if (p.vpcEndpointIds) sources.push(Source.vpcEndpointIds(p.vpcEndpointIds));
    if (p.vpcs) sources.push(Source.vpcs(p.vpcs));
    if (p.vpcIds) sources.push(Source.vpcIds(p.vpcIds));
    new AccessPolicy({ allow: sources }).applyTo(this);
    this.accessPolicy = p.accessPolicy ?? new AccessPolicy({ allow: [Source.anyone()] });
    this.accessPolicy.applyTo(this);

    this.admitted = { vpcEndpoints: p.vpcEndpoints, vpcEndpointIds: p.vpcEndpointIds, vpcs: p.vpcs, vpcIds: p.vpcIds };
    this.node.addValidation({ validate: () => privateApiOpenings(this) });
  }

  /**
   * Adds a private custom domain name (`AWS::ApiGateway::DomainNameV2`, PRIVATE) that maps to this API:
   * its resource policy admits only the given VPC endpoints (by default the API's own `vpcEndpoints`), each
   * gets a domain name access association, and this API's policy admits calls through the domain only as
   * the domain's policy does. The API's own execute-api URL keeps working for the endpoints the API admits.
   * (Not `addDomainName`: RestApi's own `addDomainName(id, DomainNameOptions): DomainName` makes public V1
   * domain names and cannot be overridden with other types.)
   */
  public addPrivateDomainName(id: string, options: PrivateDomainNameOptions): PrivateDomainName {
    if (options === null || typeof options !== 'object') return new PrivateDomainName(this, id, options as any);
    const vpcEndpoints = options.vpcEndpoints ?? this.admitted.vpcEndpoints;
    if (Array.isArray(vpcEndpoints)) this.checkDomainEndpoints(id, vpcEndpoints);
    return new PrivateDomainName(this, id, { ...options, vpcEndpoints, api: this });
  }

  /**
   * Refused on a PrivateApi: RestApi's `addDomainName` makes a regional or edge (V1) custom domain name,
   * which cannot serve a PRIVATE API, and jsii does not let a subclass change its parameter types. Use
   * {@link PrivateApi.addPrivateDomainName}, which takes the same `domainName`, `certificate` and `basePath`
   * plus `vpcEndpoints` and `accessPolicy`.
   */
  public addDomainName(id: string, options: apigw.DomainNameOptions): apigw.DomainName {
    throw propError(this, {
      prop: `addDomainName('${id}')`,
      value: (options as apigw.DomainNameOptions | undefined)?.domainName,
      problem: 'makes a public (V1) custom domain name, which a PRIVATE API cannot use',
      expected: `addPrivateDomainName('${id}', { domainName, certificate, basePath?, vpcEndpoints?, accessPolicy? })`,
    });
  }

  /** A domain endpoint the API's policy refuses would make the domain useless: refuse it at once. */
  private checkDomainEndpoints(id: string, endpoints: unknown[]): void {
    if (this.admitted.vpcs || this.admitted.vpcIds) return; // admitted by VPC: not decidable here
    const ids = new Set([
      ...(this.admitted.vpcEndpoints ?? []).map((e) => e.vpcEndpointId),
      ...(this.admitted.vpcEndpointIds ?? []),
    ]);
    endpoints.forEach((e, i) => {
      const endpointId = (e as ec2.IInterfaceVpcEndpoint | undefined)?.vpcEndpointId;
      if (typeof endpointId === 'string' && !ids.has(endpointId)) {
        throw propError(this, {
          prop: `addPrivateDomainName('${id}').vpcEndpoints[${i}]`,
          value: e,
          problem: "is not one of the API's endpoints, so the API's own policy would refuse every call through it",
          expected: "endpoints listed in the API's vpcEndpoints or vpcEndpointIds (or add it there)",
        });
      }
    });
  }
}

const ENDPOINT_PROPS = ['vpcEndpoints', 'vpcEndpointIds', 'vpcs', 'vpcIds'] as const;

/** The props, checked before anything is created (JavaScript callers have no compiler). */
function checkProps(label: string, props: PrivateApiProps): PrivateApiProps {
  if (props === null || typeof props !== 'object') {
    throw propError(label, {
      prop: 'props',
      value: props,
      problem: 'is not an object',
      expected: '{ vpcEndpoints: [...] } or another endpoint list',
    });
  }
  for (const prop of ENDPOINT_PROPS) {
    const list = props[prop];
    if (list === undefined) continue;
    if (Array.isArray(list) && list.length === 0) {
      const others = ENDPOINT_PROPS.filter((n) => n !== prop).map((n) => `'${n}'`);
      throw propError(label, {
        prop,
        value: [],
        problem: 'must not be empty',
        expected: `at least one ${prop === 'vpcs' || prop === 'vpcIds' ? 'VPC' : 'interface VPC endpoint'}, or leave it unset and use ${others.join(', ')}`,
      });
    }
    if (prop === 'vpcEndpoints') checkVpcEndpoints(label, prop, list);
    else if (prop === 'vpcs') checkVpcs(label, prop, list);
    else checkIds(label, prop, list, prop === 'vpcIds' ? VPC_ID : VPCE_ID, prop === 'vpcIds' ? FORMS.vpc : FORMS.vpce);
  }
  if (ENDPOINT_PROPS.every((prop) => props[prop] === undefined)) {
    throw propError(label, {
      prop: 'vpcEndpoints',
      value: undefined,
      problem: 'is required when vpcEndpointIds, vpcs and vpcIds are unset',
      expected: 'at least one interface VPC endpoint (or VPC endpoint ids, VPCs or VPC ids) that may call the API',
    });
  }
  checkAccessPolicyProp(label, props.accessPolicy);
  checkEndpointTypes(label, props);
  return props;
}

function checkEndpointTypes(label: string, p: PrivateApiProps): void {
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
}
