/** The resource-policy size quota and how API Gateway counts it (docs/SEMANTICS.md "Quotas"). Pure. */

/** The quota on the resource policy length. */
export const POLICY_SIZE_LIMIT = 8192;

/** The longest expansion of `execute-api:/` (partition, region, account, 10-character API id). */
const LONGEST_ARN_PREFIX = 'arn:aws-iso-b:execute-api:ap-southeast-5:123456789012:abcdefghij/';

/**
 * The size API Gateway would count: the minified JSON after shorthand expansion, with every unresolved
 * token counted as a long literal (conservative).
 */
export function policySize(doc: unknown, arnPrefix?: string): number {
  let text = JSON.stringify(doc).split('"execute-api:/').join(`"${LONGEST_ARN_PREFIX}`);
  if (arnPrefix) text = text.split(arnPrefix).join(LONGEST_ARN_PREFIX);
  // Tokens stand for ids or ARNs; count each as 128 characters.
  return text.replace(/\$\{Token\[[^\]]*\]\}/g, 'x'.repeat(128)).length;
}

/** Replaces intrinsics by their longest plausible text, for size counting of a resolved policy. */
export function flattenIntrinsics(v: any): any {
  if (Array.isArray(v)) return v.map(flattenIntrinsics);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [sep, parts] = v['Fn::Join'];
      return (parts as any[]).map((p) => String(flattenIntrinsics(p))).join(sep);
    }
    if (keys.length === 1 && keys[0] === 'Ref') {
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws-iso-b',
        'AWS::Region': 'ap-southeast-5',
        'AWS::AccountId': '123456789012',
      };
      return pseudo[v.Ref] ?? 'x'.repeat(128);
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::')) return 'x'.repeat(128);
    const out: any = {};
    for (const k of keys) out[k] = flattenIntrinsics(v[k]);
    return out;
  }
  return v;
}
