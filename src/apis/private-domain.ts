/**
 * A private custom domain name (`AWS::ApiGateway::DomainNameV2`, PRIVATE) for a private REST API, with its
 * resource policy compiled by AccessPolicy, a domain name access association per VPC endpoint and a base
 * path mapping; the API's own policy is bound to the domain's rules (docs/SEMANTICS.md "Private custom
 * domain names"). The pure policy work is in access/domain-policy.ts, the input checks in
 * private-domain-checks.ts.
 */
import { Annotations, Lazy, Names, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { ipv4OnlyRules } from './endpoint-settings';
import { checkDomainProps, domainKey, requireDomainV2 } from './private-domain-checks';
import { AccessPolicy, Source } from '../access';
import { PolicyAttachment } from '../access/attachment';
import { CompileError, PolicyJson, PolicyPart } from '../access/compile/compile';
import { compileDomainPolicy, viaDomainDenies } from '../access/domain-policy';
import { endpointKindOf } from '../private/endpoint-type';
import { scopeError } from '../private/errors';

/** Private custom domain names per account and region (adjustable; docs/SEMANTICS.md "Quotas"). */
export const PRIVATE_DOMAIN_QUOTA = 50;
/** Domain name access associations per account (adjustable; docs/SEMANTICS.md "Quotas"). */
export const ACCESS_ASSOCIATION_QUOTA = 100;

/** Options of {@link PrivateApi.addPrivateDomainName}. */
export interface PrivateDomainNameOptions {
  /** The domain name, e.g. `orders.internal.example.com` (no wildcards; the certificate must cover it). */
  readonly domainName: string;

  /** The ACM certificate for the domain name (RSA 2048, ECDSA P-256 or P-384; wildcard certificates are fine). */
  readonly certificate: acm.ICertificate;

  /**
   * The base path under which the API is reachable, one level without slashes (e.g. `v1`).
   *
   * @default - the root: `https://{domainName}/...`
   */
  readonly basePath?: string;

  /**
   * The stage the base path maps to.
   *
   * @default - the API's deployment stage
   */
  readonly stage?: apigw.IStage;

  /**
   * Interface VPC endpoints of this app that may call the API through the domain: each gets a domain name
   * access association, and the domain's policy denies every other endpoint.
   *
   * @default - the API's own `vpcEndpoints`
   */
  readonly vpcEndpoints?: ec2.IInterfaceVpcEndpoint[];

  /**
   * Further rules for calls through the domain (whole-API rules only: the domain's policy cannot see
   * stages, methods or paths). A call through the domain must pass these, the endpoint restriction of
   * the domain and the API's own policy.
   *
   * @default - what the API admits
   */
  readonly accessPolicy?: AccessPolicy;
}

/** Properties of a {@link PrivateDomainName}. */
export interface PrivateDomainNameProps extends PrivateDomainNameOptions {
  /** The PRIVATE REST API the domain maps to (a RestApi, SpecRestApi or LambdaRestApi of this app). */
  readonly api: apigw.IRestApi;
}

/**
 * A private custom domain name for a PRIVATE REST API: the domain (TLS 1.2, the only policy private
 * domains have) with a resource policy that denies every VPC endpoint but the listed ones, a domain name
 * access association per listed endpoint, the base path mapping, and Deny statements in the API's own
 * policy so that it admits calls through this domain only as the domain's policy does. Calls to the API's
 * own execute-api URL are not affected (set `disableExecuteApiEndpoint` on the API to refuse them).
 *
 * @example
 * const domain = api.addPrivateDomainName('Internal', { domainName: 'orders.internal.example.com', certificate });
 */
export class PrivateDomainName extends Construct {
  /** The domain name. */
  public readonly domainName: string;
  /** The domain's ARN (`arn:…:apigateway:{region}:{account}:/domainnames/{name}+{id}`). */
  public readonly domainNameArn: string;
  /** The domain's identifier (the part after `+`). */
  public readonly domainNameId: string;
  /**
   * The ARN a call through this domain carries in `execute-api:viaDomainArn`
   * (`arn:…:execute-api:{region}:{account}:/domainnames/{name}+{id}`).
   */
  public readonly viaDomainArn: string;
  /** The rules for calls through the domain beyond its endpoint restriction: add rules at any time. */
  public readonly accessPolicy: AccessPolicy;
  /** The VPC endpoints associated with the domain. */
  public readonly vpcEndpoints: ec2.IInterfaceVpcEndpoint[];

  private readonly api: apigw.RestApiBase;
  private readonly endpointPolicy: AccessPolicy;

  constructor(scope: Construct, id: string, props: PrivateDomainNameProps) {
    super(scope, id);
    requireDomainV2(this);
    const p = checkDomainProps(this, props);
    this.api = p.api;
    this.vpcEndpoints = p.vpcEndpoints;
    this.domainName = p.domainName;
    this.accessPolicy = p.accessPolicy ?? new AccessPolicy({ allow: [Source.anyone()] });
    this.endpointPolicy = new AccessPolicy({ allow: [Source.vpcEndpoints(p.vpcEndpoints)] });

    const domain = new apigw.CfnDomainNameV2(this, 'Resource', {
      domainName: p.domainName,
      certificateArn: p.certificate.certificateArn,
      endpointConfiguration: { types: ['PRIVATE'] },
      securityPolicy: 'TLS_1_2',
      policy: Lazy.any({ produce: () => this.compiled() }),
    });
    this.domainNameArn = domain.attrDomainNameArn;
    this.domainNameId = domain.attrDomainNameId;
    const stack = Stack.of(this);
    this.viaDomainArn = `arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:/domainnames/${p.domainName}+${domain.attrDomainNameId}`;

    for (const endpoint of p.vpcEndpoints) {
      new apigw.CfnDomainNameAccessAssociation(this, `Association${Names.nodeUniqueId(endpoint.node)}`, {
        accessAssociationSource: endpoint.vpcEndpointId,
        accessAssociationSourceType: 'VPCE',
        domainNameArn: domain.attrDomainNameArn,
      });
    }
    const stage = p.stage;
    const mapping = new apigw.CfnBasePathMappingV2(this, 'Mapping', {
      domainNameArn: domain.attrDomainNameArn,
      restApiId: p.api.restApiId,
      stage: stage.stageName,
      basePath: p.basePath,
    });
    mapping.node.addDependency(stage);

    PolicyAttachment.of(p.api, p.api.node.defaultChild as apigw.CfnRestApi).addStatements(() =>
      viaDomainDenies(this.compiled(), this.viaDomainArn),
    );
    this.node.addValidation({ validate: () => this.validateDomain() });
  }

  /** The rules of the domain's policy (AND-ed): the endpoint restriction and `accessPolicy`. */
  private parts(): PolicyPart[] {
    const stack = Stack.of(this);
    return [...this.endpointPolicy._partsFor(stack), ...this.accessPolicy._partsFor(stack)];
  }

  /** The domain's policy document. Throws a GatekeeperError naming this construct. */
  private compiled(): PolicyJson {
    const stack = Stack.of(this);
    try {
      return compileDomainPolicy(this.parts(), `arn:${stack.partition}:execute-api:${stack.region}:${stack.account}:`);
    } catch (e) {
      if (e instanceof CompileError) throw scopeError(this, `access policy: ${e.message}`);
      throw e;
    }
  }

  private validateDomain(): string[] {
    const errors: string[] = [];
    try {
      this.compiled();
    } catch (e) {
      errors.push((e as Error).message);
    }
    const kind = endpointKindOf(this.api);
    if (kind !== 'private') {
      errors.push(
        scopeError(
          this,
          `the API '${this.api.node.path}' ${kind === 'public' ? 'is not PRIVATE' : 'has an endpoint type that is a token'}; a private custom domain name maps only to PRIVATE APIs (set EndpointConfiguration.Types to [PRIVATE])`,
        ).message,
      );
    }
    errors.push(...this.sharedEndpoints());
    for (const w of this.accessPolicy._warnings()) Annotations.of(this).addWarningV2(w.id, w.message);
    this.ipv4OnlyWarnings();
    this.quotaWarnings();
    return errors;
  }

  /** An endpoint cannot call two private domains of the same name (docs/SEMANTICS.md "Private custom domain names"). */
  private sharedEndpoints(): string[] {
    const mine = domainKey(this.domainName);
    if (mine === undefined) return [];
    const errors: string[] = [];
    for (const other of allDomains(this)) {
      if (other === this) break;
      if (domainKey(other.domainName) !== mine) continue;
      const ids = new Set(other.vpcEndpoints.map((e) => e.vpcEndpointId));
      for (const e of this.vpcEndpoints.filter((x) => ids.has(x.vpcEndpointId))) {
        errors.push(
          scopeError(
            this,
            `VPC endpoint '${e.node.path}' is also associated with '${other.node.path}', another private domain named '${this.domainName}'; API Gateway does not let one endpoint invoke two private custom domain names of the same name: use another endpoint for one of them`,
          ).message,
        );
      }
    }
    return errors;
  }

  /** Private domains are dual-stack only: IP rules with IPv4 ranges alone do not cover IPv6 callers. */
  private ipv4OnlyWarnings(): void {
    for (const r of ipv4OnlyRules(this.accessPolicy._partsFor(Stack.of(this)))) {
      const ranges = JSON.stringify(r.ranges);
      Annotations.of(this).addWarningV2(
        `cdk-api-gatekeeper:ipv4-only-${r.effect}`,
        r.effect === 'allow'
          ? `an allow rule lists only IPv4 ranges ${ranges}, but a private domain is always dual-stack: IPv6 callers are not covered by it and are refused`
          : `a deny rule lists only IPv4 ranges ${ranges}, but a private domain is always dual-stack: IPv6 callers from the same networks are not denied and get through`,
      );
    }
  }

  /** Warnings (once per app, on its first domain) when the app passes the adjustable domain quotas. */
  private quotaWarnings(): void {
    const domains = allDomains(this);
    if (domains[0] !== this) return;
    if (domains.length > PRIVATE_DOMAIN_QUOTA) {
      Annotations.of(this).addWarningV2(
        'cdk-api-gatekeeper:private-domain-quota',
        `the app defines ${domains.length} private custom domain names; API Gateway allows ${PRIVATE_DOMAIN_QUOTA} per account and region unless the quota is raised`,
      );
    }
    const associations = domains.reduce((n, d) => n + d.vpcEndpoints.length, 0);
    if (associations > ACCESS_ASSOCIATION_QUOTA) {
      Annotations.of(this).addWarningV2(
        'cdk-api-gatekeeper:domain-access-association-quota',
        `the app defines ${associations} domain name access associations; API Gateway allows ${ACCESS_ASSOCIATION_QUOTA} per account unless the quota is raised`,
      );
    }
  }
}

/** Every PrivateDomainName of the app, in construct order. */
function allDomains(scope: IConstruct): PrivateDomainName[] {
  return scope.node.root.node.findAll().filter((c): c is PrivateDomainName => c instanceof PrivateDomainName);
}
