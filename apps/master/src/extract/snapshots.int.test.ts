import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@partita/telemetry';
import { exportSnapshot } from '@partita/extract';
import { SnapshotRegistry } from './snapshots.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('a snapshot another master holds', () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  afterAll(() => pool.end());
  const registry = () =>
    new SnapshotRegistry({
      log: createLogger({ name: 't', level: 'silent' }),
      recordCount: async () => undefined,
      counted: () => undefined,
      source: () => pool,
    });

  it('counts as pending while it is held and not counted, and no longer once its holder released it', async () => {
    const holder = await exportSnapshot(pool);
    const other = registry();
    expect(await other.countPending('j', { snapshotId: holder.id, sourceRows: null })).toBe(true);
    expect(await other.countPending('j', { snapshotId: holder.id, sourceRows: 10 })).toBe(false); // counted
    expect(await other.countPending('j', { snapshotId: null, sourceRows: null })).toBe(false); // none exported
    await holder.release();
    expect(await other.countPending('j', { snapshotId: holder.id, sourceRows: null })).toBe(false); // its master stopped
  });

  it('the holder releases the snapshots of jobs that ended elsewhere, and keeps the others', async () => {
    const holder = registry();
    const a = await exportSnapshot(pool);
    const b = await exportSnapshot(pool);
    holder.keep('a', a, 'select 1');
    holder.keep('b', b, 'select 1');
    expect(await holder.releaseEnded(async () => new Set(['b']))).toEqual(['a']);
    expect(holder.heldJobs()).toEqual(['b']);
    await holder.releaseAll();
  });
});
