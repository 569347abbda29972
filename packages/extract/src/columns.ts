// Describing the columns of a table or query from the PostgreSQL catalog, and planning their Parquet columns.
import { quoteTable, tableLabel, wrapQuery, type TableSpec } from '@partita/contracts';
import type pg from 'pg';
import { SourceError } from './errors.js';
import { queryOne } from './statement.js';
import { planColumn, type ColumnPlan, type PlanOptions } from './type-map.js';

export interface DescribedColumn {
  name: string;
  /** `pg_type.typname`, e.g. `int4`, `_int4` (an array), `numeric`, or a domain's or enum's own name. */
  typeName: string;
  /** The type modifier (for a domain column, the domain's), -1 when none. */
  typmod: number;
  /** False only when the column (or its domain) is declared NOT NULL. Always true for a query's columns. */
  nullable: boolean;
  typtype: string;
  /** For a domain: its ultimate base type's `typname`. */
  baseTypeName?: string;
}

export type ColumnSource = { schema?: string | undefined; table: string; columns?: string[] } | { query: string };

export interface PlanColumnsOptions extends PlanOptions {
  /** Per-column overrides, keyed by column name. */
  columns?: Record<string, PlanOptions>;
}

/** A double-quoted identifier. */
interface TypeInfo {
  typname: string;
  typtype: string;
  baseTypeName?: string;
  /** A domain's type modifier (the first one declared along its chain of domains), -1 when none. */
  domainTypmod: number;
  domainNotNull: boolean;
}

/** Type facts for the given type OIDs, following domains down to their base type. */
async function typeInfo(client: pg.ClientBase, oids: number[]): Promise<Map<number, TypeInfo>> {
  const { rows } = await client.query<{
    start: number;
    depth: number;
    typname: string;
    typtype: string;
    typtypmod: number;
    typnotnull: boolean;
  }>(
    `with recursive chain(start, depth, oid, typname, typtype, typbasetype, typtypmod, typnotnull) as (
       select t.oid, 0, t.oid, t.typname, t.typtype::text, t.typbasetype, t.typtypmod, t.typnotnull
         from pg_catalog.pg_type t where t.oid = any($1::oid[])
       union all
       select c.start, c.depth + 1, b.oid, b.typname, b.typtype::text, b.typbasetype, b.typtypmod, b.typnotnull
         from chain c join pg_catalog.pg_type b on b.oid = c.typbasetype
        where c.typtype = 'd'
     )
     select start::int8::float8 as start, depth, typname::text, typtype, typtypmod, typnotnull
       from chain order by start, depth`,
    [oids],
  );
  const chains = new Map<number, typeof rows>();
  for (const row of rows) {
    const chain = chains.get(row.start) ?? [];
    chain.push(row);
    chains.set(row.start, chain);
  }
  const info = new Map<number, TypeInfo>();
  for (const [oid, chain] of chains) {
    const first = chain[0]!;
    const last = chain[chain.length - 1]!;
    const domains = chain.filter((t) => t.typtype === 'd');
    info.set(oid, {
      typname: first.typname,
      typtype: first.typtype,
      ...(first.typtype === 'd' ? { baseTypeName: last.typname } : {}),
      domainTypmod: domains.find((t) => t.typtypmod !== -1)?.typtypmod ?? -1,
      domainNotNull: domains.some((t) => t.typnotnull),
    });
  }
  return info;
}

function describe(name: string, typeOid: number, typmod: number, notNull: boolean, types: Map<number, TypeInfo>): DescribedColumn {
  const t = types.get(typeOid);
  if (!t) throw new Error(`column "${name}" has a type (oid ${typeOid}) not found in pg_type`);
  return {
    name,
    typeName: t.typname,
    typmod: typmod !== -1 ? typmod : t.domainTypmod,
    nullable: !notNull && !t.domainNotNull,
    typtype: t.typtype,
    ...(t.baseTypeName !== undefined ? { baseTypeName: t.baseTypeName } : {}),
  };
}

async function describeTable(client: pg.ClientBase, spec: TableSpec, columns?: string[]): Promise<DescribedColumn[]> {
  const table = tableLabel(spec);
  const { rows: found } = await client.query<{ oid: string | null }>('select to_regclass($1)::oid::text as oid', [quoteTable(spec)]);
  const relid = found[0]?.oid;
  if (!relid) throw new SourceError('source.table', `table ${table} does not exist`);
  const { rows } = await client.query<{ name: string; typid: number; typmod: number; notnull: boolean }>(
    `select attname::text as name, atttypid::int8::float8 as typid, atttypmod as typmod, attnotnull as notnull
       from pg_catalog.pg_attribute
      where attrelid = $1::oid and attnum > 0 and not attisdropped
      order by attnum`,
    [relid],
  );
  let selected = rows;
  if (columns) {
    const byName = new Map(rows.map((r) => [r.name, r]));
    selected = columns.map((c) => {
      const row = byName.get(c);
      if (!row) throw new SourceError('source.columns', `column "${c}" does not exist in table ${table}`);
      return row;
    });
  }
  const types = await typeInfo(client, [...new Set(selected.map((r) => r.typid))]);
  return selected.map((r) => describe(r.name, r.typid, r.typmod, r.notnull, types));
}

async function describeQuery(client: pg.ClientBase, query: string): Promise<DescribedColumn[]> {
  const result = await queryOne(client, `select * from ${wrapQuery(query)} limit 0`);
  const types = await typeInfo(client, [...new Set(result.fields.map((f) => f.dataTypeID))]);
  return result.fields.map((f) => describe(f.name, f.dataTypeID, f.dataTypeModifier, false, types));
}

/**
 * The columns of a table (all, or the ones named, in that order) or of a query's result, from the catalog.
 * A query is not run, only planned under `limit 0`; call this inside a read-only transaction (the extract planner
 * uses its snapshot's).
 */
export async function describeColumns(client: pg.ClientBase, source: ColumnSource): Promise<DescribedColumn[]> {
  return 'query' in source ? describeQuery(client, source.query) : describeTable(client, source, source.columns);
}

/** The Parquet plan of every column; throws on the first unmapped column, before any data moves. */
export function planColumns(described: readonly DescribedColumn[], options: PlanColumnsOptions = {}): ColumnPlan[] {
  const seen = new Set<string>();
  return described.map((c) => {
    if (seen.has(c.name)) throw new SourceError('source', `column "${c.name}" appears twice; Parquet column names must be unique`);
    seen.add(c.name);
    const numericAs = options.columns?.[c.name]?.numericAs ?? options.numericAs;
    return planColumn(c, numericAs ? { numericAs } : {});
  });
}
