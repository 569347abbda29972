import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyOutStream } from './copy-out.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `copy_out_${process.pid}_${Date.now().toString(36)}`;

async function collect(client: pg.ClientBase, stream: NodeJS.ReadableStream & pg.Submittable): Promise<Buffer> {
  const parts: Buffer[] = [];
  client.query(stream);
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const copyOut = (sql: string) => new CopyOutStream(`COPY (${sql}\n) TO STDOUT (FORMAT binary)`) as CopyOutStream & pg.Submittable;

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
    for (const sql of [`select * from ${SCHEMA}.t order by id`, `select * from ${SCHEMA}.t where false`, 'select 1 as one']) {
      const reference = await collect(client, copyTo(`COPY (${sql}\n) TO STDOUT (FORMAT binary)`) as never);
      const stream = copyOut(sql);
      const bytes = await collect(client, stream);
      await stream.readyForQuery;
      expect(bytes.equals(reference), sql).toBe(true);
      expect(stream.rowCount, sql).toBe(sql.includes('false') ? 0 : sql.includes('one') ? 1 : 20000);
    }
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it('refuses a text holding a second statement (42601), which never runs', async () => {
    const second = `create table ${SCHEMA}.pwned (x int)`;
    const stream = copyOut(`select 1) to stdout; ${second}; copy (select 1`);
    await expect(collect(client, stream)).rejects.toMatchObject({ code: '42601' });
    const pwned = await client.query('select to_regclass($1) as r', [`${SCHEMA}.pwned`]);
    expect(pwned.rows[0].r).toBeNull();
  });

  it('an error mid-COPY fails the stream and leaves the client usable', async () => {
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
    await client.query('rollback');
    expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
  });

  it('holds back the socket while the reader is slow: what waits in memory stays bounded', async () => {
    const stream = copyOut(`select g, repeat('x', 40) from generate_series(1, 300000) g`);
    client.query(stream);
    let bytes = 0;
    let buffered = -1;
    for await (const part of stream) {
      bytes += (part as Buffer).length;
      if (buffered < 0) {
        // The reader stops for a while: PostgreSQL could send the whole COPY meanwhile.
        await new Promise((r) => setTimeout(r, 300));
        buffered = stream.readableLength;
      }
    }
    await stream.readyForQuery;
    expect(stream.rowCount).toBe(300000);
    expect(bytes).toBeGreaterThan(300000 * 50);
    // At most the high-water mark plus one socket read of payloads wait in the stream, whatever the COPY's size.
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThan(stream.readableHighWaterMark + 512 * 1024);
    expect(bytes).toBeGreaterThan(10 * stream.readableHighWaterMark);
  });
});
