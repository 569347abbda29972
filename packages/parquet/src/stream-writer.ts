// The columnar streaming Parquet writer: a file is `PAR1`, row groups, the Thrift-encoded footer
// (FileMetaData), the footer's 4-byte length and `PAR1`.
//
// Layout choices:
// - Every column chunk is split into DATA_PAGE (v1) pages of about PAGE_BYTES (1 MiB) of values, cut at multiples of
//   8 rows so that a page's definition levels start on a byte of the presence bitmap. Values are PLAIN-encoded;
//   definition levels (nullable columns only, max level 1) use the RLE/bit-packed hybrid with a 4-byte length prefix.
//   No dictionary pages, no page statistics, no page index.
// - Column chunk statistics: null_count always; min/max (min_value/max_value and the deprecated min/max, both in
//   signed order, little-endian PLAIN bytes) for the INT32/INT64/FLOAT/DOUBLE physical types, i.e. also DATE,
//   TIMESTAMP_MICROS and DECIMAL up to precision 18. Float min/max skip NaN and follow the spec's ±0 rule; none when
//   every value is null (or NaN). No min/max for BOOLEAN, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY.
// - A row group is encoded and compressed in one go when flushed, written with one `out.write`, and forgotten: only
//   its Thrift RowGroup metadata (a few hundred bytes) is kept for the footer.
import { endianness } from 'node:os';
import { ByteWriter } from './byte-writer.js';
import { ByteArrayColumnBuffer, createColumnBuffer, type ColumnBufferImpl } from './column-buffers.js';
import { CODEC_IDS, checkCompression, compressPage } from './compression.js';
import { POPCOUNT, writeDefinitionLevels } from './rle.js';
import { checkColumns, PHYSICAL_TYPE_IDS, writeSchema } from './schema.js';
import type { ColumnBuffer, ParquetStreamOptions, ParquetStreamWriter } from './stream-types.js';
import { TType, ThriftWriter } from './thrift.js';
import type { ParquetColumn, ParquetCompression } from './types.js';

const MAGIC = Buffer.from('PAR1', 'latin1');
/** Target size of a page's values, before compression. */
export const PAGE_BYTES = 1 << 20;
const DEFAULT_ROW_GROUP_ROWS = 131_072;
const DEFAULT_ROW_GROUP_BYTES = 64 * 1024 * 1024;
const CREATED_BY = 'partita';
const MAX_PAGE_BYTES = 2 ** 31 - 1;

/** parquet.thrift `Encoding` and `PageType`. */
const PLAIN = 0;
const RLE = 3;
const DATA_PAGE = 0;

/**
 * Opens a Parquet file written to `out` row group by row group (see `ParquetStreamWriter`).
 *
 * ```ts
 * const writer = openParquetStream(columns, out, { compression: 'SNAPPY' });
 * const [id, name] = writer.buffers as [Int64Buffer, ByteArrayBuffer];
 * for (const row of source) {
 *   id.appendBigInt(row.id);
 *   if (row.name === null) name.appendNull();
 *   else name.appendString(row.name);
 *   if (writer.endRow()) await writer.flush();
 * }
 * await writer.close();
 * ```
 *
 * The buffers do not validate what the INT32/FLOAT/DOUBLE/BOOLEAN appends receive (typed-array coercion applies);
 * Int64 `appendNumber`/`appendBigInt` and DECIMAL `appendBigInt` check their range.
 */
export function openParquetStream(
  columns: readonly ParquetColumn[],
  out: NodeJS.WritableStream,
  options: ParquetStreamOptions = {},
): ParquetStreamWriter {
  return new StreamWriter(columns, out, options);
}

/** The output stream: writes that settle on their callback, and a sticky failure once `out` errors or closes early. */
class Output {
  failure: Error | undefined;
  private finished = false;
  private readonly pending = new Set<(error: Error) => void>();

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', (error: unknown) => this.fail(error));
    out.on('close', () => {
      if (!this.finished && !(out as { writableFinished?: boolean }).writableFinished) {
        this.fail(new Error('it closed before the Parquet file was complete'));
      }
    });
  }

  /** Makes the failure sticky (the first one wins), rejects every pending write with it, and returns it. */
  fail(cause: unknown): Error {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    const failure = (this.failure ??= new Error(`Parquet output stream failed: ${error.message}`, { cause: error }));
    for (const reject of this.pending) reject(failure);
    this.pending.clear();
    return failure;
  }

  write(chunk: Buffer): Promise<void> {
    return this.settle((done) => this.out.write(chunk, done), false);
  }

  end(chunk: Buffer): Promise<void> {
    return this.settle((done) => this.out.end(chunk, done), true);
  }

  private settle(start: (done: (error?: unknown) => void) => void, finishing: boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.pending.add(reject);
      const done = (error?: unknown) => {
        if (!this.pending.delete(reject)) return; // already rejected by fail()
        if (error) {
          reject(this.fail(error));
        } else {
          if (finishing) this.finished = true;
          resolve();
        }
      };
      try {
        start(done);
      } catch (error) {
        done(error ?? new Error('write failed'));
      }
    });
  }
}

export class StreamWriter implements ParquetStreamWriter {
  readonly columns: readonly ParquetColumn[];
  readonly buffers: readonly ColumnBuffer[];
  private readonly impls: readonly ColumnBufferImpl[];
  /** BYTE_ARRAY buffers, whose size endRow() adds to the fixed-width estimate. */
  private readonly varBuffers: readonly ByteArrayColumnBuffer[];
  /** Bytes a row takes in the fixed-width buffers (nullable ones counted as if never null). */
  private readonly fixedRowBytes: number;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly codec: ParquetCompression;
  private readonly metadata: Array<[string, string]>;
  private readonly output: Output;
  /** Rows in the current row group. */
  private groupRows = 0;
  /** Rows in the row groups written. */
  private writtenRows = 0;
  /** Bytes of the file handed to `out`. */
  private offset = 0;
  private closed = false;
  /** Thrift-encoded RowGroup structs of the written row groups, for the footer. */
  private readonly rowGroups: Buffer[] = [];
  private readonly page = new ByteWriter(64 * 1024);
  private readonly pageHeader = new ThriftWriter(64);
  private readonly meta = new ThriftWriter(1024);

  constructor(columns: readonly ParquetColumn[], out: NodeJS.WritableStream, options: ParquetStreamOptions) {
    if (endianness() !== 'LE') throw new Error('the Parquet stream writer needs a little-endian platform');
    checkColumns(columns);
    const codec = options.compression ?? 'SNAPPY';
    checkCompression(codec);
    const maxRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
    if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new Error(`rowGroupRows must be a positive integer, got ${maxRows}`);
    const maxBytes = options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
    if (typeof maxBytes !== 'number' || !(maxBytes > 0)) throw new Error(`rowGroupBytes must be a positive number, got ${maxBytes}`);
    const metadata = Object.entries(options.metadata ?? {});
    for (const [key, value] of metadata) {
      if (typeof value !== 'string') throw new Error(`metadata "${key}" must be a string, got ${typeof value}`);
    }

    this.columns = [...columns];
    this.impls = this.columns.map((column) => createColumnBuffer(column));
    this.buffers = this.impls as unknown as ColumnBuffer[];
    this.varBuffers = this.impls.filter((buffer): buffer is ByteArrayColumnBuffer => buffer instanceof ByteArrayColumnBuffer);
    this.fixedRowBytes = this.impls.reduce((sum, buffer) => sum + buffer.width + (buffer.nullable ? 1 / 8 : 0), 0);
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.codec = codec;
    this.metadata = metadata;
    this.output = new Output(out);
  }

  get rows(): number {
    return this.writtenRows + this.groupRows;
  }

  get bytesWritten(): number {
    return this.offset;
  }

  /** Why the output failed, once it did. */
  get failure(): Error | undefined {
    return this.output.failure;
  }

  endRow(): boolean {
    const rows = ++this.groupRows;
    if (rows >= this.maxRows) return this.full();
    let bytes = rows * this.fixedRowBytes;
    const vars = this.varBuffers;
    for (let i = 0; i < vars.length; i++) bytes += vars[i]!.bytes;
    return bytes >= this.maxBytes ? this.full() : false;
  }

  private full(): true {
    this.checkLengths();
    return true;
  }

  /** Throws unless every column holds exactly one value or null per row of the current row group. */
  private checkLengths(): void {
    for (const buffer of this.impls) {
      if (buffer.length !== this.groupRows) {
        throw new Error(
          `Parquet column "${buffer.column.name}" has ${buffer.length} values for ${this.groupRows} rows in the current row group: ` +
            'append exactly one value or null to every column before each endRow()',
        );
      }
    }
  }

  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the Parquet stream writer is closed'));
    if (this.output.failure) return Promise.reject(this.output.failure);
    if (this.groupRows === 0) return Promise.resolve();
    let chunk: Buffer;
    try {
      chunk = this.encodeRowGroup();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.output.write(chunk);
  }

  close(): Promise<{ rows: number; bytes: number }> {
    if (this.closed) return Promise.reject(new Error('the Parquet stream writer is closed'));
    if (this.output.failure) {
      this.closed = true;
      return Promise.reject(this.output.failure);
    }
    let chunk: Buffer;
    try {
      const rowGroup = this.groupRows > 0 ? this.encodeRowGroup() : undefined;
      const footer = this.encodeFooter();
      chunk = rowGroup ? Buffer.concat([rowGroup, footer]) : footer;
    } catch (error) {
      return Promise.reject(error);
    }
    this.closed = true;
    return this.output.end(chunk).then(() => ({ rows: this.rows, bytes: this.offset }));
  }

  /** Encodes the current row group (advancing `offset` as if written), records its metadata and empties the buffers. */
  private encodeRowGroup(): Buffer {
    this.checkLengths();
    const rows = this.groupRows;
    const parts: Uint8Array[] = [];
    let offset = this.offset;
    if (offset === 0) {
      parts.push(MAGIC);
      offset = MAGIC.length;
    }
    const groupStart = offset;
    let groupUncompressed = 0;
    const meta = this.meta;
    meta.reset();
    meta.list(1, TType.STRUCT, this.impls.length);

    for (const buffer of this.impls) {
      const chunkStart = offset;
      let uncompressed = 0;
      for (let row = 0, value = 0, byte = 0; row < rows;) {
        // The page: rows [row, rowEnd), values [value, valueEnd) at bytes [byte, byteEnd) of the buffer.
        let rowEnd: number;
        let valueEnd: number;
        let byteEnd: number;
        if (!buffer.nullable && buffer.width > 0) {
          const pageRows = Math.max(8, Math.floor(PAGE_BYTES / buffer.width / 8) * 8);
          rowEnd = Math.min(rows, row + pageRows);
          valueEnd = rowEnd;
          byteEnd = buffer.advance(byte, value, rowEnd - row);
        } else {
          rowEnd = row;
          valueEnd = value;
          byteEnd = byte;
          const defs = buffer.defs;
          do {
            const step = Math.min(8, rows - rowEnd);
            const n = buffer.nullable ? POPCOUNT[defs[rowEnd >> 3]!]! : step;
            byteEnd = buffer.advance(byteEnd, valueEnd, n);
            valueEnd += n;
            rowEnd += step;
          } while (rowEnd < rows && byteEnd - byte < PAGE_BYTES);
        }

        let body = buffer.nullable ? undefined : buffer.plainView(value, valueEnd, byte, byteEnd);
        let scratch = false;
        if (!body) {
          const page = this.page;
          page.reset();
          if (buffer.nullable) writeDefinitionLevels(buffer.defs, row, rowEnd, page);
          buffer.writePlain(page, value, valueEnd, byte, byteEnd);
          body = page.view();
          scratch = true;
        }
        if (body.length > MAX_PAGE_BYTES) {
          throw new Error(`Parquet column "${buffer.column.name}": a page of ${body.length} bytes exceeds the format's 2 GiB limit`);
        }
        let stored = compressPage(this.codec, body);
        if (stored === body && scratch) stored = Buffer.from(body); // the scratch page is reused
        const header = this.encodePageHeader(rowEnd - row, body.length, stored.length);
        parts.push(header, stored);
        offset += header.length + stored.length;
        uncompressed += header.length + body.length;
        row = rowEnd;
        value = valueEnd;
        byte = byteEnd;
      }
      groupUncompressed += uncompressed;

      // ColumnChunk
      meta.listStruct();
      meta.i64(2, chunkStart); // file_offset (deprecated): where the chunk starts
      meta.struct(3); // ColumnMetaData
      meta.i32(1, PHYSICAL_TYPE_IDS[buffer.physical]);
      meta.list(2, TType.I32, 2);
      meta.listI32(PLAIN);
      meta.listI32(RLE);
      meta.list(3, TType.BINARY, 1);
      meta.listString(buffer.column.name);
      meta.i32(4, CODEC_IDS[this.codec]);
      meta.i64(5, rows);
      meta.i64(6, uncompressed);
      meta.i64(7, offset - chunkStart);
      meta.i64(9, chunkStart);
      const minMax = buffer.statistics();
      meta.struct(12); // Statistics
      if (minMax) {
        meta.binary(1, minMax.max);
        meta.binary(2, minMax.min);
      }
      meta.i64(3, rows - buffer.count);
      if (minMax) {
        meta.binary(5, minMax.max);
        meta.binary(6, minMax.min);
      }
      meta.endStruct();
      meta.endStruct();
      meta.endStruct();
    }
    // RowGroup
    meta.i64(2, groupUncompressed);
    meta.i64(3, rows);
    meta.i64(5, groupStart);
    meta.i64(6, offset - groupStart);
    if (this.rowGroups.length <= 0x7fff) meta.i16(7, this.rowGroups.length);
    meta.end();
    this.rowGroups.push(meta.copy());

    const chunk = Buffer.concat(parts, offset - this.offset);
    for (const buffer of this.impls) buffer.reset();
    this.offset = offset;
    this.writtenRows += rows;
    this.groupRows = 0;
    return chunk;
  }

  private encodePageHeader(values: number, uncompressedSize: number, compressedSize: number): Buffer {
    const header = this.pageHeader;
    header.reset();
    header.i32(1, DATA_PAGE);
    header.i32(2, uncompressedSize);
    header.i32(3, compressedSize);
    header.struct(5); // DataPageHeader
    header.i32(1, values);
    header.i32(2, PLAIN);
    header.i32(3, RLE);
    header.i32(4, RLE);
    header.endStruct();
    header.end();
    return header.copy();
  }

  /** The footer: FileMetaData, its length and the closing magic (preceded by the opening one if nothing was written). */
  private encodeFooter(): Buffer {
    const meta = this.meta;
    meta.reset();
    if (this.offset === 0) meta.bytes(MAGIC);
    const start = meta.length;
    meta.i32(1, 1); // version
    writeSchema(meta, this.columns);
    meta.i64(3, this.writtenRows);
    meta.list(4, TType.STRUCT, this.rowGroups.length);
    for (const rowGroup of this.rowGroups) meta.bytes(rowGroup);
    if (this.metadata.length > 0) {
      meta.list(5, TType.STRUCT, this.metadata.length);
      for (const [key, value] of this.metadata) {
        meta.listStruct();
        meta.string(1, key);
        meta.string(2, value);
        meta.endStruct();
      }
    }
    meta.string(6, CREATED_BY);
    // column_orders: TypeDefinedOrder for every column, so that readers trust min_value/max_value.
    meta.list(7, TType.STRUCT, this.columns.length);
    for (let i = 0; i < this.columns.length; i++) {
      meta.listStruct();
      meta.struct(1);
      meta.endStruct();
      meta.endStruct();
    }
    meta.end();
    meta.uint32LE(meta.length - start);
    meta.bytes(MAGIC);
    const footer = meta.copy();
    this.offset += footer.length;
    return footer;
  }
}
