// Definition levels of a flat nullable column (max level 1, bit width 1) in Parquet's RLE/bit-packed hybrid.
//
// The levels come from a presence bitmap, LSB first: bit i set ⇔ row i has a value (level 1). With bit width 1
// a bit-packed group of 8 values is exactly one bitmap byte, so bit-packed runs are copies of bitmap bytes, and
// runs of 0x00 / 0xFF bytes (all null / all present) become RLE runs.
import type { ByteWriter } from './byte-writer.js';

/** Bytes of a uniform run worth an RLE run: shorter runs stay inside the surrounding bit-packed run. */
const MIN_RLE_BYTES = 4;

/** Set bits per byte value. */
export const POPCOUNT = (() => {
  const table = new Uint8Array(256);
  for (let i = 1; i < 256; i++) table[i] = (i & 1) + table[i >> 1]!;
  return table;
})();

/**
 * Appends the levels of rows [from, to) of `bits` (`from` a multiple of 8) to `out`, preceded by their
 * byte length as a 4-byte little-endian integer (the data page v1 layout). Bits past `to` are ignored.
 */
export function writeDefinitionLevels(bits: Uint8Array, from: number, to: number, out: ByteWriter): void {
  out.uint32LE(0);
  const start = out.length;
  const first = from >> 3;
  const end = (to + 7) >> 3; // exclusive byte index
  const lastBits = to - ((end - 1) << 3); // valid bits of the last byte, 1..8
  const lastMask = lastBits === 8 ? 0xff : (1 << lastBits) - 1;

  /** 0 or 1 when byte k holds only that level (within its valid bits), else -1. */
  const uniform = (k: number): number => {
    const mask = k === end - 1 ? lastMask : 0xff;
    const b = bits[k]! & mask;
    return b === 0 ? 0 : b === mask ? 1 : -1;
  };

  let packedFrom = first; // start of the pending bit-packed bytes
  let k = first;
  while (k < end) {
    const level = uniform(k);
    if (level < 0) {
      k += 1;
      continue;
    }
    let j = k + 1;
    while (j < end && uniform(j) === level) j += 1;
    if (j - k >= MIN_RLE_BYTES) {
      writePacked(bits, packedFrom, k, end, lastMask, out);
      const count = (j - k) * 8 - (j === end ? 8 - lastBits : 0);
      out.varint(count * 2);
      out.byte(level);
      packedFrom = j;
    }
    k = j;
  }
  writePacked(bits, packedFrom, end, end, lastMask, out);
  out.buffer.writeUInt32LE(out.length - start, start - 4);
}

/** A bit-packed run of bytes [from, to): one group of 8 levels per byte. */
function writePacked(bits: Uint8Array, from: number, to: number, end: number, lastMask: number, out: ByteWriter): void {
  const groups = to - from;
  if (groups === 0) return;
  out.varint(groups * 2 + 1);
  out.bytes(bits, from, to);
  if (to === end) out.buffer[out.length - 1] = out.buffer[out.length - 1]! & lastMask; // no stray bits past the last row
}
