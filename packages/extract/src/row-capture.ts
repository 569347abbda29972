// Rows of a binary COPY as JavaScript values: the same decoders as the extract's, writing into small buffers that
// convert each value as it arrives instead of laying it out for Parquet.
import type { ColumnBuffer } from '@partita/parquet';
import { bufferPhysical } from './binary-decoders.js';
import type { RowWriter } from './copy-decoder.js';
import type { ColumnPlan } from './type-map.js';

/**
 * A value as a kind's code gets it, by the column's Parquet type: BOOLEAN boolean; INT32 number; INT64 bigint (exact);
 * FLOAT and DOUBLE number; DECIMAL string in plain notation (exact); UTF8 string (json, uuid included); BINARY Buffer;
 * DATE Date (UTC midnight); TIMESTAMP_MICROS Date (UTC; microseconds are cut to milliseconds), or with
 * `timestamps: 'micros'` a bigint of microseconds since the epoch (exact); NULL null.
 */
export type RowValue = boolean | number | bigint | string | Buffer | Date | null;

const MS_PER_DAY = 86_400_000;

/** An unscaled decimal as plain text with `scale` digits after the point. */
function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

export interface RowCaptureOptions {
  /** TIMESTAMP_MICROS values as `Date` (milliseconds, the default) or as bigint microseconds (exact). */
  timestamps?: 'date' | 'micros';
}

/** One column's capturing buffer: each decoded value converted and put at its place in the row being decoded. */
function captureBuffer(plan: ColumnPlan, index: number, target: { row: RowValue[] }, options: RowCaptureOptions): ColumnBuffer {
  const micros = options.timestamps === 'micros';
  const physical = bufferPhysical(plan);
  const column = { name: plan.name, type: plan.parquet, nullable: plan.nullable };
  const set = (value: RowValue): void => void (target.row[index] = value);
  const int64 = (value: bigint): RowValue => {
    if (plan.parquet === 'DECIMAL') return decimalText(value, plan.scale ?? 0);
    if (plan.parquet === 'TIMESTAMP_MICROS' && !micros) return new Date(Number(value / 1000n) - (value % 1000n < 0n ? 1 : 0));
    return value;
  };
  const base = { column, length: 0, appendNull: () => set(null) };
  switch (physical) {
    case 'BOOLEAN':
      return { ...base, physical, append: (v: boolean) => set(v) };
    case 'INT32':
      return {
        ...base,
        physical,
        append: (v: number) =>
          set(
            plan.parquet === 'DATE' ? new Date(v * MS_PER_DAY) : plan.parquet === 'DECIMAL' ? decimalText(BigInt(v), plan.scale ?? 0) : v,
          ),
      };
    case 'INT64':
      return {
        ...base,
        physical,
        appendHiLo: (hi: number, lo: number) => set(int64((BigInt(hi) << 32n) | BigInt(lo >>> 0))),
        appendNumber: (v: number) => set(int64(BigInt(v))),
        appendBigInt: (v: bigint) => set(int64(v)),
      };
    case 'FLOAT':
    case 'DOUBLE':
      return { ...base, physical, append: (v: number) => set(v) };
    case 'BYTE_ARRAY':
      return {
        ...base,
        physical,
        appendBytes: (source: Uint8Array, start: number, end: number) => {
          const bytes = Buffer.from(source.buffer, source.byteOffset + start, end - start);
          set(plan.parquet === 'BINARY' ? Buffer.from(bytes) : bytes.toString('utf8'));
        },
        appendString: (v: string) => set(v),
      };
    case 'FIXED_LEN_BYTE_ARRAY':
      return { ...base, physical, appendBigInt: (v: bigint) => set(int64(v)) };
  }
}

/**
 * A RowWriter for the COPY decoder that hands over each row as an array of values (in `plans` order) to `onRow`;
 * when `onRow` returns true the decoder awaits `flush()` (the consumer's pace) before decoding further.
 */
export class RowCapture implements RowWriter {
  readonly buffers: readonly ColumnBuffer[];
  /** The row being decoded: every buffer writes its column's value into it. */
  private readonly target: { row: RowValue[] };

  constructor(
    plans: readonly ColumnPlan[],
    private readonly onRow: (row: RowValue[]) => boolean,
    readonly flush: () => Promise<void>,
    options: RowCaptureOptions = {},
  ) {
    this.target = { row: new Array<RowValue>(plans.length).fill(null) };
    this.buffers = plans.map((plan, i) => captureBuffer(plan, i, this.target, options));
  }

  endRow(): boolean {
    const done = this.target.row;
    this.target.row = new Array<RowValue>(done.length).fill(null);
    return this.onRow(done);
  }
}
