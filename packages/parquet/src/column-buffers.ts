// The per-column buffers of the current row group: values in their Parquet PLAIN layout (little-endian typed
// arrays, BYTE_ARRAY as 4-byte length + bytes, BOOLEAN as an LSB-first bitmap), and for nullable columns a
// presence bitmap from which the definition levels are encoded. Appends do not allocate (apart from the doubling
// of a full buffer, and a view for byte strings longer than COPY_LOOP_MAX); buffers keep their capacity across
// row groups.
import type { ByteWriter } from './byte-writer.js';
import { decimalByteLength, physicalType, type PhysicalType } from './schema.js';
import type {
  BooleanBuffer,
  ByteArrayBuffer,
  ColumnBuffer,
  FixedDecimalBuffer,
  FloatingBuffer,
  Int32Buffer,
  Int64Buffer,
} from './stream-types.js';
import type { ParquetColumn } from './types.js';

const INITIAL_VALUES = 1024;
const INITIAL_BYTES = 16 * 1024;
/** Byte strings up to this length are copied by a loop (no view object); longer ones with `set`. */
const COPY_LOOP_MAX = 48;
const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Min and max of a column chunk as PLAIN-encoded bytes (signed order). */
export interface MinMax {
  min: Buffer;
  max: Buffer;
}

/** Buffer state and page-encoding access shared by every column type. */
export abstract class ColumnBufferImpl {
  abstract readonly physical: PhysicalType;
  /** Bytes per value of a fixed-width type (BOOLEAN 1/8), 0 for BYTE_ARRAY. */
  abstract readonly width: number;
  readonly nullable: boolean;
  /** Rows (values and nulls) of the current row group. */
  length = 0;
  /** Non-null values of the current row group. */
  count = 0;
  /** Nullable columns: bit i (LSB first) set ⇔ row i has a value. All bits past `length` are 0. */
  defs: Uint8Array;

  constructor(readonly column: ParquetColumn) {
    this.nullable = column.nullable ?? false;
    this.defs = new Uint8Array(this.nullable ? INITIAL_VALUES >> 3 : 0);
  }

  appendNull(): void {
    if (!this.nullable) throw new Error(`column "${this.column.name}" is not nullable: appendNull() is not allowed`);
    const row = this.length;
    if (row >> 3 >= this.defs.length) this.growDefs();
    this.length = row + 1;
  }

  /** Records one more row that has a value. */
  protected present(): void {
    const row = this.length;
    if (this.nullable) {
      const k = row >> 3;
      const defs = k < this.defs.length ? this.defs : this.growDefs();
      defs[k] = defs[k]! | (1 << (row & 7));
    }
    this.length = row + 1;
  }

  private growDefs(): Uint8Array {
    const grown = new Uint8Array(this.defs.length * 2 || 8);
    grown.set(this.defs);
    this.defs = grown;
    return grown;
  }

  /** Empties the buffer for the next row group, keeping its capacity. */
  reset(): void {
    if (this.nullable) this.defs.fill(0, 0, (this.length + 7) >> 3);
    this.length = 0;
    this.count = 0;
  }

  /** The byte offset of value `value + n`, given `byte`, that of value `value`. */
  advance(byte: number, _value: number, n: number): number {
    return byte + n * this.width;
  }

  /** A view of the PLAIN encoding of values [from, to) at bytes [byte, byteEnd), or undefined when it must be copied. */
  abstract plainView(from: number, to: number, byte: number, byteEnd: number): Uint8Array | undefined;

  /** Appends the PLAIN encoding of values [from, to) (at bytes [byte, byteEnd)) to `out`. */
  writePlain(out: ByteWriter, from: number, to: number, byte: number, byteEnd: number): void {
    out.bytes(this.plainView(from, to, byte, byteEnd)!);
  }

  /** Min and max of the chunk's values, or undefined when there are none or the type has no such statistics here. */
  statistics(): MinMax | undefined {
    return undefined;
  }
}

class BooleanColumnBuffer extends ColumnBufferImpl implements BooleanBuffer {
  readonly physical = 'BOOLEAN' as const;
  readonly width = 1 / 8;
  /** Value i is bit i (LSB first), the PLAIN layout. All bits past `count` are 0. */
  bits = new Uint8Array(INITIAL_VALUES >> 3);

  append(value: boolean): void {
    this.present();
    const c = this.count;
    const k = c >> 3;
    if (k === this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    if (value) this.bits[k] = this.bits[k]! | (1 << (c & 7));
    this.count = c + 1;
  }

  override reset(): void {
    this.bits.fill(0, 0, (this.count + 7) >> 3);
    super.reset();
  }

  override plainView(from: number, to: number): Uint8Array | undefined {
    return (from & 7) === 0 ? this.bits.subarray(from >> 3, (to + 7) >> 3) : undefined;
  }

  override writePlain(out: ByteWriter, from: number, to: number): void {
    const view = this.plainView(from, to);
    if (view) return out.bytes(view);
    const bits = this.bits;
    const shift = from & 7;
    const first = from >> 3;
    const bytes = (to - from + 7) >> 3;
    out.ensure(bytes);
    const target = out.buffer;
    for (let i = 0; i < bytes; i++) {
      target[out.length++] = ((bits[first + i]! >> shift) | ((bits[first + i + 1] ?? 0) << (8 - shift))) & 0xff;
    }
    const tail = (to - from) & 7;
    if (tail) target[out.length - 1] = target[out.length - 1]! & ((1 << tail) - 1);
  }
}

class Int32ColumnBuffer extends ColumnBufferImpl implements Int32Buffer {
  readonly physical = 'INT32' as const;
  readonly width = 4;
  values = new Int32Array(INITIAL_VALUES);

  append(value: number): void {
    this.present();
    const c = this.count;
    if (c === this.values.length) this.grow();
    this.values[c] = value;
    this.count = c + 1;
  }

  private grow(): void {
    const grown = new Int32Array(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
  }

  override plainView(_from: number, _to: number, byte: number, byteEnd: number): Uint8Array {
    return new Uint8Array(this.values.buffer, byte, byteEnd - byte);
  }

  override statistics(): MinMax | undefined {
    const values = this.values;
    const count = this.count;
    if (count === 0) return undefined;
    let min = values[0]!;
    let max = min;
    for (let i = 1; i < count; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    const result = { min: Buffer.allocUnsafe(4), max: Buffer.allocUnsafe(4) };
    result.min.writeInt32LE(min, 0);
    result.max.writeInt32LE(max, 0);
    return result;
  }
}

class Int64ColumnBuffer extends ColumnBufferImpl implements Int64Buffer {
  readonly physical = 'INT64' as const;
  readonly width = 8;
  /** Value i is words[2i] (low word) and words[2i + 1] (high word): little-endian int64, viewed as `big` too. */
  words = new Int32Array(INITIAL_VALUES * 2);
  big = new BigInt64Array(this.words.buffer);

  appendHiLo(hi: number, lo: number): void {
    this.present();
    const c = this.count;
    if (c << 1 === this.words.length) this.grow();
    const words = this.words;
    words[c << 1] = lo;
    words[(c << 1) + 1] = hi;
    this.count = c + 1;
  }

  appendNumber(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(
        `column "${this.column.name}": appendNumber() takes a safe integer, got ${value} (use appendBigInt beyond ±2^53)`,
      );
    }
    const hi = Math.floor(value / TWO_32);
    this.appendHiLo(hi, value - hi * TWO_32);
  }

  appendBigInt(value: bigint): void {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new RangeError(`column "${this.column.name}": ${value} is outside the signed 64-bit range`);
    }
    this.present();
    const c = this.count;
    if (c << 1 === this.words.length) this.grow();
    this.big[c] = value;
    this.count = c + 1;
  }

  private grow(): void {
    const grown = new Int32Array(this.words.length * 2);
    grown.set(this.words);
    this.words = grown;
    this.big = new BigInt64Array(grown.buffer);
  }

  override plainView(_from: number, _to: number, byte: number, byteEnd: number): Uint8Array {
    return new Uint8Array(this.words.buffer, byte, byteEnd - byte);
  }

  override statistics(): MinMax | undefined {
    const words = this.words;
    const end = this.count * 2;
    if (end === 0) return undefined;
    let minLo = words[0]! >>> 0;
    let minHi = words[1]!;
    let maxLo = minLo;
    let maxHi = minHi;
    for (let i = 2; i < end; i += 2) {
      const lo = words[i]! >>> 0;
      const hi = words[i + 1]!;
      if (hi < minHi || (hi === minHi && lo < minLo)) {
        minHi = hi;
        minLo = lo;
      }
      if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
        maxHi = hi;
        maxLo = lo;
      }
    }
    const result = { min: Buffer.allocUnsafe(8), max: Buffer.allocUnsafe(8) };
    result.min.writeUInt32LE(minLo, 0);
    result.min.writeInt32LE(minHi, 4);
    result.max.writeUInt32LE(maxLo, 0);
    result.max.writeInt32LE(maxHi, 4);
    return result;
  }
}

/** Min/max of float values: NaN skipped; a zero minimum is written as -0.0 and a zero maximum as +0.0 (the spec's rule). */
function floatStatistics(values: Float32Array | Float64Array, count: number): MinMax | undefined {
  let min = Infinity;
  let max = -Infinity;
  let seen = false;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v !== v) continue; // NaN
    seen = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!seen) return undefined;
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  const width = values.BYTES_PER_ELEMENT;
  const result = { min: Buffer.allocUnsafe(width), max: Buffer.allocUnsafe(width) };
  if (width === 4) {
    result.min.writeFloatLE(min, 0);
    result.max.writeFloatLE(max, 0);
  } else {
    result.min.writeDoubleLE(min, 0);
    result.max.writeDoubleLE(max, 0);
  }
  return result;
}

class FloatColumnBuffer extends ColumnBufferImpl implements FloatingBuffer {
  readonly physical = 'FLOAT' as const;
  readonly width = 4;
  values = new Float32Array(INITIAL_VALUES);

  append(value: number): void {
    this.present();
    const c = this.count;
    if (c === this.values.length) {
      const grown = new Float32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[c] = value;
    this.count = c + 1;
  }

  override plainView(_from: number, _to: number, byte: number, byteEnd: number): Uint8Array {
    return new Uint8Array(this.values.buffer, byte, byteEnd - byte);
  }

  override statistics(): MinMax | undefined {
    return floatStatistics(this.values, this.count);
  }
}

class DoubleColumnBuffer extends ColumnBufferImpl implements FloatingBuffer {
  readonly physical = 'DOUBLE' as const;
  readonly width = 8;
  values = new Float64Array(INITIAL_VALUES);

  append(value: number): void {
    this.present();
    const c = this.count;
    if (c === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[c] = value;
    this.count = c + 1;
  }

  override plainView(_from: number, _to: number, byte: number, byteEnd: number): Uint8Array {
    return new Uint8Array(this.values.buffer, byte, byteEnd - byte);
  }

  override statistics(): MinMax | undefined {
    return floatStatistics(this.values, this.count);
  }
}

/** UTF8 and BINARY: `data` holds the PLAIN encoding, a 4-byte little-endian length then the bytes, per value. */
export class ByteArrayColumnBuffer extends ColumnBufferImpl implements ByteArrayBuffer {
  readonly physical = 'BYTE_ARRAY' as const;
  readonly width = 0;
  data = Buffer.allocUnsafe(INITIAL_BYTES);
  /** Bytes used in `data`. */
  bytes = 0;

  appendBytes(source: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (!(n >= 0)) throw new RangeError(`column "${this.column.name}": appendBytes() needs start <= end, got ${start}, ${end}`);
    let p = this.bytes;
    if (p + 4 + n > this.data.length) this.grow(p + 4 + n);
    const data = this.data;
    data[p] = n;
    data[p + 1] = n >>> 8;
    data[p + 2] = n >>> 16;
    data[p + 3] = n >>> 24;
    p += 4;
    if (n <= COPY_LOOP_MAX) {
      for (let i = start; i < end; i++) data[p++] = source[i]!;
    } else {
      data.set(source.subarray(start, end), p);
      p += n;
    }
    this.bytes = p;
    this.present();
    this.count += 1;
  }

  appendString(value: string): void {
    const units = value.length;
    const p = this.bytes + 4;
    if (p + units * 3 > this.data.length) this.grow(p + units * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const data = this.data;
    let n = 0;
    if (units <= COPY_LOOP_MAX) {
      for (; n < units; n++) {
        const code = value.charCodeAt(n);
        if (code >= 0x80) break;
        data[p + n] = code;
      }
    }
    if (n < units) n = data.write(value, p, 'utf8'); // not only ASCII, or long
    data[p - 4] = n;
    data[p - 3] = n >>> 8;
    data[p - 2] = n >>> 16;
    data[p - 1] = n >>> 24;
    this.bytes = p + n;
    this.present();
    this.count += 1;
  }

  private grow(needed: number): void {
    let capacity = this.data.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.data.copy(grown, 0, 0, this.bytes);
    this.data = grown;
  }

  override reset(): void {
    super.reset();
    this.bytes = 0;
  }

  override advance(byte: number, _value: number, n: number): number {
    const data = this.data;
    let p = byte;
    for (let i = 0; i < n; i++) p += 4 + (data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24));
    return p;
  }

  override plainView(_from: number, _to: number, byte: number, byteEnd: number): Uint8Array {
    return this.data.subarray(byte, byteEnd);
  }
}

/** DECIMAL with precision > 18: big-endian two's complement of a fixed width. */
class FixedDecimalColumnBuffer extends ColumnBufferImpl implements FixedDecimalBuffer {
  readonly physical = 'FIXED_LEN_BYTE_ARRAY' as const;
  readonly width: number;
  data: Buffer;
  private readonly limit: bigint;
  private readonly negativeLimit: bigint;
  private readonly scratch = new BigInt64Array(1);
  private readonly scratchBytes = new Uint8Array(this.scratch.buffer);

  constructor(column: ParquetColumn) {
    super(column);
    this.width = decimalByteLength(column.precision ?? 0);
    this.limit = 10n ** BigInt(column.precision ?? 0) - 1n;
    this.negativeLimit = -this.limit;
    this.data = Buffer.allocUnsafe(this.width * INITIAL_VALUES);
  }

  appendBigInt(value: bigint): void {
    if (value > this.limit || value < this.negativeLimit) {
      throw new RangeError(
        `column "${this.column.name}": ${value} does not fit DECIMAL(${this.column.precision}, ${this.column.scale ?? 0})`,
      );
    }
    this.present();
    const c = this.count;
    const width = this.width;
    if ((c + 1) * width > this.data.length) {
      const grown = Buffer.allocUnsafe(this.data.length * 2);
      this.data.copy(grown, 0, 0, c * width);
      this.data = grown;
    }
    const data = this.data;
    const start = c * width;
    let p = start + width - 1;
    let rest = value;
    for (;;) {
      this.scratch[0] = rest; // the low 64 bits, little-endian
      for (let i = 0; i < 8 && p >= start; i++) data[p--] = this.scratchBytes[i]!;
      if (p < start) break;
      rest >>= 64n;
    }
    this.count = c + 1;
  }

  override plainView(_from: number, _to: number, byte: number, byteEnd: number): Uint8Array {
    return this.data.subarray(byte, byteEnd);
  }
}

/** A buffer of the column's physical type. */
export function createColumnBuffer(column: ParquetColumn): ColumnBufferImpl & ColumnBuffer {
  switch (physicalType(column)) {
    case 'BOOLEAN':
      return new BooleanColumnBuffer(column);
    case 'INT32':
      return new Int32ColumnBuffer(column);
    case 'INT64':
      return new Int64ColumnBuffer(column);
    case 'FLOAT':
      return new FloatColumnBuffer(column);
    case 'DOUBLE':
      return new DoubleColumnBuffer(column);
    case 'BYTE_ARRAY':
      return new ByteArrayColumnBuffer(column);
    case 'FIXED_LEN_BYTE_ARRAY':
      return new FixedDecimalColumnBuffer(column);
  }
}
