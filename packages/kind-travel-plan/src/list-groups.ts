import type pg from 'pg';
import { ValidationError, type TravelInput, quoteTableName } from '@partita/contracts';
import { groupSize } from '@partita/travel';

/** A group as the planner sees it: how to refer to it in a partition, and its size (the basis of its cost). */
export interface GroupRef {
  key: string;
  size: number;
}

/**
 * Lists the groups of a travel input with their sizes; the only I/O of travel planning (PostgreSQL inputs). At most
 * `maxGroups + 1` groups are listed: one more than the limit says that the input holds too many, without reading them all.
 */
export async function listTravelGroups(input: TravelInput, source: () => pg.Pool, maxGroups: number): Promise<GroupRef[]> {
  if ('generate' in input) {
    const { seed } = input.generate;
    const groups = Math.min(input.generate.groups, maxGroups + 1);
    const refs = new Array<GroupRef>(groups);
    for (let i = 0; i < groups; i++) refs[i] = { key: String(i), size: groupSize(seed, i) };
    return refs;
  }
  if ('inline' in input) {
    return input.inline.groups.map((g) => ({ key: g.id, size: g.travellers.length }));
  }
  const { travellers, flights } = input.postgres;
  const pool = source();
  await probe(
    pool,
    `select group_id, person, home_airport, destination from ${quoteTableName(travellers)} limit 0`,
    'input.postgres.travellers',
    travellers,
  );
  await probe(
    pool,
    `select origin, destination, departure, arrival, price from ${quoteTableName(flights)} limit 0`,
    'input.postgres.flights',
    flights,
  );
  const { rows } = await pool.query<{ id: string; size: number }>(
    `select group_id::text as id, count(*)::int as size from ${quoteTableName(travellers)} group by 1 order by 1 limit $1`,
    [maxGroups + 1],
  );
  if (rows.length === 0)
    throw new ValidationError(`input.postgres.travellers: table ${travellers} has no rows`, [
      { path: 'input.postgres.travellers', message: 'no rows' },
    ]);
  return rows.map((r) => ({ key: r.id, size: r.size }));
}

/** A missing table or column is the caller's mistake (400), named with the field; anything else propagates. */
async function probe(pool: pg.Pool, sql: string, path: string, table: string): Promise<void> {
  try {
    await pool.query(sql);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 42P01 undefined_table, 42703 undefined_column, 3F000 invalid_schema_name, 42501 insufficient_privilege
    if (code === '42P01' || code === '42703' || code === '3F000' || code === '42501') {
      const message = `table ${table}: ${(err as Error).message}`;
      throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
    }
    throw err;
  }
}
