/**
 * Pure checks of Source arguments (like usage/checks.ts): the forms accepted and the lists checked, with the
 * label of the caller (`Source.vpcEndpointIds`, or a construct such as a PrivateApi whose props take the same
 * lists) so that an error names the prop as the user wrote it. Not exported from the package.
 */
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SourceProblem } from './compile/model';
import { parseCidr } from '../private/cidr';
import { ErrorScope, propError } from '../private/errors';

export const ACCOUNT_ID = /^\d{12}$/;
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
export const ORG_PATH = /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*$/;
export const VPCE_ID = /^vpce-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

/** The accepted forms, as error messages state them. */
export const FORMS = {
  cidr: 'an IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32 (a bare address means /32 or /128)',
  account: 'a 12-digit AWS account id such as 123456789012',
  org: 'an organization id: "o-" and 10 to 32 lowercase letters or digits, e.g. o-a1b2c3d4e5',
  orgPath:
    'an organization path such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ (organization id / root id / OU ids, each followed by "/")',
  vpce: 'a VPC endpoint id: "vpce-" and 8 or 17 hex digits, e.g. vpce-0123456789abcdef0',
  vpc: 'a VPC id: "vpc-" and 8 or 17 hex digits, e.g. vpc-0123456789abcdef0',
  vpceObject: 'an interface VPC endpoint (ec2.IInterfaceVpcEndpoint)',
  vpcObject: 'a VPC (ec2.IVpc)',
  service: 'a service principal such as events.amazonaws.com',
};

export function fail(where: ErrorScope, p: SourceProblem): never {
  throw propError(where, { prop: p.arg, value: p.value, problem: p.problem, expected: p.expected });
}

/** A list argument, checked: an array, not empty, every element accepted by `check`. */
export function checkedList<T>(
  where: ErrorScope,
  arg: string,
  list: unknown,
  form: string,
  check: (v: unknown, i: number) => SourceProblem | undefined,
): T[] {
  if (!Array.isArray(list)) fail(where, { arg, value: list, problem: 'is not a list', expected: `a list of ${form}` });
  if (list.length === 0) {
    fail(where, { arg, value: list, problem: 'must not be empty', expected: `at least one value: ${form}` });
  }
  list.forEach((v, i) => {
    const p = check(v, i);
    if (p) fail(where, p);
  });
  return [...list] as T[];
}

/** A string id of `re`'s shape, or a token. */
export function idProblem(arg: string, v: unknown, re: RegExp, form: string): SourceProblem | undefined {
  if (typeof v === 'string' && (Token.isUnresolved(v) || re.test(v))) return undefined;
  return { arg, value: v, problem: typeof v === 'string' ? 'is malformed' : 'is not a string', expected: form };
}

export function cidrProblem(arg: string, v: unknown): SourceProblem | undefined {
  if (typeof v === 'string' && (Token.isUnresolved(v) || parseCidr(v))) return undefined;
  return { arg, value: v, problem: 'is not a CIDR', expected: FORMS.cidr };
}

/** A VPC from `Vpc.fromLookup` before its context is cached carries a dummy id: accepted like a token. */
function isPendingLookup(vpc: ec2.IVpc): boolean {
  try {
    return vpc.selectSubnets().isPendingLookup === true;
  } catch {
    return false;
  }
}

/** Interface VPC endpoints (objects), checked. */
export function checkVpcEndpoints(where: ErrorScope, arg: string, list: unknown): ec2.IInterfaceVpcEndpoint[] {
  return checkedList<ec2.IInterfaceVpcEndpoint>(where, arg, list, FORMS.vpceObject, (e, i) =>
    e && typeof e === 'object' && 'vpcEndpointId' in e
      ? idProblem(`${arg}[${i}].vpcEndpointId`, (e as ec2.IInterfaceVpcEndpoint).vpcEndpointId, VPCE_ID, FORMS.vpce)
      : { arg: `${arg}[${i}]`, value: e, problem: 'is not an interface VPC endpoint', expected: FORMS.vpceObject },
  );
}

/** VPCs (objects), checked; a VPC still being looked up is accepted. */
export function checkVpcs(where: ErrorScope, arg: string, list: unknown): ec2.IVpc[] {
  return checkedList<ec2.IVpc>(where, arg, list, FORMS.vpcObject, (v, i) => {
    if (!v || typeof v !== 'object' || !('vpcId' in v)) {
      return { arg: `${arg}[${i}]`, value: v, problem: 'is not a VPC', expected: FORMS.vpcObject };
    }
    const vpc = v as ec2.IVpc;
    return isPendingLookup(vpc) ? undefined : idProblem(`${arg}[${i}].vpcId`, vpc.vpcId, VPC_ID, FORMS.vpc);
  });
}

/** String ids of one shape, checked. */
export function checkIds(where: ErrorScope, arg: string, list: unknown, re: RegExp, form: string): string[] {
  return checkedList<string>(where, arg, list, form, (v, i) => idProblem(`${arg}[${i}]`, v, re, form));
}
