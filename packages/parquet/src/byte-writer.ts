/** A growable byte buffer (capacity doubles), reused across pages and row groups: `reset()` keeps the capacity. */
export class ByteWriter {
  buffer: Buffer;
  length = 0;

  constructor(capacity = 1024) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    if (this.length === this.buffer.length) this.ensure(1);
    this.buffer[this.length++] = value;
  }

  /** An unsigned LEB128 varint of a non-negative integer up to 2^53. */
  varint(value: number): void {
    this.ensure(8);
    const buffer = this.buffer;
    let n = value;
    while (n >= 0x80) {
      buffer[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buffer[this.length++] = n;
  }

  uint32LE(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    const n = end - start;
    this.ensure(n);
    this.buffer.set(start === 0 && end === source.length ? source : source.subarray(start, end), this.length);
    this.length += n;
  }

  /** A view of the bytes written so far: valid until the next write or reset. */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** A copy of the bytes written so far. */
  copy(): Buffer {
    const copy = Buffer.allocUnsafe(this.length);
    this.buffer.copy(copy, 0, 0, this.length);
    return copy;
  }
}
