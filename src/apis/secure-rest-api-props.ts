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
}
