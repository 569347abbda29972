import type pg from 'pg';
import { ValidationError, type TravelInput } from '@partita/contracts';
import { groupSize } from '@partita/travel';

/** A group as the planner sees it: how to refer to it in a partition, and its size (the basis of its cost). */
export interface GroupRef {
  key: string;
  size: number;
}

/**
 * Lists the groups of a generated or inline travel input with their sizes. At most `maxGroups + 1` groups are listed:
 * one more than the limit says that the input holds too many, without generating them all.
 */
export function listTravelGroups(input: TravelInput, maxGroups: number): GroupRef[] {
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
  throw new Error('listTravelGroups: groups of a postgres input are listed by groupsOf');
}

/** A missing table or column is the caller's mistake (400), named with the field; anything else propagates. */
export async function probe(pool: pg.Pool, sql: string, path: string, table: string): Promise<void> {
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
