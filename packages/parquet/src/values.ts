import type { ParquetType } from './types.js';

/** Turns a row value into what the Parquet library takes, or returns an `Invalid` saying why it cannot. */
export type ValueConverter = (value: unknown) => unknown;

/** Returned by a converter for an invalid value. */
export class Invalid {
  constructor(readonly reason: string) {}
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;
const DAY_MS = 86_400_000;

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date ${value.toISOString()}`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (string)`;
  if (typeof value === 'object') return value === null ? 'null' : `${value.constructor?.name ?? 'object'}`;
  return `${String(value)} (${typeof value})`;
}

const invalid = (expected: string, value: unknown) => new Invalid(`expects ${expected}, got ${describe(value)}`);

const converters: Record<ParquetType, ValueConverter> = {
  BOOLEAN: (v) => (typeof v === 'boolean' ? v : invalid('a boolean', v)),
  INT32: (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX
      ? v
      : invalid('an integer number in [-2^31, 2^31-1]', v),
  INT64: (v) => {
    // Handed on as bigint: parquetjs-lite itself would go through parseInt and lose precision beyond 2^53.
    if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? v : invalid('a bigint in the signed 64-bit range', v);
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    return invalid('a bigint or a safe-integer number (beyond ±2^53 use a bigint)', v);
  },
  FLOAT: (v) => {
    if (typeof v !== 'number' || Number.isNaN(v)) return invalid('a number (not NaN)', v);
    return Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX ? invalid('a number within the float32 range', v) : v;
  },
  DOUBLE: (v) => (typeof v === 'number' && !Number.isNaN(v) ? v : invalid('a number (not NaN)', v)),
  UTF8: (v) => (typeof v === 'string' ? v : invalid('a string', v)),
  BINARY: (v) => {
    if (Buffer.isBuffer(v)) return v;
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return invalid('a Buffer or Uint8Array', v);
  },
  // parquetjs-lite turns a Date into getTime() / 86400000 days; at UTC midnight that is a whole number, also before 1970.
  DATE: (v) =>
    v instanceof Date && !Number.isNaN(v.getTime()) ? new Date(Math.floor(v.getTime() / DAY_MS) * DAY_MS) : invalid('a valid Date', v),
  // parquetjs-lite turns a Date into BigInt(getTime()) * 1000n microseconds (also before 1970).
  TIMESTAMP_MICROS: (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v : invalid('a valid Date', v)),
};

/** The converter of a column type. */
export function valueConverter(type: ParquetType): ValueConverter {
  return converters[type];
}
