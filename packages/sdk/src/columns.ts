import { OUTPUT_COLUMN_TYPES, type OutputColumn } from '@partita/contracts';

/** Parquet column types a kind's output may declare (logical types where one applies), as the extract maps them. */
export type ColumnType = OutputColumn['type'];

/** A declared output column: its type, or its type and whether it may hold nulls (default: not). */
export type ColumnDecl = ColumnType | { type: ColumnType; nullable?: boolean };

/** A kind's output columns, by name, in file order. */
export type ColumnsDecl = Record<string, ColumnDecl>;

/** The values a row may hold for each column type (see @partita/parquet for the ranges). */
interface ValueOf {
  BOOLEAN: boolean;
  INT32: number;
  INT64: number | bigint;
  FLOAT: number;
  DOUBLE: number;
  UTF8: string;
  BINARY: Uint8Array;
  DATE: Date | number;
  TIMESTAMP_MICROS: Date | bigint;
}

type TypeOf<D> = D extends ColumnType ? D : D extends { type: infer T } ? T : never;
type Nullable<D> = D extends { nullable: true } ? null | undefined : never;

/** One output row of a kind whose columns are `C`: what `ctx.write` takes. */
export type RowOf<C extends ColumnsDecl> = { [K in keyof C]: ValueOf[TypeOf<C[K]> & keyof ValueOf] | Nullable<C[K]> };

const TYPES: readonly ColumnType[] = OUTPUT_COLUMN_TYPES;

/** A column name Parquet readers and SQL engines take without quoting. */
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The declared columns as the manifest publishes them; a bad declaration is a programming error, named. */
export function toOutputColumns(columns: ColumnsDecl): OutputColumn[] {
  const out = Object.entries(columns).map(([name, decl]) => {
    const type = typeof decl === 'string' ? decl : decl.type;
    if (!COLUMN_NAME.test(name)) throw new TypeError(`output column "${name}": must be letters, digits and _, not starting with a digit`);
    if (!TYPES.includes(type)) throw new TypeError(`output column "${name}": unknown type ${String(type)} (one of ${TYPES.join(', ')})`);
    return { name, type, nullable: typeof decl === 'string' ? false : decl.nullable === true };
  });
  if (out.length === 0) throw new TypeError('output.columns: declare at least one column, or no output at all');
  return out;
}
