// One way of reading the benchmark table, run alone in a child process so that its peak RSS is its own.
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import parquet from 'parquetjs-lite';
import { to as copyTo } from 'pg-copy-streams';
import { buildChunkSelect, copyChunk, describeColumns, planColumns, toParquetColumns } from '@partita/extract';
import { openParquetStream } from '@partita/parquet';
import { createAzureBlobStore } from '@partita/storage';
import { BENCH_TABLE } from './extract-table.js';

export const VARIANTS = ['copy-binary', 'cursor', 'partita', 'partita-azurite', 'parquetjs-lite'] as const;
export type Variant = (typeof VARIANTS)[number];

export const DESCRIPTIONS: Record<Variant, string> = {
  'copy-binary': 'COPY (FORMAT binary) to nowhere: the read limit',
  cursor: 'server-side cursor, FETCH 10000, pg type parsers, to nowhere',
  partita: 'Partita worker path: binary COPY → own Parquet writer (SNAPPY) → discarded',
  'partita-azurite': 'Partita worker path: binary COPY → own Parquet writer (SNAPPY) → block blob in Azurite',
  'parquetjs-lite': 'cursor → parquetjs-lite (SNAPPY, numeric as DOUBLE) → discarded',
};

export interface VariantResult {
  rows: number;
  ms: number;
  /** Parquet (or COPY) bytes produced. */
  bytes: number;
  maxRssMb: number;
}

const FETCH = 10_000;

class Discard extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

export async function runVariant(variant: Variant, env: { databaseUrl: string; azure?: string }): Promise<VariantResult> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const t0 = performance.now();
    const { rows, bytes } = await READERS[variant](client, env);
    const ms = performance.now() - t0;
    await client.query('commit');
    return { rows, ms, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await client.end();
  }
}

type Reader = (client: pg.Client, env: { azure?: string }) => Promise<{ rows: number; bytes: number }>;

async function cursorRows(client: pg.Client, onBatch: (rows: Record<string, unknown>[]) => Promise<void>): Promise<number> {
  await client.query(`declare bench_cursor no scroll cursor for select * from ${BENCH_TABLE}`);
  let rows = 0;
  for (;;) {
    const batch = await client.query(`fetch ${FETCH} from bench_cursor`);
    if (batch.rows.length === 0) return rows;
    rows += batch.rows.length;
    await onBatch(batch.rows);
  }
}

async function partitaToStream(client: pg.Client, out: (path: string) => { body: NodeJS.WritableStream; done: Promise<number> }) {
  const plans = planColumns(await describeColumns(client, { table: BENCH_TABLE }));
  const columns = toParquetColumns(plans);
  const sql = buildChunkSelect({ table: BENCH_TABLE }, plans, { index: 0, kind: 'blocks', fromBlock: 0, toBlock: null, estimatedRows: 0 });
  let bytes = 0;
  const open = new Map<number, Promise<number>>();
  const result = await copyChunk(client, {
    sql,
    columns: plans,
    maxRowsPerFile: 5_000_000,
    openFile: (index) => {
      const { body, done } = out(`bench/part-${index}.parquet`);
      open.set(index, done);
      return openParquetStream(columns, body, { compression: 'SNAPPY' });
    },
    closeFile: async (index, writer) => {
      await writer.close();
      bytes += await open.get(index)!;
    },
  });
  if (result.rows !== result.copyRows) throw new Error(`wrote ${result.rows} rows, COPY sent ${result.copyRows}`);
  return { rows: result.rows, bytes };
}

const READERS: Record<Variant, Reader> = {
  'copy-binary': async (client) => {
    const stream = client.query(copyTo(`COPY (select * from ${BENCH_TABLE}) TO STDOUT (FORMAT binary)`));
    const sink = new Discard();
    await pipeline(stream, sink);
    return { rows: stream.rowCount ?? 0, bytes: sink.bytes };
  },
  cursor: async (client) => ({ rows: await cursorRows(client, async () => undefined), bytes: 0 }),
  partita: (client) =>
    partitaToStream(client, () => {
      const sink = new Discard();
      return { body: sink, done: new Promise((resolve) => sink.on('finish', () => resolve(sink.bytes))) };
    }),
  'partita-azurite': async (client, env) => {
    if (!env.azure) throw new Error('partita-azurite needs an Azure connection string');
    const store = createAzureBlobStore({ connectionString: env.azure });
    const container = `bench-${process.pid}`;
    await store.ensureContainer(container);
    try {
      return await partitaToStream(client, (path) => {
        const body = new PassThrough({ highWaterMark: 1 << 20 });
        return { body, done: store.put(container, path, body).then((r) => r.bytes) };
      });
    } finally {
      await store.deleteContainer(container);
    }
  },
  'parquetjs-lite': async (client) => {
    const schema = new parquet.ParquetSchema({
      id: { type: 'INT64', compression: 'SNAPPY' },
      at: { type: 'TIMESTAMP_MICROS', compression: 'SNAPPY' },
      day: { type: 'DATE', compression: 'SNAPPY' },
      qty: { type: 'INT32', compression: 'SNAPPY' },
      code: { type: 'INT32', compression: 'SNAPPY' },
      label: { type: 'UTF8', compression: 'SNAPPY' },
      amount: { type: 'DOUBLE', compression: 'SNAPPY' },
      score: { type: 'DOUBLE', optional: true, compression: 'SNAPPY' },
      note: { type: 'UTF8', optional: true, compression: 'SNAPPY' },
    });
    const sink = new Discard();
    const write = (chunk: Buffer) => new Promise<void>((resolve) => sink.write(chunk, () => resolve()));
    const end = () => new Promise<void>((resolve) => sink.end(() => resolve()));
    const writer = new parquet.ParquetWriter(schema, new parquet.ParquetEnvelopeWriter(schema, write, end, 0, { useDataPageV2: false }), {
      rowGroupSize: 10_000,
    });
    const rows = await cursorRows(client, async (batch) => {
      for (const r of batch) {
        // The classic script's explicit casts: bigint and numeric arrive as strings.
        await writer.appendRow({
          ...r,
          id: Number(r['id']),
          amount: Number(r['amount']),
          score: r['score'] ?? undefined,
          note: r['note'] ?? undefined,
        });
      }
    });
    await writer.close();
    return { rows, bytes: sink.bytes };
  },
};
