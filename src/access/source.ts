import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ACCOUNT_ID,
  checkedList,
  checkIds,
  checkVpcEndpoints,
  checkVpcs,
  cidrProblem,
  fail,
  FORMS,
  idProblem,
  ORG_ID,
  ORG_PATH,
  SERVICE_PRINCIPAL,
  VPC_ID,
  VPCE_ID,
} from './checks';
import { Atom, SourceData } from './compile/model';
import { PrincipalTranslation, principalAlternatives, resolveOpaque, translatePrincipals } from './principals';

/** Options of {@link Source.service}. */
export interface ServiceSourceOptions {
  /**
   * Only when the service acts for this resource (`aws:SourceArn`, `ArnLike`: `*` allowed).
   * @default - any resource
   */
  readonly sourceArn?: string;
  /**
   * Only when the service acts for a resource of this account (`aws:SourceAccount`).
   * @default - any account
   */
  readonly sourceAccount?: string;
}

/**
 * Who or what a rule is about: callers from IP ranges, VPC endpoints, VPCs, accounts, an organization,
 * organization paths, IAM principals, an AWS service, or anyone. A source matches a request when ANY of
 * its values matches. Every factory checks its arguments at once (tokens are accepted).
 *
 * @example
 * Source.ipRanges(['203.0.113.0/24', '2001:db8::/32']);
 */
export class Source {
  /**
   * Callers from these IP ranges. Compiles to `aws:VpcSourceIp` on PRIVATE endpoint APIs (the requester's
   * address behind the VPC endpoint), to `aws:SourceIp` on EDGE and REGIONAL APIs, and to both (each in the
   * direction that fails closed) where the endpoint type is a token.
   */
  public static ipRanges(cidrs: string[]): Source {
    const list = checkedList<string>('Source.ipRanges', 'cidrs', cidrs, FORMS.cidr, (v, i) =>
      cidrProblem(`cidrs[${i}]`, v),
    );
    return Source.of('ipRanges', list, [[{ key: 'ip', values: list }]]);
  }

  /** Requests through these interface VPC endpoints (`aws:SourceVpce`; PRIVATE APIs only). */
  public static vpcEndpoints(vpcEndpoints: ec2.IInterfaceVpcEndpoint[]): Source {
    const ids = checkVpcEndpoints('Source.vpcEndpoints', 'vpcEndpoints', vpcEndpoints).map((e) => e.vpcEndpointId);
    return Source.of('vpcEndpoints', ids, [[{ key: 'aws:SourceVpce', values: ids }]]);
  }

  /** Requests through VPC endpoints given by id, e.g. other accounts' endpoints (`aws:SourceVpce`). */
  public static vpcEndpointIds(vpcEndpointIds: string[]): Source {
    const ids = checkIds('Source.vpcEndpointIds', 'vpcEndpointIds', vpcEndpointIds, VPCE_ID, FORMS.vpce);
    return Source.of('vpcEndpointIds', ids, [[{ key: 'aws:SourceVpce', values: ids }]]);
  }

  /** Requests through any VPC endpoint in these VPCs (`aws:SourceVpc`; PRIVATE APIs only). */
  public static vpcs(vpcs: ec2.IVpc[]): Source {
    const ids = checkVpcs('Source.vpcs', 'vpcs', vpcs).map((v) => v.vpcId);
    return Source.of('vpcs', ids, [[{ key: 'aws:SourceVpc', values: ids }]]);
  }

  /** Requests through any VPC endpoint in the VPCs with these ids (`aws:SourceVpc`). */
  public static vpcIds(vpcIds: string[]): Source {
    const ids = checkIds('Source.vpcIds', 'vpcIds', vpcIds, VPC_ID, FORMS.vpc);
    return Source.of('vpcIds', ids, [[{ key: 'aws:SourceVpc', values: ids }]]);
  }

  /** SigV4 callers of these accounts (`aws:PrincipalAccount`; anonymous callers never match). */
  public static accounts(accounts: string[]): Source {
    const ids = checkIds('Source.accounts', 'accounts', accounts, ACCOUNT_ID, FORMS.account);
    return Source.of('accounts', ids, [[{ key: 'aws:PrincipalAccount', values: ids }]]);
  }

  /** SigV4 callers of any account in this organization (`aws:PrincipalOrgID`). */
  public static organization(organizationId: string): Source {
    const p = idProblem('organizationId', organizationId, ORG_ID, FORMS.org);
    if (p) fail('Source.organization', p);
    return Source.of('organization', [organizationId], [[{ key: 'aws:PrincipalOrgID', values: [organizationId] }]]);
  }

  /**
   * SigV4 callers of accounts in these organizational units or below them (`aws:PrincipalOrgPaths`,
   * `ForAnyValue:StringLike` with `<path>*`). A missing trailing `/` is added (a token must end with `/` itself).
   */
  public static organizationPaths(paths: string[]): Source {
    const list = checkedList<string>('Source.organizationPaths', 'paths', paths, FORMS.orgPath, (v, i) =>
      typeof v === 'string' && (Token.isUnresolved(v) || ORG_PATH.test(v.endsWith('/') ? v : `${v}/`))
        ? undefined
        : { arg: `paths[${i}]`, value: v, problem: 'is not an organization path', expected: FORMS.orgPath },
    );
    const norm = list.map((p) => (Token.isUnresolved(p) || p.endsWith('/') ? p : `${p}/`));
    return Source.of('organizationPaths', list, [[{ key: 'aws:PrincipalOrgPaths', values: norm.map((p) => `${p}*`) }]]);
  }

  /**
   * These IAM principals, translated exactly or refused: roles, users and federated users become
   * `aws:PrincipalArn`; account principals in every form (AccountPrincipal, AccountRootPrincipal, a root
   * ARN, inside a CompositePrincipal) `aws:PrincipalAccount`; an OrganizationPrincipal `aws:PrincipalOrgID`.
   * Principals with conditions, service principals (use {@link Source.service}), wildcards (use
   * {@link Source.anyone}) and role session ARNs are refused. A principal ARN that is a token whose kind
   * cannot be told at synthesis (e.g. an imported value) is accepted in allow rules (at worst it admits only
   * that exact ARN) and refused in deny rules.
   */
  public static principals(principals: iam.IPrincipal[]): Source {
    if (!Array.isArray(principals) || principals.length === 0) {
      fail('Source.principals', {
        arg: 'principals',
        value: principals,
        problem: Array.isArray(principals) ? 'must not be empty' : 'is not a list',
        expected: Array.isArray(principals)
          ? 'at least one value: an IAM principal, e.g. new iam.ArnPrincipal(roleArn)'
          : 'a list of IAM principals, e.g. [new iam.ArnPrincipal(roleArn)]',
      });
    }
    const t: PrincipalTranslation = translatePrincipals(principals);
    if (t.problems.length > 0) fail('Source.principals', t.problems[0]);
    const display = [...t.arns, ...t.accounts, ...t.orgIds, ...t.opaque];
    return new Source('principals', display, (stack) => {
      const r = resolveOpaque(stack, t.opaque);
      const denyProblem = r.unknown.length
        ? `Source.principals: ${JSON.stringify(r.unknown)} cannot be told apart from an account root at synthesis, so a deny rule could refuse only the root user; deny with Source.accounts(), or give the role or user ARN as a literal or a reference to a Role or User of this app`
        : undefined;
      return { anyone: false, alternatives: principalAlternatives(t, r), denyProblem };
    });
  }

  /**
   * An AWS service acting as itself (`aws:PrincipalServiceName`), optionally only for one resource
   * (`aws:SourceArn`) or account (`aws:SourceAccount`).
   */
  public static service(servicePrincipal: string, options: ServiceSourceOptions = {}): Source {
    const p = idProblem('servicePrincipal', servicePrincipal, SERVICE_PRINCIPAL, FORMS.service);
    if (p) fail('Source.service', p);
    if (options === null || typeof options !== 'object') {
      fail('Source.service', {
        arg: 'options',
        value: options,
        problem: 'is not an object',
        expected: '{ sourceArn?, sourceAccount? } or nothing',
      });
    }
    const { sourceArn, sourceAccount } = options;
    if (sourceAccount !== undefined) {
      const q = idProblem('options.sourceAccount', sourceAccount, ACCOUNT_ID, FORMS.account);
      if (q) fail('Source.service', q);
    }
    if (
      sourceArn !== undefined &&
      !(typeof sourceArn === 'string' && (Token.isUnresolved(sourceArn) || /^arn:[a-z*-]+:/.test(sourceArn)))
    ) {
      fail('Source.service', {
        arg: 'options.sourceArn',
        value: sourceArn,
        problem: 'is not an ARN',
        expected: 'an ARN such as arn:aws:events:us-east-1:123456789012:rule/my-rule (`*` allowed)',
      });
    }
    const alt: Atom[] = [{ key: 'aws:PrincipalServiceName', values: [servicePrincipal] }];
    if (sourceArn !== undefined) alt.push({ key: 'aws:SourceArn', values: [sourceArn] });
    if (sourceAccount !== undefined) alt.push({ key: 'aws:SourceAccount', values: [sourceAccount] });
    return Source.of('service', [servicePrincipal], [alt]);
  }

  /** Every caller, signed or anonymous, from anywhere. */
  public static anyone(): Source {
    return new Source('anyone', [], () => ({ anyone: true, alternatives: [] }));
  }

  private static of(kind: string, display: readonly unknown[], alternatives: Atom[][]): Source {
    const data: SourceData = { anyone: false, alternatives };
    return new Source(kind, display, () => data);
  }

  /** @internal the factory, e.g. `ipRanges`. */
  public readonly _kind: string;

  private constructor(
    kind: string,
    private readonly display: readonly unknown[],
    private readonly build: (stack?: Stack) => SourceData,
  ) {
    this._kind = kind;
  }

  /** A short description, e.g. `Source.ipRanges(["203.0.113.0/24"])`. */
  public toString(): string {
    return `Source.${this._kind}(${this._kind === 'anyone' ? '' : JSON.stringify(this.display.map((v) => String(v)))})`;
  }

  /** @internal the source as compiler data; `stack` resolves principal tokens. */
  public _data(stack?: Stack): SourceData {
    return this.build(stack);
  }
}
