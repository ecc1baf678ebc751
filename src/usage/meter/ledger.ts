/**
 * The usage ledger's format, for code that reads or produces ledger lines (the simulator's ledger-shaped
 * output, billing jobs). The exporter Lambda (plain JavaScript, `exporter-handler/ledger.js`) writes
 * exactly this; a unit test keeps the two equal.
 */

/**
 * One line of the usage ledger: what one API key used on one UTC day in one tier's usage plan, as
 * GetUsage reported it. Stored as one JSON object per line, fields in this order, in
 * `usage/date=YYYY-MM-DD/<usagePlanId>.jsonl`.
 */
export interface LedgerLine {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly date: string;
  /** The tier's name. */
  readonly tier: string;
  /** The tier's usage plan id. */
  readonly usagePlanId: string;
  /** The API key's id (never its value). */
  readonly keyId: string;
  /**
   * The key's customer id (an AWS Marketplace customer, or your own).
   *
   * @default - the key has none, and the line has no `customerId` field
   */
  readonly customerId?: string;
  /** Requests counted on that day. */
  readonly used: number;
  /** What was left of the quota, as GetUsage gives it. */
  readonly remaining: number;
}

/**
 * Renders and names ledger lines exactly as the `UsageMeter` exporter writes them.
 */
export class UsageLedger {
  /** The key prefix of every ledger object. */
  public static readonly PREFIX = 'usage/';

  /** The S3 key of one plan's ledger object for one day: `usage/date=YYYY-MM-DD/<usagePlanId>.jsonl`. */
  public static objectKey(date: string, usagePlanId: string): string {
    return `${UsageLedger.PREFIX}date=${date}/${usagePlanId}.jsonl`;
  }

  /** One line as JSON, fields in the documented order, `customerId` only when the key has one. */
  public static renderLine(line: LedgerLine): string {
    const out: Record<string, unknown> = {
      date: line.date,
      tier: line.tier,
      usagePlanId: line.usagePlanId,
      keyId: line.keyId,
    };
    if (typeof line.customerId === 'string' && line.customerId !== '') out.customerId = line.customerId;
    out.used = line.used;
    out.remaining = line.remaining;
    return JSON.stringify(out);
  }

  /** A whole ledger object: lines sorted by key id, each ending in a newline (same lines, same bytes). */
  public static renderObject(lines: LedgerLine[]): string {
    const sorted = [...lines].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
    return sorted.map((l) => `${UsageLedger.renderLine(l)}\n`).join('');
  }

  private constructor() {}
}
