import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** Props the three opinionated APIs share, beyond aws-cdk-lib's `RestApiProps`. */
export interface SecureRestApiProps extends apigw.RestApiProps {
  /**
   * Acknowledge the cdk-nag (AwsSolutions) findings whose reason this construct guarantees, on each
   * resource where the reason holds (e.g. APIG4 "no authorization" on a method that requires an API key in
   * a TieredApi, never on one that requires nothing), in the formats cdk-nag 2 and cdk-nag 3 read.
   *
   * @default true
   */
  readonly acknowledgeNagFindings?: boolean;

  /**
   * The endpoint's IP address type: `ipv4` or `dualstack` (`EndpointConfiguration.IpAddressType`). A
   * PRIVATE API is always `dualstack`. On a dual-stack API, IP rules that list only IPv4 ranges get a
   * warning (IPv6 callers are not covered by them).
   *
   * @default - API Gateway's default: `ipv4` for EDGE and REGIONAL APIs, `dualstack` for PRIVATE ones
   */
  readonly ipAddressType?: string;

  /**
   * The TLS security policy (`SecurityPolicy`): `TLS_1_2` or an enhanced policy (`SecurityPolicy_...`;
   * edge-optimized APIs take the `..._EDGE` ones). `TLS_1_0` is refused.
   *
   * @default - `SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09` for REGIONAL and PRIVATE APIs,
   * `SecurityPolicy_TLS12_PFS_2025_EDGE` for edge-optimized ones (TLS 1.2 and 1.3, forward secrecy only)
   */
  readonly securityPolicy?: string;

  /**
   * The endpoint access mode (`EndpointAccessMode`) an enhanced security policy requires: `BASIC` or
   * `STRICT` (STRICT also refuses requests whose TLS server name does not match the host, e.g. a private
   * API called without private DNS or a custom domain). Must be unset with `TLS_1_2`.
   *
   * @default - `BASIC` with an enhanced security policy, none with `TLS_1_2`
   */
  readonly endpointAccessMode?: string;
}
