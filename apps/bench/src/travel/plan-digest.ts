// Whether two runs made the same plans, whatever their partitioning: a digest of the rows that ignores their order.
import { createHash } from 'node:crypto';

/** The columns that make a plan: who flies which flights, at what cost. */
const COLUMNS = [
  'group_id',
  'person',
  'outbound_depart',
  'outbound_arrive',
  'outbound_price',
  'return_depart',
  'return_arrive',
  'return_price',
  'group_cost',
] as const;

/** Collects rows (from the optimiser or read back from Parquet) and digests them in a fixed order. */
export class PlanDigest {
  private readonly lines: string[] = [];

  add(row: Readonly<Record<string, unknown>>): void {
    this.lines.push(COLUMNS.map((c) => String(row[c])).join('\t'));
  }

  get rows(): number {
    return this.lines.length;
  }

  /** SHA-256 of the sorted rows, hex. */
  value(): string {
    const hash = createHash('sha256');
    for (const line of [...this.lines].sort()) hash.update(`${line}\n`);
    return hash.digest('hex');
  }
}
