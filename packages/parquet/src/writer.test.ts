import { PassThrough, Writable } from 'node:stream';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { ParquetRowError, encodeParquet, openParquetWriter, readParquet, type ParquetColumn, type ParquetWriteOptions } from './index.js';

const DAY = 86_400_000;

const columns: ParquetColumn[] = [
  { name: 'flag', type: 'BOOLEAN' },
  { name: 'flag_n', type: 'BOOLEAN', nullable: true },
  { name: 'i32', type: 'INT32' },
  { name: 'i32_n', type: 'INT32', nullable: true },
  { name: 'i64', type: 'INT64' },
  { name: 'i64_n', type: 'INT64', nullable: true },
  { name: 'f32', type: 'FLOAT' },
  { name: 'f64', type: 'DOUBLE' },
  { name: 'f64_n', type: 'DOUBLE', nullable: true },
  { name: 'text', type: 'UTF8' },
  { name: 'text_n', type: 'UTF8', nullable: true },
  { name: 'bytes', type: 'BINARY' },
  { name: 'bytes_n', type: 'BINARY', nullable: true },
  { name: 'day', type: 'DATE' },
  { name: 'day_n', type: 'DATE', nullable: true },
  { name: 'at', type: 'TIMESTAMP_MICROS' },
  { name: 'at_n', type: 'TIMESTAMP_MICROS', nullable: true },
];

const texts = ['', 'plain', 'ünïcödé', '日本語', 'emoji 😀', 'Ａ fullwidth'];
const edgeInt64 = [0n, -1n, 9_007_199_254_740_993n, 2n ** 63n - 1n, -(2n ** 63n)];

/** Row i of the test table: every type, edge values, and a null in every nullable column every third row. */
function row(i: number): Record<string, unknown> {
  const isNull = i % 3 === 1;
  return {
    flag: i % 2 === 0,
    flag_n: isNull ? null : i % 4 === 0,
    i32: i === 0 ? -(2 ** 31) : i === 1 ? 2 ** 31 - 1 : i * 7 - 500,
    i32_n: isNull ? undefined : i,
    i64: i < edgeInt64.length ? edgeInt64[i] : BigInt(i) * 1_000_000_007n,
    i64_n: isNull ? null : i * 1000, // a number is accepted for INT64
    f32: i === 2 ? Infinity : i / 4,
    f64: i === 3 ? -Infinity : i === 4 ? Number.MAX_VALUE : i * Math.PI,
    f64_n: isNull ? null : -i / 3,
    text: texts[i % texts.length],
    text_n: isNull ? null : `row ${i}`,
    bytes: Buffer.from([i & 255, 0, 255]),
    bytes_n: isNull ? null : new Uint8Array([i % 7]),
    day: new Date(Date.UTC(1969, 11, 25) + i * DAY + 13 * 3_600_000), // the time of day is dropped
    day_n: isNull ? null : new Date(Date.UTC(2024, 1, 29)),
    at: new Date(Date.UTC(1960, 0, 1) + i * 1_234_567),
    at_n: isNull ? null : new Date(Date.UTC(2030, 5, 1, 12, 0, 0, i % 1000)),
  };
}

/** What readParquet gives back for row(i). */
function expected(i: number): Record<string, unknown> {
  const r = row(i);
  const utcDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);
  return {
    ...r,
    i32_n: r.i32_n ?? null,
    i64_n: r.i64_n === null ? null : BigInt(r.i64_n as number),
    f32: Math.fround(r.f32 as number),
    f64_n: r.f64_n, // -0 stays -0
    bytes: new Uint8Array(r.bytes as Buffer),
    day: utcDay(r.day as Date),
  };
}

/** Writes rows through openParquetWriter into a PassThrough collected into a Buffer. */
async function writeThroughStream(
  rows: Iterable<Record<string, unknown>>,
  options?: ParquetWriteOptions,
  cols = columns,
): Promise<{ file: Buffer; rows: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  const collected = new Promise<Buffer>((resolve, reject) => {
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    out.on('end', () => resolve(Buffer.concat(chunks)));
    out.on('error', reject);
  });
  const writer = await openParquetWriter(cols, out, options);
  for (const r of rows) await writer.append(r);
  const result = await writer.close();
  return { file: await collected, rows: result.rows };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('openParquetWriter', () => {
  for (const compression of ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const) {
    it(`round-trips every type with nulls over several row groups (${compression})`, async () => {
      const count = 2_345;
      const { file, rows } = await writeThroughStream(range(count).map(row), { compression, rowGroupSize: 1000 });
      expect(rows).toBe(count);

      const metadata = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer);
      expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([1000, 1000, 345]);
      expect(metadata.row_groups[0]?.columns[0]?.meta_data?.codec).toBe(compression);
      const schema = Object.fromEntries(metadata.schema.slice(1).map((e) => [e.name, [e.type, e.converted_type, e.repetition_type]]));
      expect(schema).toEqual({
        flag: ['BOOLEAN', undefined, 'REQUIRED'],
        flag_n: ['BOOLEAN', undefined, 'OPTIONAL'],
        i32: ['INT32', undefined, 'REQUIRED'],
        i32_n: ['INT32', undefined, 'OPTIONAL'],
        i64: ['INT64', undefined, 'REQUIRED'],
        i64_n: ['INT64', undefined, 'OPTIONAL'],
        f32: ['FLOAT', undefined, 'REQUIRED'],
        f64: ['DOUBLE', undefined, 'REQUIRED'],
        f64_n: ['DOUBLE', undefined, 'OPTIONAL'],
        text: ['BYTE_ARRAY', 'UTF8', 'REQUIRED'],
        text_n: ['BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
        bytes: ['BYTE_ARRAY', undefined, 'REQUIRED'],
        bytes_n: ['BYTE_ARRAY', undefined, 'OPTIONAL'],
        day: ['INT32', 'DATE', 'REQUIRED'],
        day_n: ['INT32', 'DATE', 'OPTIONAL'],
        at: ['INT64', 'TIMESTAMP_MICROS', 'REQUIRED'],
        at_n: ['INT64', 'TIMESTAMP_MICROS', 'OPTIONAL'],
      });

      const back = await readParquet(file);
      expect(back.columns).toEqual(columns.map((c) => c.name));
      expect(back.rows.length).toBe(count);
      for (const i of range(count)) expect(back.rows[i], `row ${i}`).toEqual(expected(i));
    });
  }

  it('writes exact min/max statistics for numbers and dates, only null counts for strings and bytes', async () => {
    const { file } = await writeThroughStream(range(10).map(row), { rowGroupSize: 100 });
    const metadata = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer);
    const stats = Object.fromEntries(
      metadata.row_groups[0]!.columns.map((c) => [c.meta_data!.path_in_schema.join('.'), c.meta_data!.statistics]),
    );
    expect(stats.i64?.min_value).toBe(-(2n ** 63n));
    expect(stats.i64?.max_value).toBe(2n ** 63n - 1n);
    expect(stats.i32_n?.null_count).toBe(3n);
    expect(stats.day?.min_value).toEqual(new Date(Date.UTC(1969, 11, 25)));
    expect(stats.text).toMatchObject({ null_count: 0n, min_value: undefined, max_value: undefined, min: undefined, max: undefined });
    expect(stats.text_n).toMatchObject({ null_count: 3n, min_value: undefined, max_value: undefined });
    expect(stats.bytes).toMatchObject({ null_count: 0n, min_value: undefined, max_value: undefined });
  });

  it('writes an empty file when no row is appended', async () => {
    const { file, rows } = await writeThroughStream([]);
    expect(rows).toBe(0);
    expect(await readParquet(file)).toEqual({ columns: columns.map((c) => c.name), rows: [] });
  });

  it('rejects a bad row with a clear error and keeps writing the good ones', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const cols: ParquetColumn[] = [
      { name: 'id', type: 'INT32' },
      { name: 'big', type: 'INT64' },
      { name: 'when', type: 'TIMESTAMP_MICROS' },
      { name: 'note', type: 'UTF8', nullable: true },
      { name: 'ratio', type: 'FLOAT' },
    ];
    const writer = await openParquetWriter(cols, out);
    const good = { id: 1, big: 2n, when: new Date(0), note: null, ratio: 0.5 };
    await writer.append(good);

    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...good, id: undefined }, /^row 1, column "id": is not nullable but the row has no value$/],
      [{ ...good, id: null }, /column "id": is not nullable but the row has null/],
      [{ ...good, id: '7' }, /column "id": expects an integer number .*got "7" \(string\)/],
      [{ ...good, id: 1.5 }, /column "id": expects an integer number/],
      [{ ...good, id: 2 ** 31 }, /column "id": expects an integer number in \[-2\^31, 2\^31-1\]/],
      [{ ...good, big: 2 ** 60 }, /column "big": .*beyond ±2\^53 use a bigint/],
      [{ ...good, big: 2n ** 63n }, /column "big": expects a bigint in the signed 64-bit range/],
      [{ ...good, when: '2024-01-01' }, /column "when": expects a valid Date/],
      [{ ...good, when: new Date(Number.NaN) }, /column "when": expects a valid Date, got Invalid Date/],
      [{ ...good, note: 42 }, /column "note": expects a string, got 42 \(number\)/],
      [{ ...good, ratio: '0.5' }, /column "ratio": expects a number, got "0.5" \(string\)/],
      [{ ...good, ratio: 1e39 }, /column "ratio": expects a number within the float32 range/],
    ];
    for (const [bad, message] of cases) {
      const appended = writer.append(bad);
      await expect(appended).rejects.toBeInstanceOf(ParquetRowError);
      await expect(appended).rejects.toThrow(message);
    }
    await writer.append({ ...good, id: 2, extra: 'ignored' });
    await writer.append({ ...good, id: 3, ratio: Number.NaN }); // NaN is a float like any other
    expect(await writer.close()).toEqual({ rows: 3 });
    await expect(writer.append(good)).rejects.toThrow(/closed/);

    const back = await readParquet(Buffer.concat(chunks));
    expect(back.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(back.rows[2]?.ratio).toBeNaN();
  });

  it('rejects bad columns and options', async () => {
    const out = new PassThrough();
    await expect(openParquetWriter([], out)).rejects.toThrow(/at least one column/);
    await expect(
      openParquetWriter(
        [
          { name: 'a', type: 'INT32' },
          { name: 'a', type: 'UTF8' },
        ],
        out,
      ),
    ).rejects.toThrow(/duplicate/);
    await expect(openParquetWriter([{ name: 'a', type: 'INT96' as 'INT32' }], out)).rejects.toThrow(/unknown Parquet type/);
    await expect(openParquetWriter([{ name: 'a', type: 'INT32' }], out, { compression: 'LZO' as 'GZIP' })).rejects.toThrow(
      /unsupported Parquet compression/,
    );
    await expect(openParquetWriter([{ name: 'a', type: 'INT32' }], out, { rowGroupSize: 0 })).rejects.toThrow(/rowGroupSize/);
  });

  it('keeps every row when appends are not awaited one by one', async () => {
    const cols: ParquetColumn[] = [{ name: 'n', type: 'INT32' }];
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = await openParquetWriter(cols, out, { rowGroupSize: 10 });
    await Promise.all(range(95).map((n) => writer.append({ n })));
    expect(await writer.close()).toEqual({ rows: 95 });
    expect((await readParquet(Buffer.concat(chunks))).rows.map((r) => r.n)).toEqual(range(95));
  });

  it('holds at most about one row group while the reader lags (backpressure)', async () => {
    const cols: ParquetColumn[] = [{ name: 'payload', type: 'UTF8' }];
    const out = new PassThrough({ highWaterMark: 64 * 1024 });
    const writer = await openParquetWriter(cols, out, { rowGroupSize: 100, compression: 'UNCOMPRESSED' });
    const payload = 'x'.repeat(10_000); // ~1 MB per row group
    let appended = 0;
    const writing = (async () => {
      for (const _ of range(1000)) {
        await writer.append({ payload });
        appended += 1;
      }
      return writer.close();
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(appended).toBeLessThanOrEqual(200); // stalled: nobody reads `out`
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await writing).toEqual({ rows: 1000 });
    expect((await readParquet(Buffer.concat(chunks))).rows.length).toBe(1000);
  });

  it('surfaces a failing output stream', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const writer = await openParquetWriter([{ name: 'n', type: 'INT32' }], failing, { rowGroupSize: 1 });
    await expect(writer.append({ n: 1 })).rejects.toThrow(/output stream failed: disk full/);
    await expect(writer.close()).rejects.toThrow(/disk full/);
  });
});

describe('encodeParquet', () => {
  it('encodes rows into a Buffer', async () => {
    const file = await encodeParquet(
      [
        { name: 'id', type: 'INT64' },
        { name: 'name', type: 'UTF8' },
      ],
      [
        { id: 1n, name: 'a' },
        { id: 2, name: 'b' },
      ],
    );
    expect(file.subarray(0, 4).toString()).toBe('PAR1');
    expect(file.subarray(-4).toString()).toBe('PAR1');
    expect(await readParquet(file)).toEqual({
      columns: ['id', 'name'],
      rows: [
        { id: 1n, name: 'a' },
        { id: 2n, name: 'b' },
      ],
    });
  });
});

describe('openParquetWriter values beyond parquetjs-lite', () => {
  const cols: ParquetColumn[] = [
    { name: 'd9', type: 'DECIMAL', precision: 9, scale: 2 },
    { name: 'd18', type: 'DECIMAL', precision: 18, scale: 4, nullable: true },
    { name: 'd38', type: 'DECIMAL', precision: 38, scale: 10 },
    { name: 'd76', type: 'DECIMAL', precision: 76, scale: 0 },
    { name: 'day', type: 'DATE' },
    { name: 'at', type: 'TIMESTAMP_MICROS' },
    { name: 'f32', type: 'FLOAT' },
  ];

  it('accepts DECIMAL as a bigint or a decimal string, DATE as days, TIMESTAMP_MICROS as bigint µs, NaN floats', async () => {
    const rows = [
      { d9: '-12.30', d18: 123_456_789n, d38: '-0.0000000001', d76: '9'.repeat(76), day: -1, at: -1n, f32: NaN },
      {
        d9: '0',
        d18: null,
        d38: '1234567890123456789012345678.123456789',
        d76: -(10n ** 76n - 1n),
        day: new Date(Date.UTC(9999, 11, 31, 23)),
        at: 253_402_300_799_999_999n,
        f32: -Infinity,
      },
      { d9: '+5.5', d18: '-0.500000', d38: 0n, d76: '-0', day: 0, at: new Date(-1), f32: -0 },
      {
        d9: '.5',
        d18: '7.',
        d38: -(10n ** 38n - 1n),
        d76: 1n,
        day: new Date(Date.UTC(1, 0, 1)),
        at: new Date(Date.UTC(1900, 0, 1)),
        f32: 0.1,
      },
    ];
    const file = await encodeParquet(cols, rows);
    const back = await readParquet(file, { exact: true });
    expect(back.rows).toEqual([
      { d9: '-12.30', d18: '12345.6789', d38: '-0.0000000001', d76: '9'.repeat(76), day: -1, at: -1n, f32: NaN },
      {
        d9: '0.00',
        d18: null,
        d38: '1234567890123456789012345678.1234567890',
        d76: `-${'9'.repeat(76)}`,
        day: 2_932_896,
        at: 253_402_300_799_999_999n,
        f32: -Infinity,
      },
      { d9: '5.50', d18: '-0.5000', d38: '0.0000000000', d76: '0', day: 0, at: -1000n, f32: -0 },
      {
        d9: '0.50',
        d18: '7.0000',
        d38: `-${'9'.repeat(28)}.${'9'.repeat(10)}`,
        d76: '1',
        day: Math.floor(Date.UTC(1, 0, 1) / DAY),
        at: BigInt(Date.UTC(1900, 0, 1)) * 1000n,
        f32: Math.fround(0.1),
      },
    ]);
  });

  it('rejects DECIMAL, DATE and TIMESTAMP_MICROS values that do not fit', async () => {
    const out = new PassThrough();
    out.resume();
    const writer = await openParquetWriter(cols, out);
    const good = { d9: 1n, d18: null, d38: 1n, d76: 1n, day: 0, at: 0n, f32: 1 };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { ...good, d9: 12.3 },
        /column "d9": expects a bigint \(the unscaled value\) or a decimal string like "-12.30", got 12.3 \(number\)/,
      ],
      [{ ...good, d9: '1.234' }, /column "d9": has more than 2 digits after the decimal point: "1.234"/],
      [{ ...good, d9: '10000000.00' }, /column "d9": "10000000.00" \(string\) does not fit DECIMAL\(9, 2\)/],
      [{ ...good, d9: 10n ** 9n }, /column "d9": 1000000000n \(bigint\) does not fit DECIMAL\(9, 2\)/],
      [{ ...good, d9: '1e5' }, /column "d9": expects a bigint .* or a decimal string/],
      [{ ...good, d9: '' }, /column "d9": expects a bigint/],
      [{ ...good, d9: '-' }, /column "d9": expects a bigint/],
      [{ ...good, d9: ' 1' }, /column "d9": expects a bigint/],
      [{ ...good, d76: 10n ** 76n }, /column "d76": .* does not fit DECIMAL\(76, 0\)/],
      [{ ...good, day: 1.5 }, /column "day": expects a valid Date or an integer number of days since 1970-01-01, got 1.5/],
      [{ ...good, day: 2 ** 31 }, /column "day": expects a valid Date or an integer number of days/],
      [{ ...good, day: new Date(Number.NaN) }, /column "day": expects a valid Date, got Invalid Date/],
      [{ ...good, at: 2n ** 63n }, /column "at": expects a bigint of microseconds in the signed 64-bit range/],
      [{ ...good, at: 5 }, /column "at": expects a valid Date or a bigint of microseconds since 1970-01-01, got 5 \(number\)/],
      [{ ...good, f32: '1' }, /column "f32": expects a number, got "1" \(string\)/],
    ];
    for (const [bad, message] of cases)
      await expect(
        writer.append(bad),
        JSON.stringify(bad, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).rejects.toThrow(message);
    await writer.append({ ...good, d9: '1.230' }); // extra zeros after the scale are fine
    expect(await writer.close()).toEqual({ rows: 1 });
  });
});
