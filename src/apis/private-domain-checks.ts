/**
 * Input checks of a private custom domain name (docs/SEMANTICS.md "Private custom domain names"): the
 * props as JavaScript can pass them (null, undefined, wrong types), tokens accepted.
 */
import { Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { checkAccessPolicyProp } from './access-policy-prop';
import type { PrivateDomainNameProps } from './private-domain';
import { AccessPolicy } from '../access';
import { checkVpcEndpoints } from '../access/checks';
import { describeScope, propError, scopeError } from '../private/errors';

/** The aws-cdk-lib version that has the L1s (checked: 2.179.0, the peer floor, has them). */
const DOMAIN_V2_SINCE = '2.179.0';

/** The props after the checks, with the defaults that need the API filled in. */
export interface CheckedDomainProps {
  readonly api: apigw.RestApiBase;
  readonly domainName: string;
  readonly certificate: acm.ICertificate;
  readonly basePath?: string;
  readonly stage: apigw.IStage;
  readonly vpcEndpoints: ec2.IInterfaceVpcEndpoint[];
  readonly accessPolicy?: AccessPolicy;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const BASE_PATH = /^[A-Za-z0-9._~:@!$&'()*+,;=-]+$/;

/** Fails clearly when the installed aws-cdk-lib lacks the DomainNameV2 L1s. */
export function requireDomainV2(scope: IConstruct): void {
  const missing = ['CfnDomainNameV2', 'CfnDomainNameAccessAssociation', 'CfnBasePathMappingV2'].filter(
    (name) => typeof (apigw as Record<string, unknown>)[name] !== 'function',
  );
  if (missing.length > 0) {
    throw scopeError(
      scope,
      `private custom domain names need aws-cdk-lib ${DOMAIN_V2_SINCE} or later (this one lacks aws_apigateway.${missing.join(', ')})`,
    );
  }
}

/** A domain name compared case-insensitively, or undefined for a token (cannot be compared). */
export function domainKey(name: string): string | undefined {
  return Token.isUnresolved(name) ? undefined : name.toLowerCase().replace(/\.$/, '');
}

/** Why a domain name is refused, or undefined. */
export function domainNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name)) return undefined;
  if (name.includes('*')) {
    return 'is a wildcard domain name, which private custom domain names do not support (a wildcard certificate is fine)';
  }
  const labels = name.replace(/\.$/, '').split('.');
  if (name.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return 'is not a domain name';
  return undefined;
}

/** Why a base path is refused, or undefined. */
export function basePathProblem(path: string): string | undefined {
  if (Token.isUnresolved(path)) return undefined;
  if (path.includes('/')) {
    return 'has more than one level or a slash; private custom domain names take single-level base paths only';
  }
  if (!BASE_PATH.test(path)) return 'is not a base path';
  return undefined;
}

function checkApi(scope: IConstruct, api: unknown): apigw.RestApiBase {
  if (!(api instanceof apigw.RestApiBase) || !(api.node.defaultChild instanceof apigw.CfnRestApi)) {
    throw propError(scope, {
      prop: 'api',
      value: api,
      problem: 'is not a REST API of this app',
      expected:
        'a PrivateApi, or a RestApi / SpecRestApi / LambdaRestApi with endpoint type PRIVATE defined in this app',
    });
  }
  return api;
}

function checkString(
  scope: IConstruct,
  prop: string,
  value: unknown,
  problemOf: (v: string) => string | undefined,
  expected: string,
): void {
  const problem = typeof value === 'string' ? problemOf(value) : 'is not a string';
  if (problem) throw propError(scope, { prop, value, problem, expected });
}

function checkStage(scope: IConstruct, api: apigw.RestApiBase, stage: unknown): apigw.Stage {
  const chosen =
    stage ?? (api instanceof apigw.RestApi || api instanceof apigw.SpecRestApi ? api.deploymentStage : undefined);
  if (!(chosen instanceof apigw.Stage)) {
    throw propError(scope, {
      prop: 'stage',
      value: stage,
      problem: stage === undefined ? 'is required: the API has no deployment stage' : 'is not a Stage',
      expected: "a stage of the API (apigw.IStage), or unset for the API's deployment stage",
    });
  }
  return chosen;
}

/** The props, checked (throws a GatekeeperError naming the prop). */
export function checkDomainProps(scope: IConstruct, props: PrivateDomainNameProps): CheckedDomainProps {
  if (props === null || typeof props !== 'object') {
    throw propError(scope, {
      prop: 'props',
      value: props,
      problem: 'is not an object',
      expected: '{ api, domainName, certificate, ... }',
    });
  }
  const api = checkApi(scope, props.api);
  checkString(
    scope,
    'domainName',
    props.domainName,
    domainNameProblem,
    'a domain name such as orders.internal.example.com (no wildcard)',
  );
  const cert = props.certificate as unknown;
  if (!cert || typeof cert !== 'object' || typeof (cert as acm.ICertificate).certificateArn !== 'string') {
    throw propError(scope, {
      prop: 'certificate',
      value: cert,
      problem: 'is not a certificate',
      expected: 'an ACM certificate (acm.ICertificate)',
    });
  }
  if (props.basePath !== undefined) {
    checkString(
      scope,
      'basePath',
      props.basePath,
      basePathProblem,
      'one path segment such as v1, or unset for the root',
    );
  }
  if (props.vpcEndpoints === undefined) {
    throw propError(scope, {
      prop: 'vpcEndpoints',
      value: undefined,
      problem: 'is required: the API lists no VPC endpoint of this app to associate with the domain',
      expected: 'the interface VPC endpoints (of this app) that may call the API through the domain',
    });
  }
  const vpcEndpoints = checkVpcEndpoints(scope, 'vpcEndpoints', props.vpcEndpoints);
  checkAccessPolicyProp(describeScope(scope), props.accessPolicy);
  const stage = checkStage(scope, api, props.stage);
  return { ...props, api, stage, vpcEndpoints, domainName: props.domainName, certificate: props.certificate };
}
