// Row values → column buffers, for the row API: `check` validates and converts a value without touching the
// buffer (so that a whole row can be validated before any of it is appended), `append` stores the result.
import type {
  BooleanBuffer,
  ByteArrayBuffer,
  ColumnBuffer,
  FixedDecimalBuffer,
  FloatingBuffer,
  Int32Buffer,
  Int64Buffer,
} from './stream-types.js';
import { physicalType } from './schema.js';
import type { ParquetColumn } from './types.js';

/** Returned by `check` for an invalid value. */
export class Invalid {
  constructor(readonly reason: string) {}
}

export interface ValueCodec {
  /** The value converted for `append`, or an `Invalid` saying why it cannot be stored. Never null. */
  check(value: unknown): unknown;
  /** Appends a value `check` returned. */
  append(buffer: ColumnBuffer, converted: unknown): void;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;
const DAY_MS = 86_400_000;
const TWO_32 = 4294967296;

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date ${value.toISOString()}`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (string)`;
  if (typeof value === 'object') return value === null ? 'null' : `${value.constructor?.name ?? 'object'}`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are described above; String is for the rest
  return `${String(value)} (${typeof value})`;
}

const invalid = (expected: string, value: unknown) => new Invalid(`expects ${expected}, got ${describe(value)}`);
const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

/** A Date's milliseconds as microseconds, appended as two 32-bit halves (the product exceeds 2^53, so no plain number). */
function appendMillisAsMicros(buffer: Int64Buffer, ms: number): void {
  const high = Math.floor(ms / TWO_32); // |high| < 2^21: |ms| ≤ 8.64e15
  const low = (ms - high * TWO_32) * 1000; // < 2^42, exact
  const carry = Math.floor(low / TWO_32);
  buffer.appendHiLo(high * 1000 + carry, low - carry * TWO_32);
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** The unscaled value of a decimal string in plain notation, or an Invalid. */
export function parseDecimal(text: string, scale: number): bigint | Invalid {
  const match = DECIMAL_TEXT.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === '')) return invalid('a bigint (the unscaled value) or a decimal string like "-12.30"', text);
  if (fraction.length > scale && !/^0*$/.test(fraction.slice(scale))) {
    return new Invalid(`has more than ${scale} digits after the decimal point: ${describe(text)}`);
  }
  const digits = whole + fraction.slice(0, scale).padEnd(scale, '0');
  const unscaled = BigInt(digits === '' ? '0' : digits);
  return match[1] === '-' ? -unscaled : unscaled;
}

function decimalCodec(column: ParquetColumn): ValueCodec {
  const precision = column.precision ?? 0;
  const scale = column.scale ?? 0;
  const limit = 10n ** BigInt(precision) - 1n;
  const check = (value: unknown): unknown => {
    let unscaled: bigint | Invalid;
    if (typeof value === 'bigint') unscaled = value;
    else if (typeof value === 'string') unscaled = parseDecimal(value, scale);
    else return invalid('a bigint (the unscaled value) or a decimal string like "-12.30"', value);
    if (unscaled instanceof Invalid) return unscaled;
    if (unscaled > limit || unscaled < -limit) return new Invalid(`${describe(value)} does not fit DECIMAL(${precision}, ${scale})`);
    return unscaled;
  };
  switch (physicalType(column)) {
    case 'INT32':
      return { check, append: (buffer, v) => (buffer as Int32Buffer).append(Number(v)) };
    case 'INT64':
      return { check, append: (buffer, v) => (buffer as Int64Buffer).appendBigInt(v as bigint) };
    default:
      return { check, append: (buffer, v) => (buffer as FixedDecimalBuffer).appendBigInt(v as bigint) };
  }
}

/** How the row API checks and stores values of a column. */
export function valueCodec(column: ParquetColumn): ValueCodec {
  switch (column.type) {
    case 'BOOLEAN':
      return {
        check: (v) => (typeof v === 'boolean' ? v : invalid('a boolean', v)),
        append: (buffer, v) => (buffer as BooleanBuffer).append(v as boolean),
      };
    case 'INT32':
      return {
        check: (v) =>
          typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX
            ? v
            : invalid('an integer number in [-2^31, 2^31-1]', v),
        append: (buffer, v) => (buffer as Int32Buffer).append(v as number),
      };
    case 'INT64':
      return {
        check: (v) => {
          if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? v : invalid('a bigint in the signed 64-bit range', v);
          if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
          return invalid('a bigint or a safe-integer number (beyond ±2^53 use a bigint)', v);
        },
        append: (buffer, v) => {
          if (typeof v === 'number') (buffer as Int64Buffer).appendNumber(v);
          else (buffer as Int64Buffer).appendBigInt(v as bigint);
        },
      };
    case 'FLOAT':
      return {
        check: (v) => {
          if (typeof v !== 'number') return invalid('a number', v);
          return Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX ? invalid('a number within the float32 range (or ±Infinity, NaN)', v) : v;
        },
        append: (buffer, v) => (buffer as FloatingBuffer).append(v as number),
      };
    case 'DOUBLE':
      return {
        check: (v) => (typeof v === 'number' ? v : invalid('a number', v)),
        append: (buffer, v) => (buffer as FloatingBuffer).append(v as number),
      };
    case 'UTF8':
      return {
        check: (v) => (typeof v === 'string' ? v : invalid('a string', v)),
        append: (buffer, v) => (buffer as ByteArrayBuffer).appendString(v as string),
      };
    case 'BINARY':
      return {
        check: (v) => (v instanceof Uint8Array ? v : invalid('a Buffer or Uint8Array', v)),
        append: (buffer, v) => (buffer as ByteArrayBuffer).appendBytes(v as Uint8Array, 0, (v as Uint8Array).length),
      };
    case 'DATE':
      return {
        check: (v) => {
          if (isValidDate(v)) return Math.floor(v.getTime() / DAY_MS); // its UTC day, also before 1970
          if (typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX) return v;
          if (v instanceof Date) return invalid('a valid Date', v);
          return invalid('a valid Date or an integer number of days since 1970-01-01', v);
        },
        append: (buffer, v) => (buffer as Int32Buffer).append(v as number),
      };
    case 'TIMESTAMP_MICROS':
      return {
        check: (v) => {
          if (isValidDate(v)) return v;
          if (typeof v === 'bigint') {
            return v >= INT64_MIN && v <= INT64_MAX ? v : invalid('a bigint of microseconds in the signed 64-bit range', v);
          }
          if (v instanceof Date) return invalid('a valid Date', v);
          return invalid('a valid Date or a bigint of microseconds since 1970-01-01', v);
        },
        append: (buffer, v) => {
          if (typeof v === 'bigint') (buffer as Int64Buffer).appendBigInt(v);
          else appendMillisAsMicros(buffer as Int64Buffer, (v as Date).getTime());
        },
      };
    case 'DECIMAL':
      return decimalCodec(column);
  }
}
