import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Atom, SourceData, SourceProblem } from './compile/model';
import { parseCidr } from '../private/cidr';

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

const ACCOUNT = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ORG_PATH = /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*$/;
const VPCE_ID = /^vpce-([0-9a-f]{8}|[0-9a-f]{17})$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SERVICE = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;
const ROOT_ARN = /^arn:[a-z-]+:iam::(\d{12}):root$/;

const FORM = {
  cidr: 'an IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32 (a bare address means /32 or /128)',
  account: 'a 12-digit AWS account id such as 123456789012',
  org: 'an organization id: "o-" and 10 to 32 lowercase letters or digits, e.g. o-a1b2c3d4e5',
  orgPath:
    'an organization path such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ (organization id / root id / OU ids, each followed by "/")',
  vpce: 'a VPC endpoint id: "vpce-" and 8 or 17 hex digits, e.g. vpce-0123456789abcdef0',
  vpc: 'a VPC id: "vpc-" and 8 or 17 hex digits, e.g. vpc-0123456789abcdef0',
  service: 'a service principal such as events.amazonaws.com',
  principal: 'an IAM role, user or account principal (iam.ArnPrincipal, iam.AccountPrincipal, a Role, ...)',
};

type Kind =
  | 'ipRanges'
  | 'vpcEndpoints'
  | 'vpcEndpointIds'
  | 'vpcs'
  | 'vpcIds'
  | 'accounts'
  | 'organization'
  | 'organizationPaths'
  | 'principals'
  | 'service'
  | 'anyone';

/**
 * Who or what a rule is about: callers from IP ranges, VPC endpoints, VPCs, accounts, an organization,
 * organization paths, IAM principals, an AWS service, or anyone. A source matches a request when ANY of
 * its values matches.
 *
 * @example
 * Source.ipRanges(['203.0.113.0/24', '2001:db8::/32']);
 */
export class Source {
  /**
   * Callers from these IP ranges. Compiles to `aws:VpcSourceIp` on PRIVATE endpoint APIs (the requester's
   * address behind the VPC endpoint) and to `aws:SourceIp` on EDGE and REGIONAL APIs.
   */
  public static ipRanges(cidrs: string[]): Source {
    return new Source(
      'ipRanges',
      'cidrs',
      cidrs,
      (v, i) => {
        if (Token.isUnresolved(v)) return undefined;
        return typeof v === 'string' && parseCidr(v) ? undefined : bad(`cidrs[${i}]`, v, 'is not a CIDR', FORM.cidr);
      },
      [[{ key: 'ip', values: cidrs }]],
    );
  }

  /** Requests through these interface VPC endpoints (`aws:SourceVpce`; PRIVATE APIs only). */
  public static vpcEndpoints(vpcEndpoints: ec2.IInterfaceVpcEndpoint[]): Source {
    const ids = (vpcEndpoints ?? []).map((e) => e.vpcEndpointId);
    return new Source('vpcEndpoints', 'vpcEndpoints', vpcEndpoints, idCheck('vpcEndpoints', VPCE_ID, FORM.vpce, ids), [
      [{ key: 'aws:SourceVpce', values: ids }],
    ]);
  }

  /** Requests through VPC endpoints given by id, e.g. other accounts' endpoints (`aws:SourceVpce`). */
  public static vpcEndpointIds(vpcEndpointIds: string[]): Source {
    return new Source(
      'vpcEndpointIds',
      'vpcEndpointIds',
      vpcEndpointIds,
      idCheck('vpcEndpointIds', VPCE_ID, FORM.vpce),
      [[{ key: 'aws:SourceVpce', values: vpcEndpointIds }]],
    );
  }

  /** Requests through any VPC endpoint in these VPCs (`aws:SourceVpc`; PRIVATE APIs only). */
  public static vpcs(vpcs: ec2.IVpc[]): Source {
    const ids = (vpcs ?? []).map((v) => v.vpcId);
    return new Source('vpcs', 'vpcs', vpcs, idCheck('vpcs', VPC_ID, FORM.vpc, ids), [
      [{ key: 'aws:SourceVpc', values: ids }],
    ]);
  }

  /** Requests through any VPC endpoint in the VPCs with these ids (`aws:SourceVpc`). */
  public static vpcIds(vpcIds: string[]): Source {
    return new Source('vpcIds', 'vpcIds', vpcIds, idCheck('vpcIds', VPC_ID, FORM.vpc), [
      [{ key: 'aws:SourceVpc', values: vpcIds }],
    ]);
  }

  /** SigV4 callers of these accounts (`aws:PrincipalAccount`; anonymous callers never match). */
  public static accounts(accounts: string[]): Source {
    return new Source('accounts', 'accounts', accounts, idCheck('accounts', ACCOUNT, FORM.account), [
      [{ key: 'aws:PrincipalAccount', values: accounts }],
    ]);
  }

  /** SigV4 callers of any account in this organization (`aws:PrincipalOrgID`). */
  public static organization(organizationId: string): Source {
    return new Source(
      'organization',
      'organizationId',
      [organizationId],
      (v) =>
        Token.isUnresolved(v) || (typeof v === 'string' && ORG_ID.test(v))
          ? undefined
          : bad('organizationId', v, 'is not an organization id', FORM.org),
      [[{ key: 'aws:PrincipalOrgID', values: [organizationId] }]],
    );
  }

  /**
   * SigV4 callers of accounts in these organizational units or below them (`aws:PrincipalOrgPaths`,
   * `ForAnyValue:StringLike` with `<path>*`). A missing trailing `/` is added (a token must end with `/` itself).
   */
  public static organizationPaths(paths: string[]): Source {
    const norm = (paths ?? []).map((p) => (Token.isUnresolved(p) || p.endsWith('/') ? p : `${p}/`));
    return new Source(
      'organizationPaths',
      'paths',
      paths,
      (v, i) =>
        Token.isUnresolved(v) || (typeof v === 'string' && ORG_PATH.test(v.endsWith('/') ? v : `${v}/`))
          ? undefined
          : bad(`paths[${i}]`, v, 'is not an organization path', FORM.orgPath),
      [[{ key: 'aws:PrincipalOrgPaths', values: norm.map((p) => `${p}*`) }]],
    );
  }

  /**
   * These IAM principals (roles, users: `aws:PrincipalArn`; account principals: `aws:PrincipalAccount`).
   * Service principals are refused (use {@link Source.service}).
   */
  public static principals(principals: iam.IPrincipal[]): Source {
    const arns: string[] = [];
    const accounts: string[] = [];
    const problems: SourceProblem[] = [];
    (principals ?? []).forEach((p, i) => {
      if (p instanceof iam.AccountPrincipal && p.accountId !== undefined) {
        accounts.push(String(p.accountId));
        return;
      }
      if (p instanceof iam.ServicePrincipal) {
        problems.push(
          bad(
            `principals[${i}]`,
            `Service:${p.service}`,
            'is a Service principal',
            `${FORM.principal}; use Source.service() for AWS services`,
          ),
        );
        return;
      }
      let json: Record<string, string[]>;
      try {
        json = p.policyFragment.principalJson;
      } catch {
        problems.push(bad(`principals[${i}]`, String(p), 'has no policy principal', FORM.principal));
        return;
      }
      for (const [kind, values] of Object.entries(json)) {
        if (kind !== 'AWS') {
          problems.push(
            bad(
              `principals[${i}]`,
              `${kind}:${values.join(',')}`,
              `is a ${kind} principal`,
              `${FORM.principal}; use Source.service() for AWS services`,
            ),
          );
          continue;
        }
        for (const v of values) {
          const m = ROOT_ARN.exec(v);
          if (m) {
            accounts.push(m[1]);
          } else if (ACCOUNT.test(v)) {
            accounts.push(v);
          } else if (v === '*') {
            problems.push(
              bad(`principals[${i}]`, v, 'is every principal', `${FORM.principal}; use Source.anyone() for everyone`),
            );
          } else {
            arns.push(v);
          }
        }
      }
    });
    const alts: Atom[][] = [];
    if (arns.length) alts.push([{ key: 'aws:PrincipalArn', values: arns }]);
    if (accounts.length) alts.push([{ key: 'aws:PrincipalAccount', values: accounts }]);
    return new Source(
      'principals',
      'principals',
      principals,
      (_v, i) => (i === 0 ? problems[0] : undefined),
      alts,
      problems,
    );
  }

  /**
   * An AWS service acting as itself (`aws:PrincipalServiceName`), optionally only for one resource
   * (`aws:SourceArn`) or account (`aws:SourceAccount`).
   */
  public static service(servicePrincipal: string, options: ServiceSourceOptions = {}): Source {
    const alt: Atom[] = [{ key: 'aws:PrincipalServiceName', values: [servicePrincipal] }];
    if (options.sourceArn !== undefined) alt.push({ key: 'aws:SourceArn', values: [options.sourceArn] });
    if (options.sourceAccount !== undefined) alt.push({ key: 'aws:SourceAccount', values: [options.sourceAccount] });
    const problems: SourceProblem[] = [];
    if (
      !Token.isUnresolved(servicePrincipal) &&
      !(typeof servicePrincipal === 'string' && SERVICE.test(servicePrincipal))
    ) {
      problems.push(bad('servicePrincipal', servicePrincipal, 'is not a service principal', FORM.service));
    }
    const acct = options.sourceAccount;
    if (acct !== undefined && !Token.isUnresolved(acct) && !ACCOUNT.test(acct)) {
      problems.push(bad('sourceAccount', acct, 'is not an account id', FORM.account));
    }
    const arn = options.sourceArn;
    if (arn !== undefined && !Token.isUnresolved(arn) && !/^arn:[a-z*-]+:/.test(arn)) {
      problems.push(
        bad(
          'sourceArn',
          arn,
          'is not an ARN',
          'an ARN such as arn:aws:events:us-east-1:123456789012:rule/my-rule (`*` allowed)',
        ),
      );
    }
    return new Source(
      'service',
      'servicePrincipal',
      [servicePrincipal],
      (_v, i) => (i === 0 ? problems[0] : undefined),
      [alt],
      problems,
    );
  }

  /** Every caller, signed or anonymous, from anywhere. */
  public static anyone(): Source {
    return new Source('anyone', '', [], () => undefined, [], [], true);
  }

  /** @internal the factory, e.g. `ipRanges`. */
  public readonly _kind: Kind;

  private constructor(
    kind: Kind,
    private readonly argName: string,
    private readonly input: readonly unknown[] | undefined,
    private readonly check: (v: any, i: number) => SourceProblem | undefined,
    private readonly alternatives: Atom[][],
    private readonly extraProblems: SourceProblem[] = [],
    private readonly isAnyone: boolean = false,
  ) {
    this._kind = kind;
  }

  /** A short description, e.g. `Source.ipRanges(["203.0.113.0/24"])`. */
  public toString(): string {
    return `Source.${this._kind}(${this.isAnyone ? '' : JSON.stringify((this.input ?? []).map((v) => String(v)))})`;
  }

  /** @internal every problem of this source's input (no construct path yet). */
  public _problems(): SourceProblem[] {
    if (this.isAnyone) return [];
    if (this._kind === 'principals' || this._kind === 'service') {
      const base =
        this.input === undefined || (this._kind === 'principals' && this.input.length === 0)
          ? [bad(this.argName, this.input ?? undefined, 'must not be empty', `at least one value; ${FORM.principal}`)]
          : [];
      return [...base, ...this.extraProblems];
    }
    if (!Array.isArray(this.input) || this.input.length === 0) {
      return [bad(this.argName, this.input, 'must not be empty', 'at least one value')];
    }
    const out: SourceProblem[] = [];
    this.input.forEach((v, i) => {
      const p = this.check(v, i);
      if (p) out.push(p);
    });
    return out;
  }

  /** @internal the source as compiler data. */
  public _data(): SourceData {
    return { anyone: this.isAnyone, alternatives: this.alternatives };
  }
}

function bad(arg: string, value: unknown, problem: string, expected: string): SourceProblem {
  return { arg, value, problem, expected };
}

function idCheck(
  arg: string,
  re: RegExp,
  form: string,
  resolved?: string[],
): (v: any, i: number) => SourceProblem | undefined {
  return (v, i) => {
    const value = resolved ? resolved[i] : v;
    if (value === undefined || Token.isUnresolved(value)) return undefined;
    return typeof value === 'string' && re.test(value) ? undefined : bad(`${arg}[${i}]`, value, 'is malformed', form);
  };
}
