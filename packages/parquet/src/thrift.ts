// An encoder of the Thrift compact protocol, enough for Parquet's page headers and footer:
// structs, lists, i16/i32/i64 (zigzag varints), booleans and binary.
import { ByteWriter } from './byte-writer.js';

/** Compact protocol type codes. */
export const TType = {
  BOOLEAN_TRUE: 1,
  BOOLEAN_FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

const zigzag32 = (value: number): number => ((value << 1) ^ (value >> 31)) >>> 0;

/**
 * Writes one Thrift message (a struct): fields in increasing id order, nested structs and lists of structs.
 * Call `end()` to close the outermost struct.
 */
export class ThriftWriter extends ByteWriter {
  private lastField = 0;
  private readonly stack: number[] = [];

  override reset(): void {
    super.reset();
    this.lastField = 0;
    this.stack.length = 0;
  }

  private field(id: number, type: number): void {
    const delta = id - this.lastField;
    if (delta > 0 && delta <= 15) {
      this.byte((delta << 4) | type);
    } else {
      this.byte(type);
      this.varint(zigzag32(id));
    }
    this.lastField = id;
  }

  bool(id: number, value: boolean): void {
    this.field(id, value ? TType.BOOLEAN_TRUE : TType.BOOLEAN_FALSE);
  }

  i16(id: number, value: number): void {
    this.field(id, TType.I16);
    this.varint(zigzag32(value));
  }

  i32(id: number, value: number): void {
    this.field(id, TType.I32);
    this.varint(zigzag32(value));
  }

  /** An i64 given as a number (|value| ≤ 2^53, enough for sizes, offsets and counts). */
  i64(id: number, value: number): void {
    this.field(id, TType.I64);
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  binary(id: number, value: Uint8Array): void {
    this.field(id, TType.BINARY);
    this.varint(value.length);
    this.bytes(value);
  }

  string(id: number, value: string): void {
    this.binary(id, Buffer.from(value, 'utf8'));
  }

  /** Opens a struct field; close it with `endStruct()`. */
  struct(id: number): void {
    this.field(id, TType.STRUCT);
    this.stack.push(this.lastField);
    this.lastField = 0;
  }

  endStruct(): void {
    this.byte(0);
    this.lastField = this.stack.pop() ?? 0;
  }

  /** Opens a list field of `size` elements of `elementType`; write the elements with the `list*` methods. */
  list(id: number, elementType: number, size: number): void {
    this.field(id, TType.LIST);
    if (size < 15) {
      this.byte((size << 4) | elementType);
    } else {
      this.byte(0xf0 | elementType);
      this.varint(size);
    }
  }

  listI32(value: number): void {
    this.varint(zigzag32(value));
  }

  listString(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.varint(bytes.length);
    this.bytes(bytes);
  }

  /** Opens a struct element of a list; close it with `endStruct()`. */
  listStruct(): void {
    this.stack.push(this.lastField);
    this.lastField = 0;
  }

  /** Closes the outermost struct (the message). */
  end(): void {
    this.byte(0);
  }
}
