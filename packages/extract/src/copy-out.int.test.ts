import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyOutStream } from './copy-out.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `copy_out_${process.pid}_${Date.now().toString(36)}`;
const MIB = 2 ** 20;

async function collect(client: pg.ClientBase, stream: NodeJS.ReadableStream & pg.Submittable): Promise<Buffer> {
  const parts: Buffer[] = [];
  client.query(stream);
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** The statement copyChunk sends for `sql`. */
const copyText = (sql: string) => `COPY (${sql}\n) TO STDOUT (FORMAT binary)`;
const copyOut = (sql: string) => new CopyOutStream(copyText(sql)) as CopyOutStream & pg.Submittable;
/** The reference: the same statement through pg-copy-streams, over the simple query protocol. */
const reference = (sql: string) => copyTo(copyText(sql)) as unknown as NodeJS.ReadableStream & pg.Submittable & { rowCount: number };

/** The socket node-postgres reads from. */
const socketOf = (client: pg.Client) => (client as unknown as { connection: { stream: import('node:net').Socket } }).connection.stream;
const backendPid = async (client: pg.ClientBase) => (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;

describe('COPY TO STDOUT through the extended protocol', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`create schema ${SCHEMA};
      create table ${SCHEMA}.t (id int8 primary key, v text, n numeric(10,2), at timestamptz, b bytea);
      insert into ${SCHEMA}.t select g, case when g % 7 = 0 then null else repeat('é', g % 50) end, g / 3.0,
        timestamptz '2024-01-01' + g * interval '1 minute', decode(md5(g::text), 'hex') from generate_series(1, 20000) g;`);
  });
  afterAll(async () => {
    await client.query(`drop schema if exists ${SCHEMA} cascade`);
    await client.end();
  });

  it('gives the same bytes as a simple-protocol COPY, and the row count from the command tag', async () => {
    const cases: Array<[sql: string, rows: number]> = [
      [`select * from ${SCHEMA}.t order by id`, 20000],
      [`select * from ${SCHEMA}.t where false`, 0],
      ['select 1 as one', 1],
      // More types; values larger than a socket read, so that payloads span reads.
      [
        `select g::int4, g * 1.5::float8 as f, g % 2 = 0 as even, date '2000-01-01' + g as day, interval '1 hour' * g as span,
           ('{' || g || ',2}')::int[] as arr, md5(g::text)::uuid as id, case when g % 500 = 0 then repeat('y', 200000) end as big
         from generate_series(1, 3000) g`,
        3000,
      ],
    ];
    for (const [sql, rows] of cases) {
      const expected = reference(sql);
      const referenceBytes = await collect(client, expected);
      const stream = copyOut(sql);
      const bytes = await collect(client, stream);
      await stream.readyForQuery;
      expect(bytes.equals(referenceBytes), sql).toBe(true);
      expect(stream.rowCount, sql).toBe(rows);
      expect(expected.rowCount, sql).toBe(rows);
    }
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it('refuses a text holding a second statement (42601), which never runs', async () => {
    const pwned = `${SCHEMA}.pwned`;
    const injected = `select 1) to stdout; create table ${pwned} (x int); copy (select 1`;
    const exists = async () => (await client.query('select to_regclass($1) as r', [pwned])).rows[0].r !== null;
    // The control: over the simple protocol this text runs the second statement.
    await client.query('begin');
    await client.query(copyText(injected));
    expect(await exists()).toBe(true);
    await client.query('rollback');
    expect(await exists()).toBe(false);

    await expect(collect(client, copyOut(injected))).rejects.toMatchObject({
      code: '42601',
      message: expect.stringMatching(/cannot insert multiple commands into a prepared statement/),
    });
    expect(await exists()).toBe(false);
    // Nor does a second statement that would only take time or set a value.
    const started = Date.now();
    const sleeper = copyOut(`select 1) to stdout; select pg_sleep(5), set_config('partita.pwned', 'yes', false); copy (select 1`);
    await expect(collect(client, sleeper)).rejects.toMatchObject({ code: '42601' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await client.query(`select current_setting('partita.pwned', true) as v`)).rows[0].v ?? '').toBe('');
  });

  it('an error mid-COPY fails the stream and leaves the client usable, its transaction aborted', async () => {
    await client.query('begin');
    const stream = copyOut(`select id, 1 / (id - 15000) as boom from ${SCHEMA}.t order by id`);
    const seen: Buffer[] = [];
    await expect(
      (async () => {
        client.query(stream);
        for await (const part of stream) seen.push(part as Buffer);
      })(),
    ).rejects.toMatchObject({ code: '22012' });
    expect(seen.length).toBeGreaterThan(0); // rows before the failing one arrived
    await expect(client.query('select 1')).rejects.toMatchObject({ code: '25P02' });
    await client.query('rollback');
    expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
  });

  it('destroyed mid-COPY: fails with the reason, the socket stays paused, and the client is discarded with end()', async () => {
    const own = new pg.Client({ connectionString: DATABASE_URL });
    await own.connect();
    const pid = await backendPid(own);
    const stream = copyOut('select generate_series(1, 50000000) as g');
    own.query(stream);
    let bytes = 0;
    const failed = (async () => {
      for await (const part of stream) {
        bytes += (part as Buffer).length;
        if (bytes > 1 * MIB) stream.destroy(new Error('stop here'));
      }
    })();
    await expect(failed).rejects.toThrow('stop here');
    const rss = process.memoryUsage.rss();
    await sleep(300);
    // Nothing more is read: the server waits to write the rest.
    expect(socketOf(own).isPaused()).toBe(true);
    expect(process.memoryUsage.rss() - rss).toBeLessThan(32 * MIB);
    const waiting = await client.query<{ wait_event: string }>('select wait_event from pg_stat_activity where pid = $1', [pid]);
    expect(waiting.rows).toEqual([{ wait_event: 'ClientWrite' }]);
    // end() drops the socket of a client whose statement is still running; the backend goes.
    const ending = Date.now();
    await own.end();
    expect(Date.now() - ending).toBeLessThan(1000);
    for (let i = 0; i < 50 && (await client.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount! > 0; i++)
      await sleep(20);
    expect((await client.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount).toBe(0);
  });

  it('refuses to start beside another reader of the socket, and the client stays usable', async () => {
    const other = (): void => undefined;
    socketOf(client).on('data', other);
    try {
      await expect(collect(client, copyOut('select 1'))).rejects.toThrow("expected node-postgres's one data listener, found 2");
    } finally {
      socketOf(client).off('data', other);
    }
    expect((await client.query('select 4 as four')).rows).toEqual([{ four: 4 }]);
  });

  it('holds back the socket while the reader is slow: 2,000,000 rows read at a fifth of their speed, memory stays bounded', async () => {
    const stream = copyOut(`select g, repeat('x', 100) from generate_series(1, 2000000) g`);
    const socket = socketOf(client);
    const rss0 = process.memoryUsage.rss();
    let [bytes, buffered, inSocket, rss] = [0, 0, 0, rss0];
    const sample = () => {
      buffered = Math.max(buffered, stream.readableLength);
      inSocket = Math.max(inSocket, socket.readableLength);
      rss = Math.max(rss, process.memoryUsage.rss());
    };
    const sampler = setInterval(sample, 5);
    try {
      client.query(stream);
      for await (const part of stream) {
        bytes += (part as Buffer).length;
        sample();
        // About 60 MB/s, where PostgreSQL sends this COPY several times as fast.
        await sleep((part as Buffer).length / 60_000);
      }
      await stream.readyForQuery;
    } finally {
      clearInterval(sampler);
    }
    expect(stream.rowCount).toBe(2_000_000);
    expect(bytes).toBeGreaterThan(200 * MIB);
    // The reader fell behind (the stream filled to its high-water mark) and what waited stayed at that mark plus one
    // socket read, in the stream and in the socket, whatever the COPY's size.
    expect(buffered).toBeGreaterThanOrEqual(stream.readableHighWaterMark);
    expect(buffered).toBeLessThan(stream.readableHighWaterMark + 256 * 1024);
    expect(inSocket).toBeLessThanOrEqual(256 * 1024);
    // Unbounded, the process would hold most of the COPY's 217 MiB (measured: over 300 MiB more RSS).
    expect(rss - rss0).toBeLessThan(100 * MIB);
  });
});

/**
 * The protocol framing alone, on bytes made here: what arrives when, however the socket cuts them. A stand-in for
 * node-postgres's connection records what the stream sends and what it hands back.
 */
describe('CopyOutStream framing', () => {
  const message = (type: string, body: Buffer | string = Buffer.alloc(0)) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const header = Buffer.alloc(5);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(payload.length + 4, 1);
    return Buffer.concat([header, payload]);
  };
  const payloads = [
    Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
    Buffer.alloc(0),
    Buffer.from('a'),
    Buffer.alloc(70_000, 7),
    Buffer.from('bc'),
  ];
  const start = [message('1'), message('2'), message('H', Buffer.from([1, 0, 1, 0, 1]))];
  const copy = [
    message('d', payloads[0]),
    message('N', 'SNOTICE\0Mhello\0\0'),
    message('d', payloads[1]),
    message('d', payloads[2]),
    message('S', 'TimeZone\0UTC\0'),
    message('d', payloads[3]),
    message('A', Buffer.from([0, 0, 0, 1, 0x63, 0, 0])),
    message('d', payloads[4]),
  ];
  const after = [message('c'), message('C', 'COPY 3\0'), message('Z', 'I')];
  const failure = [message('E', 'SERROR\0C22012\0Mdivision by zero\0\0'), message('Z', 'E')];

  /** Runs the stream over `bytes` cut at `cuts`; returns the data read and the bytes handed back to node-postgres. */
  async function feed(bytes: Buffer, cuts: number[]) {
    const socket = Object.assign(new EventEmitter(), { pause: () => socket, resume: () => socket });
    const handedBack: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => handedBack.push(Buffer.from(chunk)));
    const sent: string[] = [];
    const connection = {
      stream: socket,
      parse: (query: { text: string }) => sent.push(`parse ${query.text}`),
      bind: () => sent.push('bind'),
      execute: (config: { rows: number }) => sent.push(`execute ${config.rows}`),
      sync: () => sent.push('sync'),
    };
    const stream = new CopyOutStream('COPY (select 1) TO STDOUT (FORMAT binary)');
    stream.submit(connection as never);
    expect(sent).toEqual(['parse COPY (select 1) TO STDOUT (FORMAT binary)', 'bind', 'execute 0', 'sync']);
    const data: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => data.push(Buffer.from(chunk)));
    const ended = new Promise<Error | null>((resolve) => {
      stream.on('end', () => resolve(null));
      stream.on('error', resolve);
    });
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      // A copy, as each socket read is a buffer of its own.
      if (cut > at) socket.emit('data', Buffer.from(bytes.subarray(at, cut)));
      at = cut;
    }
    await new Promise((resolve) => setImmediate(resolve));
    return { data: Buffer.concat(data), handedBack: Buffer.concat(handedBack), stream, ended };
  }

  it('passes the CopyData payloads on in order, skips the rest, and hands back what follows CopyDone, wherever the reads end', async () => {
    const bytes = Buffer.concat([...start, ...copy, ...after]);
    const rest = Buffer.concat(after.slice(1));
    const expected = Buffer.concat(payloads);
    const cutsList: number[][] = [[]];
    for (let cut = 1; cut < bytes.length; cut += cut < 200 || cut > bytes.length - 200 ? 1 : 997) cutsList.push([cut]);
    cutsList.push(Array.from({ length: 260 }, (_, i) => i + 1)); // byte by byte through the headers and the first payloads
    cutsList.push(Array.from({ length: Math.floor(bytes.length / 3) }, (_, i) => 3 * (i + 1)));
    for (const cuts of cutsList) {
      const { data, handedBack, ended } = await feed(bytes, cuts);
      expect(await ended).toBeNull();
      expect(data.equals(expected), `cuts ${cuts.slice(0, 3).join(',')}`).toBe(true);
      expect(handedBack.equals(rest), `cuts ${cuts.slice(0, 3).join(',')}`).toBe(true);
    }
  });

  it('at an ErrorResponse hands node-postgres the bytes from that message on, and ends no data', async () => {
    const bytes = Buffer.concat([...start, ...copy.slice(0, 3), ...failure]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { handedBack, stream } = await feed(bytes, [cut]);
      expect(handedBack.equals(Buffer.concat(failure)), `cut ${cut}`).toBe(true);
      expect(stream.readableEnded).toBe(false);
      stream.destroy();
    }
  });

  it('fails on a message a COPY does not send', async () => {
    const { ended } = await feed(Buffer.concat([...start, message('T', Buffer.alloc(2)), ...after]), []);
    expect(await ended).toMatchObject({ message: 'CopyOutStream: unexpected message T during COPY' });
  });
});
