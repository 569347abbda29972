// Decoders of PostgreSQL's binary COPY fields, one per wire type, each writing one value straight into its
// column's buffer. Numbers, dates and timestamps are read with Buffer reads and 32-bit arithmetic: nothing is
// allocated per value, except BigInts for DECIMALs of more than 18 digits (and the rare values beyond 2^53 of
// DECIMALs of 16 to 18 digits), and a string for `numeric-double` values that doubles cannot build exactly.
// Text and bytea are copied as byte ranges. NULLs never reach a decoder: the caller appends them.
import type {
  BooleanBuffer,
  ByteArrayBuffer,
  ColumnBuffer,
  FixedDecimalBuffer,
  FloatingBuffer,
  Int32Buffer,
  Int64Buffer,
} from '@partita/parquet';
import { ValueConversionError, type ColumnPlan } from './type-map.js';

/** Decodes one non-NULL field, `source[start, start + length)`, into its column's buffer. */
export type FieldDecoder = (source: Buffer, start: number, length: number) => void;

/** The physical type of the writer's buffer for a plan's Parquet column. */
export function bufferPhysical(plan: ColumnPlan): ColumnBuffer['physical'] {
  switch (plan.parquet) {
    case 'INT32':
    case 'DATE':
      return 'INT32';
    case 'INT64':
    case 'TIMESTAMP_MICROS':
      return 'INT64';
    case 'UTF8':
    case 'BINARY':
      return 'BYTE_ARRAY';
    case 'DECIMAL': {
      const precision = plan.precision ?? 0;
      return precision <= 9 ? 'INT32' : precision <= 18 ? 'INT64' : 'FIXED_LEN_BYTE_ARRAY';
    }
    default:
      return plan.parquet;
  }
}

/** The decoder of a plan's column, writing into `buffer` (checked to be of the matching physical type). */
export function fieldDecoder(plan: ColumnPlan, buffer: ColumnBuffer): FieldDecoder {
  const physical = bufferPhysical(plan);
  if (buffer.physical !== physical) {
    throw new Error(`column "${plan.name}": the writer's buffer is ${buffer.physical}, the plan (${plan.parquet}) needs ${physical}`);
  }
  // Fixed-size fields check their length inline: one call per value.
  const badLength = (length: number, size: number) =>
    new ValueConversionError(plan.name, `a ${plan.wire} field of ${length} bytes (expected ${size})`);
  switch (plan.wire) {
    case 'int2': {
      const out = buffer as Int32Buffer;
      return (source, start, length) => {
        if (length !== 2) throw badLength(length, 2);
        out.append(source.readInt16BE(start));
      };
    }
    case 'int4': {
      const out = buffer as Int32Buffer;
      return (source, start, length) => {
        if (length !== 4) throw badLength(length, 4);
        out.append(source.readInt32BE(start));
      };
    }
    case 'int8': {
      const out = buffer as Int64Buffer;
      return (source, start, length) => {
        if (length !== 8) throw badLength(length, 8);
        out.appendHiLo(source.readInt32BE(start), source.readUInt32BE(start + 4));
      };
    }
    case 'oid': {
      const out = buffer as Int64Buffer;
      return (source, start, length) => {
        if (length !== 4) throw badLength(length, 4);
        out.appendHiLo(0, source.readUInt32BE(start));
      };
    }
    case 'float4': {
      const out = buffer as FloatingBuffer;
      return (source, start, length) => {
        if (length !== 4) throw badLength(length, 4);
        out.append(source.readFloatBE(start));
      };
    }
    case 'float8': {
      const out = buffer as FloatingBuffer;
      return (source, start, length) => {
        if (length !== 8) throw badLength(length, 8);
        out.append(source.readDoubleBE(start));
      };
    }
    case 'bool': {
      const out = buffer as BooleanBuffer;
      return (source, start, length) => {
        if (length !== 1) throw badLength(length, 1);
        out.append(source[start] !== 0);
      };
    }
    case 'date':
      return dateDecoder(plan.name, buffer as Int32Buffer, badLength);
    case 'timestamp':
    case 'timestamptz':
      return timestampDecoder(plan.name, plan.wire, buffer as Int64Buffer, badLength);
    case 'numeric-decimal':
      return decimalDecoder(plan, buffer);
    case 'numeric-double': {
      const out = buffer as FloatingBuffer;
      return (source, start, length) => out.append(numericToDouble(plan.name, source, start, length));
    }
    case 'uuid':
      return uuidDecoder(buffer as ByteArrayBuffer, badLength);
    case 'jsonb': {
      const out = buffer as ByteArrayBuffer;
      return (source, start, length) => {
        if (length < 1 || source[start] !== 1) {
          throw new ValueConversionError(
            plan.name,
            `jsonb binary format version ${length < 1 ? 'missing' : source[start]} (only 1 is read)`,
          );
        }
        out.appendBytes(source, start + 1, start + length);
      };
    }
    case 'text':
    case 'bytea': {
      const out = buffer as ByteArrayBuffer;
      return (source, start, length) => out.appendBytes(source, start, start + length);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dates and timestamps. PostgreSQL counts from 2000-01-01; Parquet from 1970-01-01.

/** Days from 1970-01-01 to 2000-01-01. */
const EPOCH_SHIFT_DAYS = 10_957;
/** Microseconds from 1970-01-01 to 2000-01-01 (946,684,800,000,000), as 32-bit halves. */
const EPOCH_SHIFT_HI = Math.floor(946_684_800_000_000 / 2 ** 32);
const EPOCH_SHIFT_LO = 946_684_800_000_000 - EPOCH_SHIFT_HI * 2 ** 32;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** The error for a fixed-size field of another length. */
type BadLength = (length: number, size: number) => Error;

function dateDecoder(column: string, out: Int32Buffer, badLength: BadLength): FieldDecoder {
  return (source, start, length) => {
    if (length !== 4) throw badLength(length, 4);
    const days = source.readInt32BE(start);
    if (days === INT32_MAX || days === INT32_MIN) {
      throw new ValueConversionError(column, `date ${days === INT32_MAX ? 'infinity' : '-infinity'} cannot be written to Parquet`);
    }
    out.append(days + EPOCH_SHIFT_DAYS);
  };
}

function timestampDecoder(column: string, what: string, out: Int64Buffer, badLength: BadLength): FieldDecoder {
  return (source, start, length) => {
    if (length !== 8) throw badLength(length, 8);
    const hi = source.readInt32BE(start);
    const lo = source.readUInt32BE(start + 4);
    let shiftedLo = lo + EPOCH_SHIFT_LO;
    let shiftedHi = hi + EPOCH_SHIFT_HI;
    if (shiftedLo >= 2 ** 32) {
      shiftedLo -= 2 ** 32;
      shiftedHi += 1;
    }
    if (shiftedHi > INT32_MAX) {
      // int64 max is PostgreSQL's infinity; the last few thousand years before it overflow the shift to 1970.
      const infinity = hi === INT32_MAX && lo === 0xffffffff;
      throw new ValueConversionError(
        column,
        infinity
          ? `${what} infinity cannot be written to Parquet`
          : `${what} beyond int64 microseconds since 1970 cannot be written to Parquet`,
      );
    }
    if (hi === INT32_MIN && lo === 0) throw new ValueConversionError(column, `${what} -infinity cannot be written to Parquet`);
    out.appendHiLo(shiftedHi, shiftedLo);
  };
}

// ---------------------------------------------------------------------------------------------
// uuid

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes goes in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
const UUID_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

function uuidDecoder(out: ByteArrayBuffer, badLength: BadLength): FieldDecoder {
  const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
  return (source, start, length) => {
    if (length !== 16) throw badLength(length, 16);
    for (let i = 0; i < 16; i++) {
      const byte = source[start + i]!;
      const at = UUID_AT[i]!;
      text[at] = HEX[byte >> 4]!;
      text[at + 1] = HEX[byte & 15]!;
    }
    out.appendBytes(text, 0, 36);
  };
}

// ---------------------------------------------------------------------------------------------
// numeric: int16 ndigits, int16 weight, uint16 sign, int16 dscale, then ndigits base-10000 digits, the first
// worth 10000^weight.

const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** The number of digits of the numeric field at `start`, its length checked. */
function numericDigits(column: string, source: Buffer, start: number, length: number): number {
  const ndigits = length >= 8 ? source.readInt16BE(start) : -1;
  if (ndigits < 0 || length !== 8 + 2 * ndigits) throw new ValueConversionError(column, `a numeric field of ${length} bytes is malformed`);
  return ndigits;
}

function specialName(sign: number): string {
  return sign === NUMERIC_NAN
    ? 'NaN'
    : sign === NUMERIC_PINF
      ? 'Infinity'
      : sign === NUMERIC_NINF
        ? '-Infinity'
        : `(sign 0x${sign.toString(16)})`;
}

/** The numeric in plain decimal notation (for messages). */
function numericText(source: Buffer, start: number, ndigits: number): string {
  const weight = source.readInt16BE(start + 2);
  const sign = source.readUInt16BE(start + 4);
  if (sign !== 0 && sign !== NUMERIC_NEG) return specialName(sign);
  let digits = '';
  for (let i = 0; i < ndigits; i++) digits += String(source.readUInt16BE(start + 8 + 2 * i)).padStart(4, '0');
  // `digits` is worth digits × 10^exponent.
  const exponent = 4 * (weight - ndigits + 1);
  let text = exponent >= 0 ? digits + '0'.repeat(exponent) : digits.padStart(-exponent + 1, '0');
  if (exponent < 0) text = `${text.slice(0, exponent)}.${text.slice(exponent)}`.replace(/0+$/, '').replace(/\.$/, '');
  text = text.replace(/^0+(?=\d)/, '');
  return (sign === NUMERIC_NEG && text !== '0' ? '-' : '') + text;
}

/** The nearest double: exact arithmetic while the digits fit 2^53 and the power of ten is exact, else through the decimal text. */
function numericToDouble(column: string, source: Buffer, start: number, length: number): number {
  const ndigits = numericDigits(column, source, start, length);
  const sign = source.readUInt16BE(start + 4);
  if (sign === NUMERIC_NAN) return NaN;
  if (sign === NUMERIC_PINF) return Infinity;
  if (sign === NUMERIC_NINF) return -Infinity;
  if (ndigits === 0) return 0;
  let digits = 0;
  for (let i = 0, p = start + 8; i < ndigits; i++, p += 2) digits = digits * 10000 + source.readUInt16BE(p);
  const exponent = 4 * (source.readInt16BE(start + 2) - ndigits + 1);
  let value: number;
  // One correctly rounded operation on two exact doubles.
  if (digits <= Number.MAX_SAFE_INTEGER && exponent >= -22 && exponent <= 22) {
    value = exponent >= 0 ? digits * POW10[exponent]! : digits / POW10[-exponent]!;
  } else {
    let text = String(source.readUInt16BE(start + 8));
    for (let i = 1; i < ndigits; i++) text += String(source.readUInt16BE(start + 8 + 2 * i)).padStart(4, '0');
    value = Number(`${text}e${exponent}`);
  }
  return sign === NUMERIC_NEG ? -value : value;
}

/** Builds an unscaled integer from decimal digits: `value = value × factor + add`. */
interface Digits {
  reset(): void;
  mulAdd(factor: number, add: number): void;
}

/** In a double: exact while the value stays below 2^53, which it does whenever the final value does. */
class DoubleDigits implements Digits {
  value = 0;
  reset(): void {
    this.value = 0;
  }
  mulAdd(factor: number, add: number): void {
    this.value = this.value * factor + add;
  }
}

/** In two exact doubles, `hi × 10^8 + lo`: up to 18 digits without BigInt. */
class LimbDigits implements Digits {
  hi = 0;
  lo = 0;
  reset(): void {
    this.hi = 0;
    this.lo = 0;
  }
  mulAdd(factor: number, add: number): void {
    const t = this.lo * factor + add;
    const carry = Math.floor(t / 1e8);
    this.lo = t - carry * 1e8;
    this.hi = this.hi * factor + carry;
  }
}

class BigIntDigits implements Digits {
  value = 0n;
  reset(): void {
    this.value = 0n;
  }
  mulAdd(factor: number, add: number): void {
    this.value = this.value * BigInt(factor) + BigInt(add);
  }
}

/**
 * Builds into `digits` the magnitude of the numeric at `start` times 10^scale. False when that is not an integer
 * (a nonzero digit beyond the scale) or certainly has more than `precision` digits; the caller checks the rest.
 */
function unscaled(source: Buffer, start: number, ndigits: number, scale: number, precision: number, digits: Digits): boolean {
  digits.reset();
  // The power of ten each base-10000 digit is worth in units of 10^-scale, from the first one's.
  let k = 4 * source.readInt16BE(start + 2) + scale;
  if (ndigits > 0 && k >= precision && source.readUInt16BE(start + 8) !== 0) return false;
  for (let i = 0, p = start + 8; i < ndigits; i++, p += 2, k -= 4) {
    const digit = source.readUInt16BE(p);
    if (k >= 0) {
      digits.mulAdd(10000, digit);
    } else if (k > -4) {
      // Straddles the scale: its last -k decimal digits must be zeros.
      const divisor = POW10[-k]!;
      const kept = Math.floor(digit / divisor);
      if (kept * divisor !== digit) return false;
      digits.mulAdd(POW10[4 + k]!, kept);
    } else if (digit !== 0) {
      return false;
    }
  }
  // The digits so far are worth 10^k each, k that of the last digit (10^0 once the scale is reached).
  for (k += 4; k > 0; k -= 4) digits.mulAdd(POW10[Math.min(k, 4)]!, 0);
  return true;
}

function decimalDecoder(plan: ColumnPlan, buffer: ColumnBuffer): FieldDecoder {
  const column = plan.name;
  const precision = plan.precision ?? 0;
  const scale = plan.scale ?? 0;
  const type = `DECIMAL(${precision},${scale})`;
  /** The sign, or a clear error for NaN and infinities. */
  const signOf = (source: Buffer, start: number): boolean => {
    const sign = source.readUInt16BE(start + 4);
    if (sign === 0) return false;
    if (sign === NUMERIC_NEG) return true;
    throw new ValueConversionError(column, `numeric ${specialName(sign)} cannot be written to Parquet ${type}`);
  };
  const doesNotFit = (source: Buffer, start: number, ndigits: number): ValueConversionError =>
    new ValueConversionError(column, `numeric ${numericText(source, start, ndigits)} does not fit ${type}`);

  if (precision <= 15) {
    // Doubles: a magnitude that fits is below 10^15 < 2^53, so every step was exact.
    const digits = new DoubleDigits();
    const limit = POW10[precision]!;
    const int32 = precision <= 9;
    const out32 = buffer as Int32Buffer;
    const out64 = buffer as Int64Buffer;
    return (source, start, length) => {
      const ndigits = numericDigits(column, source, start, length);
      const negative = signOf(source, start);
      if (!unscaled(source, start, ndigits, scale, precision, digits) || !(digits.value < limit)) throw doesNotFit(source, start, ndigits);
      const value = negative ? 0 - digits.value : digits.value;
      if (int32) out32.append(value);
      else out64.appendNumber(value);
    };
  }
  if (precision <= 18) {
    const digits = new LimbDigits();
    const hiLimit = POW10[precision - 8]!;
    const out = buffer as Int64Buffer;
    return (source, start, length) => {
      const ndigits = numericDigits(column, source, start, length);
      const negative = signOf(source, start);
      if (!unscaled(source, start, ndigits, scale, precision, digits) || digits.hi >= hiLimit) throw doesNotFit(source, start, ndigits);
      // hi × 10^8 + lo is exact below 2^53, which hi < 90,071,992 ensures; beyond, a BigInt.
      if (digits.hi < 90_071_992) {
        const value = digits.hi * 1e8 + digits.lo;
        out.appendNumber(negative ? 0 - value : value);
      } else {
        const value = BigInt(digits.hi) * 100_000_000n + BigInt(digits.lo);
        out.appendBigInt(negative ? -value : value);
      }
    };
  }
  const digits = new BigIntDigits();
  const limit = 10n ** BigInt(precision);
  const out = buffer as FixedDecimalBuffer;
  return (source, start, length) => {
    const ndigits = numericDigits(column, source, start, length);
    const negative = signOf(source, start);
    if (!unscaled(source, start, ndigits, scale, precision, digits) || digits.value >= limit) throw doesNotFit(source, start, ndigits);
    out.appendBigInt(negative ? -digits.value : digits.value);
  };
}
