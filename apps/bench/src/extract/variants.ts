// The ways of reading a bench table that the extract suite compares. One read per child process, so that the peak RSS
// measured is the read's own.
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import parquet from 'parquetjs-lite';
import { to as copyTo } from 'pg-copy-streams';
import { ExtractOutputSpec } from '@partita/contracts';
import { buildChunkSelect, copyChunk, describeColumns, planColumns, toParquetColumns } from '@partita/extract';
import { openParquetStream } from '@partita/parquet';
import { createAzureBlobStore } from '@partita/storage';
import { peakRssMb } from '../child.js';
import { processCpuMs } from '../cpu-time.js';
import type { Measurement, Variant } from './method.js';

/** What the child process is asked to read. */
export interface ReadTask {
  variant: Variant;
  table: string;
}

/** Where the child reads from and writes to. */
export interface ReadEnv {
  databaseUrl: string;
  azureConnectionString: string;
}

type Reader = (client: pg.Client, table: string, env: ReadEnv) => Promise<{ rows: number; bytes: number }>;

/** The output settings a `sql-extract` job gets when it names none. */
const OUTPUT = ExtractOutputSpec.parse({});
const FETCH = 10_000;

export const DESCRIPTIONS: Record<Variant, string> = {
  'copy-binary':
    '`COPY (select *) TO STDOUT (FORMAT binary)` through pg-copy-streams (simple query protocol) into a sink that counts the bytes: the read limit',
  partita:
    'the worker path (binary COPY through the extended query protocol, decoded into the Parquet stream writer, SNAPPY) into a sink that counts the bytes',
  'partita-azurite':
    'the worker path into a block blob in Azurite, as a worker writes it (same writer, PassThrough and streamed upload; ' +
    `one file per ${OUTPUT.maxRowsPerFile.toLocaleString('en')} rows)`,
  'parquetjs-lite':
    `the notebook script sql-extract replaces: server-side cursor (FETCH ${FETCH.toLocaleString('en')}, pg type parsers) → ` +
    'parquetjs-lite (SNAPPY, numeric as DOUBLE)',
};

/** Counts what it is given and keeps nothing. */
class Discard extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

/** Reads `task.table` whole, in a read-only repeatable-read transaction as a worker's chunk does. */
export async function readTable(task: ReadTask, env: ReadEnv): Promise<Measurement> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    const baseRssMb = process.memoryUsage.rss() / 2 ** 20;
    const backend = Number((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid);
    const backend0 = processCpuMs(backend);
    await client.query('begin isolation level repeatable read read only');
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { rows, bytes } = await READERS[task.variant](client, task.table, env);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const backend1 = processCpuMs(backend);
    await client.query('rollback');
    const backendCpuMs = backend0 === null || backend1 === null ? null : backend1 - backend0;
    return { rows, ms, bytes, baseRssMb, peakRssMb: peakRssMb(), cpuMs: (cpu.user + cpu.system) / 1000, backendCpuMs };
  } finally {
    await client.end();
  }
}

async function cursorRows(client: pg.Client, table: string, onBatch: (rows: Record<string, unknown>[]) => Promise<void>): Promise<number> {
  await client.query(`declare bench_cursor no scroll cursor for select * from ${table}`);
  let rows = 0;
  for (;;) {
    const batch = await client.query<Record<string, unknown>>(`fetch ${FETCH} from bench_cursor`);
    if (batch.rows.length === 0) return rows;
    rows += batch.rows.length;
    await onBatch(batch.rows);
  }
}

/** The worker's chunk path for a whole table (one chunk), each file going to `out(path)`. */
async function partitaRead(
  client: pg.Client,
  table: string,
  out: (path: string) => { body: NodeJS.WritableStream; done: Promise<number> },
) {
  const plans = planColumns(await describeColumns(client, { table }));
  const columns = toParquetColumns(plans);
  const sql = buildChunkSelect({ table }, plans, { index: 0, kind: 'blocks', fromBlock: 0, toBlock: null, estimatedRows: 0 });
  let bytes = 0;
  const open = new Map<number, Promise<number>>();
  const result = await copyChunk(client, {
    sql,
    columns: plans,
    maxRowsPerFile: OUTPUT.maxRowsPerFile,
    openFile: (index) => {
      const { body, done } = out(`bench/part-${index}.parquet`);
      open.set(index, done);
      return openParquetStream(columns, body, { compression: OUTPUT.compression, rowGroupRows: OUTPUT.rowsPerRowGroup });
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
  'copy-binary': async (client, table) => {
    const stream = client.query(copyTo(`COPY (select * from ${table}) TO STDOUT (FORMAT binary)`));
    const sink = new Discard();
    await pipeline(stream, sink);
    return { rows: stream.rowCount ?? 0, bytes: sink.bytes };
  },
  partita: (client, table) =>
    partitaRead(client, table, () => {
      const sink = new Discard();
      return { body: sink, done: new Promise((resolve) => sink.on('finish', () => resolve(sink.bytes))) };
    }),
  'partita-azurite': async (client, table, env) => {
    const store = createAzureBlobStore({ connectionString: env.azureConnectionString });
    const container = `bench-extract-${process.pid}`;
    await store.ensureContainer(container);
    try {
      return await partitaRead(client, table, (path) => {
        const body = new PassThrough({ highWaterMark: 1 << 20 });
        const done = store.put(container, path, body, { contentType: 'application/vnd.apache.parquet' }).then((r) => r.bytes);
        return { body, done };
      });
    } finally {
      await store.deleteContainer(container);
    }
  },
  'parquetjs-lite': async (client, table) => {
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
    // One row group per fetched batch, as the script wrote them.
    const writer = new parquet.ParquetWriter(schema, new parquet.ParquetEnvelopeWriter(schema, write, end, 0, { useDataPageV2: false }), {
      rowGroupSize: FETCH,
    });
    const rows = await cursorRows(client, table, async (batch) => {
      for (const r of batch) {
        // The script's explicit casts: bigint and numeric arrive as strings.
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
