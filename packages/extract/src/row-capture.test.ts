import { describe, expect, it } from 'vitest';
import type { Int32Buffer, Int64Buffer, ByteArrayBuffer, FixedDecimalBuffer } from '@partita/parquet';
import { RowCapture, type RowValue } from './row-capture.js';
import type { ColumnPlan } from './type-map.js';

const plan = (name: string, parquet: ColumnPlan['parquet'], extra: Partial<ColumnPlan> = {}): ColumnPlan => ({
  name,
  pgType: 'x',
  parquet,
  nullable: true,
  wire: 'text',
  select: name,
  ...extra,
});

describe('RowCapture: decoded fields as the values a kind gets', () => {
  it('converts each Parquet type exactly: decimals as text, int64 as bigint, dates and timestamps as UTC Dates', async () => {
    const rows: RowValue[][] = [];
    const capture = new RowCapture(
      [
        plan('d9', 'DECIMAL', { precision: 9, scale: 2 }),
        plan('d18', 'DECIMAL', { precision: 18, scale: 4 }),
        plan('d30', 'DECIMAL', { precision: 30, scale: 3 }),
        plan('big', 'INT64'),
        plan('day', 'DATE'),
        plan('at', 'TIMESTAMP_MICROS'),
        plan('txt', 'UTF8'),
        plan('nil', 'INT32'),
      ],
      (values) => (rows.push(values), false),
      async () => undefined,
    );
    const [d9, d18, d30, big, day, at, txt, nil] = capture.buffers;
    (d9 as Int32Buffer).append(-5);
    (d18 as Int64Buffer).appendHiLo(0, 123456);
    (d30 as FixedDecimalBuffer).appendBigInt(-1234567890123456789012345n);
    (big as Int64Buffer).appendHiLo(-1, 0xffffffff);
    (day as Int32Buffer).append(-1);
    (at as Int64Buffer).appendBigInt(-1500n);
    (txt as ByteArrayBuffer).appendBytes(Buffer.from('xxhéllo'), 2, 8);
    nil!.appendNull();
    expect(capture.endRow()).toBe(false);
    expect(rows[0]).toEqual([
      '-0.05',
      '12.3456',
      '-1234567890123456789012.345',
      -1n,
      new Date('1969-12-31T00:00:00Z'),
      new Date(-2), // -1.5 ms: floored, never rounded towards the epoch
      'héllo',
      null,
    ]);
    // The next row starts empty: nothing carries over.
    capture.endRow();
    expect(rows[1]).toEqual([null, null, null, null, null, null, null, null]);
  });
});
