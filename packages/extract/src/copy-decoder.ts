// A streaming decoder of PostgreSQL's binary COPY format, writing each field straight into the column buffers of
// a Parquet stream writer. Fed with chunks of any boundaries: a row (or the header) may be split across chunks;
// only the incomplete tail is carried over.
import type { ColumnBuffer, ParquetStreamWriter } from '@partita/parquet';
import { fieldDecoder, type FieldDecoder } from './binary-decoders.js';
import { ValueConversionError, type ColumnPlan } from './type-map.js';

/** `PGCOPY\n\377\r\n\0`, then int32 flags, int32 header extension length. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = 19;

/** What the decoder uses of a Parquet stream writer. */
export type RowWriter = Pick<ParquetStreamWriter, 'buffers' | 'endRow' | 'flush'>;

export interface CopyDecoderOptions<W extends RowWriter> {
  /** Rows a writer takes: a row arriving when the current writer holds this many first awaits `nextWriter`. Default: no limit. */
  maxRowsPerWriter?: number;
  /** The writer for the rows after `full`, which holds `rows` rows. Required with `maxRowsPerWriter`. */
  nextWriter?: (full: W, rows: number) => Promise<W>;
}

/**
 * Decodes a binary COPY stream (`COPY ... TO STDOUT (FORMAT binary)`) of the columns `plans` into `writer`.
 * `await push(chunk)` for each chunk in order: when `writer.endRow()` asks for it, `push` awaits `writer.flush()`
 * before decoding further, so a caller awaiting each push stops reading meanwhile. `end()` checks that the data
 * ended with the trailer.
 */
export class CopyDecoder<W extends RowWriter = RowWriter> {
  /** Rows decoded so far, in all writers. */
  rows = 0;
  /** Rows decoded into the current writer. */
  rowsInWriter = 0;
  private writer!: W;
  private buffers!: readonly ColumnBuffer[];
  private decoders!: FieldDecoder[];
  private readonly nullable: boolean[];
  private readonly maxRows: number;
  private readonly nextWriter: ((full: W, rows: number) => Promise<W>) | undefined;
  private state: 'header' | 'rows' | 'done' = 'header';
  /** The incomplete tail of what was pushed, and its length. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the tail must reach before anything more can be decoded. */
  private need = 0;
  /** Field offsets and lengths of the row being decoded. */
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;

  constructor(
    private readonly plans: readonly ColumnPlan[],
    writer: W,
    options: CopyDecoderOptions<W> = {},
  ) {
    this.maxRows = options.maxRowsPerWriter ?? Infinity;
    if (!(this.maxRows >= 1)) throw new RangeError(`CopyDecoder: maxRowsPerWriter must be >= 1, got ${this.maxRows}`);
    if (this.maxRows !== Infinity && !options.nextWriter) throw new Error('CopyDecoder: maxRowsPerWriter needs nextWriter');
    this.nextWriter = options.nextWriter;
    this.nullable = plans.map((p) => p.nullable);
    this.starts = new Int32Array(plans.length);
    this.lengths = new Int32Array(plans.length);
    this.use(writer);
  }

  /** The writer currently receiving rows. */
  get currentWriter(): W {
    return this.writer;
  }

  private use(writer: W): void {
    if (writer.buffers.length !== this.plans.length) {
      throw new Error(`CopyDecoder: the writer has ${writer.buffers.length} columns, the plan ${this.plans.length}`);
    }
    this.writer = writer;
    this.buffers = writer.buffers;
    this.decoders = this.plans.map((plan, i) => fieldDecoder(plan, writer.buffers[i]!));
    this.rowsInWriter = 0;
  }

  /** Decodes every complete row of what was pushed so far. */
  async push(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    if (this.state === 'done') throw afterTrailer();
    if (this.pendingBytes + chunk.length < this.need) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return;
    }
    let pos = 0;
    if (this.pendingBytes > 0) {
      // The header or row straddling the boundary: decoded from the tail joined with as little of the chunk as it
      // needs (growing geometrically), so that the chunk itself is not copied.
      const tail = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      for (let take = Math.min(chunk.length, Math.max(this.need - tail.length, 1024)); ;) {
        const joint = Buffer.concat([tail, chunk.subarray(0, take)]);
        const next = await this.decode(joint, 0, 1);
        if (next > 0) {
          pos = next - tail.length;
          break;
        }
        if (take === chunk.length) return this.keep(joint, 0);
        take = Math.min(chunk.length, Math.max(this.need - tail.length, 2 * take));
      }
    }
    this.keep(chunk, await this.decode(chunk, pos, Infinity));
  }

  /** Checks that the data ended with the trailer. */
  end(): void {
    if (this.state !== 'done') {
      throw new Error(`COPY data ended ${this.state === 'header' ? 'before its header was complete' : 'without its trailer'}`);
    }
  }

  /** Carries `data[from..]` over to the next push. */
  private keep(data: Buffer, from: number): void {
    if (from < data.length) {
      this.pending = [data.subarray(from)];
      this.pendingBytes = data.length - from;
    }
  }

  /**
   * Decodes the header (first) and complete rows of `data` from `pos` while `pos < stopAt`. Returns the offset of
   * the first byte not decoded, and sets `need` to the bytes needed from there to decode more.
   */
  private async decode(data: Buffer, pos: number, stopAt: number): Promise<number> {
    const end = data.length;
    if (this.state === 'done') {
      if (pos < end) throw afterTrailer();
      return pos;
    }
    if (this.state === 'header') {
      const size = this.header(data);
      if (size < 0) {
        this.need = -size;
        return pos;
      }
      pos = size;
      this.state = 'rows';
    }
    const columns = this.plans.length;
    const { starts, lengths } = this;
    while (pos < stopAt) {
      if (end - pos < 2) {
        this.need = 2;
        return pos;
      }
      const fields = data.readInt16BE(pos);
      if (fields === -1) {
        this.state = 'done';
        return this.decode(data, pos + 2, stopAt);
      }
      if (fields !== columns) throw new Error(`COPY row ${this.rows + 1} has ${fields} fields, expected ${columns}`);
      // First make sure the whole row is here, then decode it: a value appended cannot be taken back.
      let p = pos + 2;
      for (let i = 0; i < columns; i++) {
        if (end - p < 4) {
          this.need = p + 4 - pos;
          return pos;
        }
        const length = data.readInt32BE(p);
        p += 4;
        starts[i] = p;
        lengths[i] = length;
        if (length > 0) {
          p += length;
          if (p > end) {
            this.need = p - pos;
            return pos;
          }
        } else if (length < -1) {
          throw new Error(`COPY row ${this.rows + 1}: field ${i + 1} has length ${length}`);
        }
      }
      if (this.rowsInWriter >= this.maxRows) this.use(await this.nextWriter!(this.writer, this.rowsInWriter));
      const { decoders, buffers } = this;
      for (let i = 0; i < columns; i++) {
        const length = lengths[i]!;
        if (length >= 0) decoders[i]!(data, starts[i]!, length);
        else if (this.nullable[i]) buffers[i]!.appendNull();
        else throw new ValueConversionError(this.plans[i]!.name, 'NULL in a column planned as not nullable');
      }
      pos = p;
      this.rows++;
      this.rowsInWriter++;
      if (this.writer.endRow()) await this.writer.flush();
    }
    return pos;
  }

  /** The offset of the first row, or minus the number of bytes the header needs when they are not all here. */
  private header(data: Buffer): number {
    if (data.length < HEADER_BYTES) {
      if (!SIGNATURE.subarray(0, data.length).equals(data.subarray(0, SIGNATURE.length))) throw notCopy();
      return -HEADER_BYTES;
    }
    if (!data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw notCopy();
    const flags = data.readUInt32BE(11);
    // Bits 16-31 are critical: bit 16 means OIDs are included; the others are reserved.
    if (flags >>> 16 !== 0) throw new Error(`binary COPY header flags 0x${flags.toString(16)} are not supported`);
    const size = HEADER_BYTES + data.readUInt32BE(15);
    return data.length < size ? -size : size;
  }
}

function afterTrailer(): Error {
  return new Error('COPY data continues after its trailer');
}

function notCopy(): Error {
  return new Error('not PostgreSQL binary COPY data (bad signature)');
}
