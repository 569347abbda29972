import { Redis } from 'ioredis';
import type pg from 'pg';
import { readParquet } from '@partita/parquet';
import type { BlobStore } from '@partita/storage';

/** A value that must never leave the configuration. */
export interface Secret {
  name: string;
  value: string;
}

/** A piece of text from somewhere the stack writes to, to be scanned. */
export interface Exhibit {
  /** `log`, `redis`, `blob`, `catalog` or `api`. */
  source: string;
  /** The line, key, blob, row or request it came from. */
  where: string;
  text: string;
}

export interface Finding {
  source: string;
  where: string;
  secret: string;
  form: string;
}

/**
 * The forms a secret could take in text: as is, URL-encoded (either case of the escapes), hex, and base64 or
 * base64url at each of the three byte alignments it could have inside a longer encoded value (only the characters
 * that depend on the secret's bytes alone are kept).
 */
export function secretForms(value: string): Array<{ form: string; text: string }> {
  const bytes = Buffer.from(value, 'utf8');
  const forms = [
    { form: 'raw', text: value },
    { form: 'url-encoded', text: encodeURIComponent(value) },
    { form: 'url-encoded', text: encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()) },
    { form: 'hex', text: bytes.toString('hex') },
  ];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const from = Math.ceil((8 * offset) / 6);
    const to = Math.floor((8 * (offset + bytes.length)) / 6);
    const fragment = encoded.slice(from, to);
    forms.push({ form: `base64@${offset}`, text: fragment });
    forms.push({ form: `base64url@${offset}`, text: fragment.replace(/\+/g, '-').replace(/\//g, '_') });
  }
  return forms.filter((f, i) => forms.findIndex((g) => g.text === f.text) === i);
}

/** Every occurrence of a secret, in any of its forms, in the exhibits. */
export function findSecrets(exhibits: readonly Exhibit[], secrets: readonly Secret[]): Finding[] {
  const patterns = secrets.flatMap((s) => secretForms(s.value).map((f) => ({ secret: s.name, ...f })));
  const findings: Finding[] = [];
  for (const e of exhibits) {
    for (const p of patterns) {
      if (e.text.includes(p.text)) findings.push({ source: e.source, where: e.where, secret: p.secret, form: p.form });
    }
  }
  return findings;
}

const latin1 = (b: Buffer | null | undefined) => (b ? b.toString('latin1') : '');

/** Every key under a BullMQ prefix with its whole value, whatever its type (BullMQ uses strings, hashes, lists, sets, sorted sets and streams). */
export async function redisExhibits(redisUrl: string, prefix: string): Promise<Exhibit[]> {
  const redis = new Redis(redisUrl);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const exhibits: Exhibit[] = [];
    for (const key of [...new Set(keys)].sort()) {
      const type = await redis.type(key);
      let parts: string[];
      switch (type) {
        case 'none': // gone since the scan (a lock, a marker)
          parts = [];
          break;
        case 'string':
          parts = [latin1(await redis.getBuffer(key))];
          break;
        case 'hash':
          parts = Object.entries(await redis.hgetallBuffer(key)).map(([field, value]) => `${field}=${latin1(value)}`);
          break;
        case 'list':
          parts = (await redis.lrangeBuffer(key, 0, -1)).map(latin1);
          break;
        case 'set':
          parts = (await redis.smembersBuffer(key)).map(latin1);
          break;
        case 'zset':
          parts = (await redis.zrangeBuffer(key, 0, -1, 'WITHSCORES')).map(latin1);
          break;
        case 'stream':
          parts = (await redis.xrangeBuffer(key, '-', '+')).map(([id, fields]) => `${latin1(id)} ${fields.map(latin1).join(' ')}`);
          break;
        default:
          throw new Error(`Redis key ${key} has type ${type}, which the scan does not read`);
      }
      exhibits.push({ source: 'redis', where: `${type} ${key}`, text: [key, ...parts].join('\n') });
    }
    return exhibits;
  } finally {
    redis.disconnect();
  }
}

/** Every blob of a container: its bytes, and for Parquet files also the decoded rows (compressed pages hide raw text). */
export async function blobExhibits(store: BlobStore, container: string): Promise<Exhibit[]> {
  const exhibits: Exhibit[] = [];
  for (const blob of await store.list(container, '')) {
    const data = await store.get(container, blob.path);
    exhibits.push({ source: 'blob', where: blob.path, text: data.toString('latin1') });
    if (blob.path.endsWith('.parquet')) {
      const { rows } = await readParquet(data);
      const text = JSON.stringify(rows, (_k, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? latin1(Buffer.from(v)) : v,
      );
      exhibits.push({ source: 'blob', where: `${blob.path} (rows)`, text });
    }
  }
  return exhibits;
}

/** Every row of every table of a catalog schema, as JSON. */
export async function catalogExhibits(pool: pg.Pool, schema: string): Promise<Exhibit[]> {
  const { rows: tables } = await pool.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 order by table_name`,
    [schema],
  );
  const exhibits: Exhibit[] = [];
  for (const { table_name: table } of tables) {
    const { rows } = await pool.query<{ row: string }>(`select row_to_json(t)::text as row from "${schema}"."${table}" t`);
    rows.forEach((r, i) => exhibits.push({ source: 'catalog', where: `${table}[${i}]`, text: r.row }));
  }
  return exhibits;
}
