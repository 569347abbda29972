import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openParquetStream,
  readParquet,
  type ByteArrayBuffer,
  type ColumnBuffer,
  type FixedDecimalBuffer,
  type FloatingBuffer,
  type Int32Buffer,
  type Int64Buffer,
  type ParquetColumn,
  type ParquetStreamOptions,
  type ParquetStreamWriter,
} from './index.js';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

let instance: DuckDBInstance;
let duckdb: DuckDBConnection;
let dir: string;
let files = 0;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  duckdb = await instance.connect();
  dir = await mkdtemp(join(tmpdir(), 'partita-parquet-'));
});

afterAll(async () => {
  duckdb?.closeSync();
  instance?.closeSync();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `sql(path)` in DuckDB against `file` written to a temporary file. */
async function queryDuckDB(file: Buffer, sql: (path: string) => string): Promise<Record<string, DuckDBValue>[]> {
  const path = join(dir, `file-${files++}.parquet`);
  await writeFile(path, file);
  const reader = await duckdb.runAndReadAll(sql(`'${path}'`));
  return reader.getRowObjects();
}

/** A DuckDB value in the form `readParquet(…, { exact: true })` gives. */
function fromDuckDB(value: DuckDBValue): unknown {
  if (value instanceof DuckDBDecimalValue) return value.toString();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return value.micros;
  if (value instanceof DuckDBDateValue) return value.days;
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
  return value;
}

/** Byte strings compared by length and hash, so that a failure does not print 200 kB arrays. */
const summarize = (value: unknown): unknown =>
  value instanceof Uint8Array ? `${value.length} bytes ${createHash('sha1').update(value).digest('hex').slice(0, 12)}` : value;
const summarizeRow = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, summarize(v)]));

const asArrayBuffer = (file: Buffer) => file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer;
const metadataOf = (file: Buffer): FileMetaData => parquetMetadata(asArrayBuffer(file));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A PassThrough whose output is collected. */
function collector(): { out: PassThrough; file: Promise<Buffer> } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  const file = new Promise<Buffer>((resolve, reject) => {
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    out.on('end', () => resolve(Buffer.concat(chunks)));
    out.on('error', reject);
  });
  return { out, file };
}

/** Writes `rows` rows with `fill(writer, row)` appending one value per column, flushing when asked. */
async function writeParquet(
  columns: ParquetColumn[],
  rows: number,
  fill: (buffers: readonly ColumnBuffer[], row: number) => void,
  options?: ParquetStreamOptions,
): Promise<{ file: Buffer; writer: ParquetStreamWriter; result: { rows: number; bytes: number } }> {
  const { out, file } = collector();
  const writer = openParquetStream(columns, out, options);
  for (let row = 0; row < rows; row++) {
    fill(writer.buffers, row);
    if (writer.endRow()) await writer.flush();
  }
  const result = await writer.close();
  return { file: await file, writer, result };
}

/** Pages of every column chunk, read from the page headers. */
function pagesOf(file: Buffer): Array<Array<{ values: number; uncompressed: number; compressed: number; type: string }>> {
  const metadata = metadataOf(file);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunks = [];
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data!;
      const end = Number(meta.data_page_offset) + Number(meta.total_compressed_size);
      const reader = { view, offset: Number(meta.data_page_offset) };
      const pages = [];
      while (reader.offset < end) {
        const header = parquetHeader(reader);
        pages.push({
          type: header.type,
          values: header.data_page_header!.num_values,
          uncompressed: header.uncompressed_page_size,
          compressed: header.compressed_page_size,
        });
        reader.offset += header.compressed_page_size;
      }
      expect(reader.offset).toBe(end);
      chunks.push(pages);
    }
  }
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------------
// Every type, its nullable variant and edge values

interface Spec {
  column: ParquetColumn;
  /** Inputs, cycled through the rows. */
  inputs: unknown[];
  append(buffer: ColumnBuffer, input: unknown): void;
  /** What `readParquet(…, { exact: true })` returns for an input. Default: the input itself. */
  expected?(input: unknown): unknown;
  /** What DuckDB returns (after fromDuckDB), when not the same as `expected`. */
  duckdb?(input: unknown): unknown;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const int64Edges = [
  0n,
  -1n,
  1n,
  INT64_MIN,
  INT64_MAX,
  2n ** 53n + 1n,
  -(2n ** 53n) - 1n,
  4294967295n,
  4294967296n,
  -4294967296n,
  123456789012345n,
];
const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));
const lo = (v: bigint) => Number(BigInt.asUintN(32, v));

const DAY_MS = 86_400_000;
/** Day numbers: 0001-01-01, 1900-01-01, 1969-12-31, 1970-01-01, 2024-02-29, 9999-12-31. */
const days = [-719_162, Date.UTC(1900, 0, 1) / DAY_MS, -1, 0, Date.UTC(2024, 1, 29) / DAY_MS, Date.UTC(9999, 11, 31) / DAY_MS];
/** Microseconds: before 1970, around the epoch, far future (9999-12-31 23:59:59.999999). */
const micros = [-1n, 0n, 1n, -2_208_988_800_000_000n, 1_709_210_096_123_456n, 253_402_300_799_999_999n, -62_135_596_800_000_000n];

const texts = [
  '',
  'plain ascii',
  'ünïcödé',
  '日本語テキスト',
  'emoji 😀👍',
  'a'.repeat(48),
  'b'.repeat(49),
  'ü'.repeat(1000),
  'x'.repeat(5000),
];
const binaries = [
  new Uint8Array(0),
  new Uint8Array([0]),
  new Uint8Array([255, 0, 128]),
  new Uint8Array(200_000).map((_, i) => (i * 31) & 255),
];

/** Edge values of DECIMAL(precision, scale) as the exact strings the reader gives back. */
function decimalEdges(precision: number, scale: number): string[] {
  const format = (whole: string, fraction: string) => (scale === 0 ? whole : `${whole}.${fraction}`);
  const max = format('9'.repeat(precision - scale) || '0', '9'.repeat(scale));
  const zero = format('0', '0'.repeat(scale));
  const tiny = scale === 0 ? '1' : `0.${'0'.repeat(scale - 1)}1`;
  const mid = format(String(12_345 % 10 ** Math.min(5, precision - scale)) || '0', '5'.padEnd(scale, '0'));
  return [max, `-${max}`, zero, tiny, `-${tiny}`, mid, `-${mid}`];
}
/** The unscaled value of an exact decimal string (which has exactly `scale` fraction digits). */
const unscaled = (text: string) => BigInt(text.replace('.', ''));

function decimalSpec(precision: number, scale: number, name = `dec_${precision}_${scale}`): Spec {
  const append =
    precision <= 9
      ? (b: ColumnBuffer, v: unknown) => (b as Int32Buffer).append(Number(unscaled(v as string)))
      : precision <= 18
        ? (b: ColumnBuffer, v: unknown) => (b as Int64Buffer).appendBigInt(unscaled(v as string))
        : (b: ColumnBuffer, v: unknown) => (b as FixedDecimalBuffer).appendBigInt(unscaled(v as string));
  return {
    column: { name, type: 'DECIMAL', precision, scale },
    inputs: decimalEdges(precision, scale),
    append,
    // DuckDB reads decimals wider than 38 digits as DOUBLE.
    duckdb: precision > 38 ? (v) => Number(v) : undefined,
  };
}

const baseSpecs: Spec[] = [
  {
    column: { name: 'bool', type: 'BOOLEAN' },
    inputs: [true, false, false, true, true],
    append: (b, v) => (b as { append(v: boolean): void }).append(v as boolean),
  },
  {
    column: { name: 'i32', type: 'INT32' },
    inputs: [0, -1, 1, -(2 ** 31), 2 ** 31 - 1, 123_456],
    append: (b, v) => (b as Int32Buffer).append(v as number),
  },
  {
    column: { name: 'i64_hilo', type: 'INT64' },
    inputs: int64Edges,
    append: (b, v) => (b as Int64Buffer).appendHiLo(hi(v as bigint), lo(v as bigint)),
  },
  { column: { name: 'i64_big', type: 'INT64' }, inputs: int64Edges, append: (b, v) => (b as Int64Buffer).appendBigInt(v as bigint) },
  {
    column: { name: 'i64_num', type: 'INT64' },
    inputs: [0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, -(2 ** 32) - 1, 1e15],
    append: (b, v) => (b as Int64Buffer).appendNumber(v as number),
    expected: (v) => BigInt(v as number),
  },
  {
    column: { name: 'f32', type: 'FLOAT' },
    inputs: [0, -0, 0.1, 1.5, NaN, Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, 16_777_217],
    append: (b, v) => (b as FloatingBuffer).append(v as number),
    expected: (v) => Math.fround(v as number),
  },
  {
    column: { name: 'f64', type: 'DOUBLE' },
    inputs: [0, -0, 0.1, -1.5, NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Math.PI],
    append: (b, v) => (b as FloatingBuffer).append(v as number),
  },
  { column: { name: 'text', type: 'UTF8' }, inputs: texts, append: (b, v) => (b as ByteArrayBuffer).appendString(v as string) },
  {
    column: { name: 'text_bytes', type: 'UTF8' },
    inputs: texts,
    append: (b, v) => {
      const bytes = Buffer.from(`«${v as string}»`); // copied from the middle of a larger buffer
      (b as ByteArrayBuffer).appendBytes(bytes, 2, bytes.length - 2);
    },
  },
  {
    column: { name: 'bin', type: 'BINARY' },
    inputs: binaries,
    append: (b, v) => {
      const bytes = v as Uint8Array;
      const framed = new Uint8Array(bytes.length + 3);
      framed.set(bytes, 1);
      (b as ByteArrayBuffer).appendBytes(framed, 1, bytes.length + 1);
    },
  },
  { column: { name: 'day', type: 'DATE' }, inputs: days, append: (b, v) => (b as Int32Buffer).append(v as number) },
  { column: { name: 'at_utc', type: 'TIMESTAMP_MICROS' }, inputs: micros, append: (b, v) => (b as Int64Buffer).appendBigInt(v as bigint) },
  {
    column: { name: 'at_local', type: 'TIMESTAMP_MICROS', adjustedToUTC: false },
    inputs: micros,
    append: (b, v) => (b as Int64Buffer).appendHiLo(hi(v as bigint), lo(v as bigint)),
  },
  decimalSpec(1, 0),
  decimalSpec(9, 2),
  decimalSpec(10, 10),
  decimalSpec(18, 4),
  decimalSpec(19, 0),
  decimalSpec(20, 3),
  decimalSpec(38, 10),
  decimalSpec(38, 0),
  decimalSpec(76, 20),
];

/** Every spec twice: required, and nullable with `-n` appended to the name. */
const specs: Spec[] = baseSpecs.flatMap((spec) => [
  spec,
  { ...spec, column: { ...spec.column, name: `${spec.column.name}-n`, nullable: true } },
]);

const ROWS = 517;
/** Nulls: a long run (RLE), scattered ones (bit-packed), and runs of values. */
const isNull = (row: number) => (row >= 64 && row < 200) || row % 5 === 1 || row === ROWS - 1;
function inputOf(spec: Spec, row: number): unknown {
  if (spec.column.nullable && isNull(row)) return null;
  return spec.inputs[(spec.column.nullable ? row * 7 : row) % spec.inputs.length];
}

function fillSpecs(buffers: readonly ColumnBuffer[], row: number): void {
  specs.forEach((spec, i) => {
    const input = inputOf(spec, row);
    if (input === null) buffers[i]!.appendNull();
    else spec.append(buffers[i]!, input);
  });
}

function expectedRow(row: number, forDuckDB: boolean): Record<string, unknown> {
  return Object.fromEntries(
    specs.map((spec) => {
      const input = inputOf(spec, row);
      if (input === null) return [spec.column.name, null];
      const expected = spec.expected ? spec.expected(input) : input;
      return [spec.column.name, forDuckDB && spec.duckdb ? spec.duckdb(input) : expected];
    }),
  );
}

async function expectSpecsFile(file: Buffer): Promise<void> {
  const back = await readParquet(file, { exact: true });
  expect(back.columns).toEqual(specs.map((s) => s.column.name));
  expect(back.rows.length).toBe(ROWS);
  for (let row = 0; row < ROWS; row++)
    expect(summarizeRow(back.rows[row]!), `row ${row} (hyparquet)`).toEqual(summarizeRow(expectedRow(row, false)));

  const duck = await queryDuckDB(file, (path) => `select * from read_parquet(${path})`);
  expect(duck.length).toBe(ROWS);
  for (let row = 0; row < ROWS; row++) {
    const actual = Object.fromEntries(Object.entries(duck[row]!).map(([k, v]) => [k, summarize(fromDuckDB(v))]));
    expect(actual, `row ${row} (DuckDB)`).toEqual(summarizeRow(expectedRow(row, true)));
  }
}

describe('openParquetStream', () => {
  for (const compression of ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const) {
    it(`round-trips every type, nullable and not, with edge values (${compression}; hyparquet and DuckDB)`, async () => {
      const { file, result } = await writeParquet(
        specs.map((s) => s.column),
        ROWS,
        fillSpecs,
        { compression },
      );
      expect(result.rows).toBe(ROWS);
      expect(result.bytes).toBe(file.length);
      expect(metadataOf(file).row_groups[0]?.columns[0]?.meta_data?.codec).toBe(compression);
      await expectSpecsFile(file);
    });
  }

  it('splits into many row groups by rows and by bytes', async () => {
    const byRows = await writeParquet(
      specs.map((s) => s.column),
      ROWS,
      fillSpecs,
      { rowGroupRows: 50 },
    );
    expect(metadataOf(byRows.file).row_groups.map((g) => Number(g.num_rows))).toEqual([...Array(10).fill(50), 17]);
    await expectSpecsFile(byRows.file);

    const byBytes = await writeParquet(
      specs.map((s) => s.column),
      ROWS,
      fillSpecs,
      { rowGroupBytes: 256 * 1024 },
    );
    const groups = metadataOf(byBytes.file).row_groups.map((g) => Number(g.num_rows));
    expect(groups.length).toBeGreaterThan(3);
    expect(groups.reduce((a, b) => a + b, 0)).toBe(ROWS);
    await expectSpecsFile(byBytes.file);

    const one = await writeParquet([{ name: 'n', type: 'INT32' }], 5, (b, row) => (b[0] as Int32Buffer).append(row), { rowGroupBytes: 1 });
    expect(metadataOf(one.file).row_groups.map((g) => Number(g.num_rows))).toEqual([1, 1, 1, 1, 1]);
    expect((await readParquet(one.file)).rows.map((r) => r.n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('writes a valid file without rows', async () => {
    const { file, result } = await writeParquet(
      specs.map((s) => s.column),
      0,
      fillSpecs,
    );
    expect(result).toEqual({ rows: 0, bytes: file.length });
    expect(file.subarray(0, 4).toString()).toBe('PAR1');
    expect(file.subarray(-4).toString()).toBe('PAR1');
    expect(metadataOf(file).row_groups).toEqual([]);
    expect(await readParquet(file, { exact: true })).toEqual({ columns: specs.map((s) => s.column.name), rows: [] });
    expect(await queryDuckDB(file, (path) => `select count(*)::INTEGER as n from read_parquet(${path})`)).toEqual([{ n: 0 }]);
    const types = await queryDuckDB(file, (path) => `describe select * from read_parquet(${path})`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type])).dec_38_10).toBe('DECIMAL(38,10)');
  });

  it('splits a large column chunk into pages of about 1 MiB and encodes long null runs', async () => {
    const rows = 300_000;
    const columns: ParquetColumn[] = [
      { name: 'id', type: 'INT64' },
      { name: 'ratio', type: 'DOUBLE', nullable: true },
      { name: 'note', type: 'UTF8', nullable: true },
      { name: 'flag', type: 'BOOLEAN', nullable: true },
      { name: 'sparse', type: 'INT32', nullable: true },
    ];
    const nullRatio = (row: number) => row % 7 === 3 || (row >= 100_000 && row < 150_003);
    const note = (row: number) => `note ${row} ${'z'.repeat(row % 13)}`;
    const { file } = await writeParquet(
      columns,
      rows,
      (b, row) => {
        (b[0] as Int64Buffer).appendHiLo(row % 3 === 0 ? -1 : 0, row * 2654435761);
        if (nullRatio(row)) b[1]!.appendNull();
        else (b[1] as FloatingBuffer).append(row * 0.5);
        if (row % 3 === 0) b[2]!.appendNull();
        else (b[2] as ByteArrayBuffer).appendString(note(row));
        if (row % 2 === 0) b[3]!.appendNull();
        else (b[3] as { append(v: boolean): void }).append(row % 3 === 0);
        if (row % 10_000 === 0) (b[4] as Int32Buffer).append(row);
        else b[4]!.appendNull();
      },
      { rowGroupRows: 1_000_000, compression: 'UNCOMPRESSED' },
    );
    const pages = pagesOf(file);
    expect(pages.map((chunk) => chunk.reduce((sum, page) => sum + page.values, 0))).toEqual(Array(5).fill(rows));
    expect(pages[0]!.length).toBe(3); // 2.4 MB of int64
    expect(pages[1]!.length).toBeGreaterThanOrEqual(2);
    expect(pages[2]!.length).toBeGreaterThanOrEqual(3);
    for (const chunk of pages) {
      for (const page of chunk.slice(0, -1)) expect(page.values % 8).toBe(0);
      for (const page of chunk) expect(page.uncompressed).toBeLessThan(1.1 * 2 ** 20);
    }
    // An almost empty column: its definition levels are mostly RLE runs of nulls.
    expect(pages[4]![0]!.uncompressed).toBeLessThan(1000);

    const [check] = await queryDuckDB(
      file,
      (path) => `select
        count(*)::INTEGER as n,
        count_if(id is distinct from (case when file_row_number % 3 = 0 then -4294967296 else 0 end)
          + ((file_row_number * 2654435761) % 4294967296))::INTEGER as bad_id,
        count_if(ratio is distinct from (case when file_row_number % 7 = 3 or file_row_number between 100000 and 150002 then null
          else file_row_number * 0.5 end))::INTEGER as bad_ratio,
        count_if(note is distinct from (case when file_row_number % 3 = 0 then null
          else 'note ' || file_row_number || ' ' || repeat('z', (file_row_number % 13)::INTEGER) end))::INTEGER as bad_note,
        count_if(flag is distinct from (case when file_row_number % 2 = 0 then null else file_row_number % 3 = 0 end))::INTEGER as bad_flag,
        count_if(sparse is distinct from (case when file_row_number % 10000 = 0 then file_row_number end))::INTEGER as bad_sparse
      from read_parquet(${path}, file_row_number = true)`,
    );
    expect(check).toEqual({ n: rows, bad_id: 0, bad_ratio: 0, bad_note: 0, bad_flag: 0, bad_sparse: 0 });

    const back = await readParquet(file);
    let mismatches = 0;
    for (let row = 0; row < rows; row++) {
      const r = back.rows[row]!;
      const id = BigInt.asIntN(64, (BigInt(row % 3 === 0 ? -1 : 0) << 32n) + BigInt((row * 2654435761) % 2 ** 32));
      if (
        r.id !== id ||
        r.ratio !== (nullRatio(row) ? null : row * 0.5) ||
        r.note !== (row % 3 === 0 ? null : note(row)) ||
        r.flag !== (row % 2 === 0 ? null : row % 3 === 0) ||
        r.sparse !== (row % 10_000 === 0 ? row : null)
      ) {
        mismatches += 1;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('encodes any null pattern: runs and scattered nulls, every length (definition levels)', async () => {
    let seed = 12_345;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 150; round++) {
      const rows = Math.floor(random() * 90);
      // Runs of nulls or values of random lengths, some of them long enough for RLE runs.
      const present: boolean[] = [];
      while (present.length < rows) {
        const run = random() < 0.5 ? 1 + Math.floor(random() * 4) : 1 + Math.floor(random() * 60);
        const value = random() < 0.5;
        for (let i = 0; i < run && present.length < rows; i++) present.push(random() < 0.1 ? !value : value);
      }
      const { file } = await writeParquet(
        [
          { name: 'n', type: 'INT32', nullable: true },
          { name: 'b', type: 'BOOLEAN', nullable: true },
        ],
        rows,
        (b, row) => {
          if (present[row]) (b[0] as Int32Buffer).append(row);
          else b[0]!.appendNull();
          if (present[row]) (b[1] as { append(v: boolean): void }).append(row % 3 === 0);
          else b[1]!.appendNull();
        },
        { compression: 'UNCOMPRESSED', rowGroupRows: 1 + Math.floor(random() * 100) },
      );
      const back = await readParquet(file);
      expect(back.rows, `round ${round}: ${present.map(Number).join('')}`).toEqual(
        present.map((p, row) => ({ n: p ? row : null, b: p ? row % 3 === 0 : null })),
      );
    }
  });

  it('writes column statistics, and DuckDB sees the schema, codec, statistics and key/value metadata', async () => {
    const columns: ParquetColumn[] = [
      { name: 'i64', type: 'INT64' },
      { name: 'f32', type: 'FLOAT', nullable: true },
      { name: 'zeros', type: 'DOUBLE' },
      { name: 'nan', type: 'DOUBLE' },
      { name: 'none', type: 'INT32', nullable: true },
      { name: 'text', type: 'UTF8', nullable: true },
      { name: 'day', type: 'DATE' },
      { name: 'at', type: 'TIMESTAMP_MICROS' },
      { name: 'local', type: 'TIMESTAMP_MICROS', adjustedToUTC: false },
      { name: 'amount', type: 'DECIMAL', precision: 12, scale: 2 },
      { name: 'big', type: 'DECIMAL', precision: 30, scale: 5 },
    ];
    const f32 = [1.5, NaN, -2.25, null, Infinity, NaN];
    const { file } = await writeParquet(
      columns,
      6,
      (b, row) => {
        (b[0] as Int64Buffer).appendBigInt(int64Edges[row]!);
        const f = f32[row];
        if (f === null || f === undefined) b[1]!.appendNull();
        else (b[1] as FloatingBuffer).append(f);
        (b[2] as FloatingBuffer).append(row % 2 ? 0 : -0);
        (b[3] as FloatingBuffer).append(NaN);
        b[4]!.appendNull();
        if (row === 2) b[5]!.appendNull();
        else (b[5] as ByteArrayBuffer).appendString(`t${row}`);
        (b[6] as Int32Buffer).append(days[row]!);
        (b[7] as Int64Buffer).appendBigInt(micros[row]!);
        (b[8] as Int64Buffer).appendBigInt(micros[row]!);
        (b[9] as Int64Buffer).appendNumber(row * 1000 - 2500);
        (b[10] as FixedDecimalBuffer).appendBigInt(BigInt(row) - 3n);
      },
      { metadata: { source: 'unit test', 'empty value': '' } },
    );

    const metadata = metadataOf(file);
    expect(metadata.version).toBe(1);
    expect(metadata.created_by).toBe('partita');
    expect(metadata.key_value_metadata).toEqual([
      { key: 'source', value: 'unit test' },
      { key: 'empty value', value: '' },
    ]);
    const stats = Object.fromEntries(
      metadata.row_groups[0]!.columns.map((c) => [c.meta_data!.path_in_schema[0], c.meta_data!.statistics!]),
    );
    expect(stats.i64).toMatchObject({ min_value: INT64_MIN, max_value: INT64_MAX, min: INT64_MIN, max: INT64_MAX, null_count: 0n });
    expect(stats.f32).toMatchObject({ min_value: -2.25, max_value: Infinity, null_count: 1n });
    expect(Object.is(stats.zeros!.min_value, -0)).toBe(true);
    expect(Object.is(stats.zeros!.max_value, 0)).toBe(true);
    expect(stats.nan).toMatchObject({ min_value: undefined, max_value: undefined, null_count: 0n });
    expect(stats.none).toMatchObject({ min_value: undefined, max_value: undefined, null_count: 6n });
    expect(stats.text).toMatchObject({ min_value: undefined, max_value: undefined, null_count: 1n });
    expect(stats.big).toMatchObject({ min_value: undefined, max_value: undefined, null_count: 0n });

    const schema = await queryDuckDB(
      file,
      (path) => `select name, type, converted_type, logical_type, scale::INTEGER as scale, precision::INTEGER as precision,
        type_length::INTEGER as type_length, repetition_type from parquet_schema(${path})`,
    );
    const byName = Object.fromEntries(schema.map((s) => [s.name, s]));
    expect(byName.text).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    expect(String(byName.text!.logical_type)).toMatch(/StringType/);
    expect(byName.day).toMatchObject({ type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' });
    expect(String(byName.day!.logical_type)).toMatch(/DateType/);
    expect(byName.at).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MICROS' });
    expect(String(byName.at!.logical_type)).toMatch(/TimestampType\(isAdjustedToUTC=1, unit=.*MICROS=MicroSeconds\(\)/);
    expect(byName.local).toMatchObject({ type: 'INT64', converted_type: null });
    expect(String(byName.local!.logical_type)).toMatch(/TimestampType\(isAdjustedToUTC=0/);
    expect(byName.amount).toMatchObject({ type: 'INT64', converted_type: 'DECIMAL', scale: 2, precision: 12 });
    expect(String(byName.amount!.logical_type)).toMatch(/DecimalType\(scale=2, precision=12\)/);
    expect(byName.big).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', converted_type: 'DECIMAL', scale: 5, precision: 30, type_length: 13 });
    expect(byName.f32).toMatchObject({ type: 'FLOAT', converted_type: null, logical_type: null, repetition_type: 'OPTIONAL' });

    const chunks = await queryDuckDB(
      file,
      (path) => `select path_in_schema, compression, encodings, num_values::INTEGER as num_values, stats_null_count::INTEGER as nulls,
        stats_min_value, stats_max_value from parquet_metadata(${path})`,
    );
    const chunk = Object.fromEntries(chunks.map((c) => [c.path_in_schema, c]));
    for (const c of chunks) expect(c).toMatchObject({ compression: 'SNAPPY', encodings: 'PLAIN, RLE', num_values: 6 });
    expect(chunk.i64).toMatchObject({ stats_min_value: String(INT64_MIN), stats_max_value: String(INT64_MAX), nulls: 0 });
    expect(chunk.f32).toMatchObject({ stats_min_value: '-2.25', nulls: 1 }); // DuckDB shows no infinite max
    expect(chunk.zeros).toMatchObject({ stats_min_value: '-0.0', stats_max_value: '0.0' });
    expect(chunk.nan).toMatchObject({ stats_min_value: null, stats_max_value: null });
    expect(chunk.none).toMatchObject({ stats_min_value: null, stats_max_value: null, nulls: 6 });
    expect(chunk.day).toMatchObject({ stats_min_value: '0001-01-01', stats_max_value: '9999-12-31' });
    expect(chunk.at).toMatchObject({ stats_min_value: '1900-01-01 00:00:00+00', stats_max_value: '9999-12-31 23:59:59.999999+00' });
    expect(chunk.local).toMatchObject({ stats_min_value: '1900-01-01 00:00:00', stats_max_value: '9999-12-31 23:59:59.999999' });
    expect(chunk.amount).toMatchObject({ stats_min_value: '-25.00', stats_max_value: '25.00' });

    const kv = await queryDuckDB(file, (path) => `select decode(key) as key, decode(value) as value from parquet_kv_metadata(${path})`);
    expect(kv).toEqual([
      { key: 'source', value: 'unit test' },
      { key: 'empty value', value: '' },
    ]);

    // Statistics let DuckDB skip row groups: a filter outside [min, max] still gives the right answer.
    const [filtered] = await queryDuckDB(
      file,
      (
        path,
      ) => `select count_if(amount > 20)::INTEGER as amount, count_if(f32 > 1e30)::INTEGER as f32, count_if("at" > '9999-01-01')::INTEGER as "at"
        from read_parquet(${path})`,
    );
    expect(filtered).toEqual({ amount: 1, f32: 3, at: 1 }); // DuckDB orders NaN above +Infinity
    // Row groups are not skipped wrongly: the statistics leave NaN out, DuckDB must still find it.
    for (const [where, n] of [
      ['amount > 20', 1],
      ['f32 > 1e30', 3],
      ["f32 = 'NaN'::FLOAT", 2],
      ['f32 > 2', 3],
      ["nan = 'NaN'::DOUBLE", 6],
      ['f32 < -2', 1],
      ['i64 = 9223372036854775807', 1],
      ['zeros = 0', 6],
    ] as const) {
      const [found] = await queryDuckDB(file, (path) => `select count(*)::INTEGER as n from read_parquet(${path}) where ${where}`);
      expect(found, where).toEqual({ n });
    }
  });

  it('reads DECIMAL, DATE and TIMESTAMP exactly with readParquet({ exact: true }), and as today without', async () => {
    const columns: ParquetColumn[] = [
      { name: 'small', type: 'DECIMAL', precision: 5, scale: 2 },
      { name: 'wide', type: 'DECIMAL', precision: 32, scale: 2, nullable: true },
      { name: 'day', type: 'DATE' },
      { name: 'at', type: 'TIMESTAMP_MICROS' },
    ];
    const { file } = await writeParquet(columns, 2, (b, row) => {
      (b[0] as Int32Buffer).append(row ? -5 : 12_345);
      if (row) b[1]!.appendNull();
      else (b[1] as FixedDecimalBuffer).appendBigInt(12_345_678_901_234_567_890_123_456_789_012n);
      (b[2] as Int32Buffer).append(row ? -1 : 19_782);
      (b[3] as Int64Buffer).appendBigInt(row ? -1_000_001n : 1_709_210_096_123_456n);
    });
    expect((await readParquet(file, { exact: true })).rows).toEqual([
      { small: '123.45', wide: '123456789012345678901234567890.12', day: 19_782, at: 1_709_210_096_123_456n },
      { small: '-0.05', wide: null, day: -1, at: -1_000_001n },
    ]);
    const [first, second] = (await readParquet(file)).rows;
    expect(first).toMatchObject({ day: new Date(Date.UTC(2024, 1, 29)), at: new Date(1_709_210_096_123) });
    expect(first?.small).toBeCloseTo(123.45, 10);
    expect((first?.wide as number) / 1.2345678901234568e29).toBeCloseTo(1, 12);
    expect(second).toMatchObject({ wide: null, day: new Date(Date.UTC(1969, 11, 31)), at: new Date(-1000) }); // hyparquet truncates µs
    expect(second?.small).toBeCloseTo(-0.05, 10);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Backpressure, output failures, misuse

describe('openParquetStream output', () => {
  it('resolves flush() and close() only when the output accepted the data (backpressure)', async () => {
    const callbacks: Array<(error?: Error) => void> = [];
    const received: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        callbacks.push(callback);
      },
    });
    const writer = openParquetStream([{ name: 'n', type: 'INT32' }], slow, { rowGroupRows: 10 });
    const n = writer.buffers[0] as Int32Buffer;
    let full = false;
    for (let i = 0; i < 10; i++) {
      n.append(i);
      full = writer.endRow();
    }
    expect(full).toBe(true);
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await sleep(30);
    expect(flushed).toBe(false); // the consumer has not taken the row group yet
    expect(writer.bytesWritten).toBe(received[0]!.length);
    expect(writer.rows).toBe(10);
    callbacks.shift()!();
    await flushing;
    expect(flushed).toBe(true);

    n.append(10);
    writer.endRow();
    let closed = false;
    const closing = writer.close().then((result) => {
      closed = true;
      return result;
    });
    await sleep(30);
    expect(closed).toBe(false);
    callbacks.shift()!();
    expect(await closing).toEqual({ rows: 11, bytes: writer.bytesWritten });
    const file = Buffer.concat(received);
    expect(file.length).toBe(writer.bytesWritten);
    expect((await readParquet(file)).rows.map((r) => r.n)).toEqual([...Array(11).keys()]);
  });

  it('stalls a producer that awaits flush() behind a slow consumer', async () => {
    const received: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        setTimeout(callback, 25);
      },
    });
    const started = Date.now();
    const writer = openParquetStream([{ name: 'n', type: 'INT64' }], slow, { rowGroupRows: 10 });
    for (let i = 0; i < 100; i++) {
      (writer.buffers[0] as Int64Buffer).appendNumber(i);
      if (writer.endRow()) await writer.flush();
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(9 * 25 - 5);
    await writer.close();
    expect((await readParquet(Buffer.concat(received))).rows.length).toBe(100);
  });

  it('rejects pending and later calls when the output fails', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const writer = openParquetStream([{ name: 'n', type: 'INT32' }], failing);
    (writer.buffers[0] as Int32Buffer).append(1);
    writer.endRow();
    const error = (await writer.flush().then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('Parquet output stream failed: disk full');
    expect((error.cause as Error).message).toBe('disk full');
    (writer.buffers[0] as Int32Buffer).append(2);
    writer.endRow();
    await expect(writer.flush()).rejects.toThrow(/output stream failed: disk full/);
    await expect(writer.close()).rejects.toThrow(/output stream failed: disk full/);
  });

  it('rejects a pending flush when the output is destroyed or closes early', async () => {
    const stuck = () =>
      new Writable({
        highWaterMark: 1,
        write() {
          // never calls back
        },
      });
    const fill = (writer: ParquetStreamWriter) => {
      (writer.buffers[0] as Int32Buffer).append(1);
      writer.endRow();
    };

    const destroyed = stuck();
    const first = openParquetStream([{ name: 'n', type: 'INT32' }], destroyed);
    fill(first);
    const pending = first.flush();
    destroyed.destroy(new Error('upload aborted'));
    await expect(pending).rejects.toThrow(/Parquet output stream failed: upload aborted/);
    await expect(first.close()).rejects.toThrow(/upload aborted/);

    const closed = stuck();
    const second = openParquetStream([{ name: 'n', type: 'INT32' }], closed);
    fill(second);
    const waiting = second.flush();
    closed.destroy();
    await expect(waiting).rejects.toThrow(/Parquet output stream failed: it closed before the Parquet file was complete/);
  });

  it('refuses nulls in a required column and rows with a missing value', async () => {
    const columns: ParquetColumn[] = [
      { name: 'id', type: 'INT32' },
      { name: 'label', type: 'UTF8', nullable: true },
    ];
    const { out } = collector();
    const writer = openParquetStream(columns, out, { rowGroupRows: 3 });
    const [id, label] = writer.buffers as [Int32Buffer, ByteArrayBuffer];
    expect(() => id.appendNull()).toThrow('column "id" is not nullable: appendNull() is not allowed');
    id.append(1);
    label.appendNull();
    expect(writer.endRow()).toBe(false);
    id.append(2); // label missing
    expect(writer.endRow()).toBe(false);
    await expect(writer.flush()).rejects.toThrow(
      'Parquet column "label" has 1 values for 2 rows in the current row group: append exactly one value or null to every column before each endRow()',
    );
    id.append(3);
    expect(() => writer.endRow()).toThrow(/Parquet column "label" has 1 values for 3 rows/); // checked when the group is full
    out.destroy();
  });

  it('checks ranges where a value cannot be stored', () => {
    const { out } = collector();
    const writer = openParquetStream(
      [
        { name: 'big', type: 'INT64' },
        { name: 'dec', type: 'DECIMAL', precision: 20, scale: 2 },
        { name: 'bytes', type: 'BINARY' },
      ],
      out,
    );
    const [big, dec, bytes] = writer.buffers as [Int64Buffer, FixedDecimalBuffer, ByteArrayBuffer];
    expect(() => big.appendBigInt(2n ** 63n)).toThrow(/column "big": 9223372036854775808 is outside the signed 64-bit range/);
    expect(() => big.appendNumber(2 ** 53)).toThrow(/column "big": appendNumber\(\) takes a safe integer/);
    expect(() => big.appendNumber(1.5)).toThrow(/safe integer/);
    expect(() => dec.appendBigInt(10n ** 20n)).toThrow(/column "dec": 100000000000000000000 does not fit DECIMAL\(20, 2\)/);
    expect(() => dec.appendBigInt(-(10n ** 20n))).toThrow(/does not fit/);
    expect(() => bytes.appendBytes(new Uint8Array(4), 3, 1)).toThrow(/start <= end/);
    expect([big.length, dec.length, bytes.length]).toEqual([0, 0, 0]); // nothing was appended
    out.destroy();
  });

  it('rejects bad columns and options', () => {
    const out = new PassThrough();
    const open = (columns: ParquetColumn[], options?: ParquetStreamOptions) => () => openParquetStream(columns, out, options);
    expect(open([])).toThrow(/at least one column/);
    expect(open([{ name: 'd', type: 'DECIMAL' }])).toThrow(/column "d": DECIMAL precision must be an integer in 1..76, got undefined/);
    expect(open([{ name: 'd', type: 'DECIMAL', precision: 0 }])).toThrow(/precision must be an integer in 1..76, got 0/);
    expect(open([{ name: 'd', type: 'DECIMAL', precision: 77 }])).toThrow(/got 77/);
    expect(open([{ name: 'd', type: 'DECIMAL', precision: 5, scale: 6 }])).toThrow(
      /DECIMAL scale must be an integer in 0..5 \(the precision\), got 6/,
    );
    expect(open([{ name: 'd', type: 'DECIMAL', precision: 5, scale: -1 }])).toThrow(/scale/);
    expect(open([{ name: 'n', type: 'INT32' }], { compression: 'ZSTD' as 'GZIP' })).toThrow(/unsupported Parquet compression "ZSTD"/);
    expect(open([{ name: 'n', type: 'INT32' }], { rowGroupRows: 0 })).toThrow(/rowGroupRows must be a positive integer/);
    expect(open([{ name: 'n', type: 'INT32' }], { rowGroupBytes: -1 })).toThrow(/rowGroupBytes must be a positive number/);
  });

  it('rejects calls after close()', async () => {
    const { out, file } = collector();
    const writer = openParquetStream([{ name: 'n', type: 'INT32' }], out);
    await writer.close();
    await file;
    await expect(writer.flush()).rejects.toThrow(/closed/);
    await expect(writer.close()).rejects.toThrow(/closed/);
  });
});
