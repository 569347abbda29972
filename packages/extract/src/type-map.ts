// PostgreSQL type → Parquet column mapping. Pure: no I/O.
//
// Values are read with `COPY (select ...) TO STDOUT (FORMAT binary)` and decoded straight into the Parquet writer's
// column buffers (`binary-decoders.ts`). Each plan says which binary decoder reads the column (`wire`) and what to
// put in the COPY select list (`select`), with a cast where the column's binary form is not what the decoder reads.
// See README "Type mapping".
import { quoteIdent } from '@partita/contracts';
import type { ParquetColumn, ParquetType } from '@partita/parquet';

/** The binary COPY format a column's decoder reads. */
export type WireType =
  | 'int2'
  | 'int4'
  | 'int8'
  | 'oid'
  | 'float4'
  | 'float8'
  | 'bool'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  /** numeric → the exact unscaled value of a DECIMAL(precision, scale). */
  | 'numeric-decimal'
  /** numeric → the nearest double. */
  | 'numeric-double'
  /** The bytes as they are: text, varchar, bpchar, name, json (and what is cast to text). */
  | 'text'
  /** A version byte (1) and the text. */
  | 'jsonb'
  /** 16 bytes, written as the canonical lowercase 8-4-4-4-12 string. */
  | 'uuid'
  | 'bytea';

export interface ColumnPlan {
  name: string;
  /** The PostgreSQL type as described (for a domain: the domain's name). */
  pgType: string;
  parquet: ParquetType;
  /** DECIMAL only. */
  precision?: number;
  /** DECIMAL only. */
  scale?: number;
  nullable: boolean;
  /** TIMESTAMP_MICROS only: true for timestamptz. */
  adjustedToUTC?: boolean;
  /** How the column's binary COPY field is decoded. */
  wire: WireType;
  /** The column's expression in the COPY select list: the quoted name, cast where the decoder needs another binary form. */
  select: string;
}

/** What `planColumn` needs to know of a column (see `describeColumns`). */
export interface ColumnDescription {
  name: string;
  /** `pg_type.typname` (e.g. `int4`, `_int4`, `timestamptz`); SQL spellings (`integer`, `double precision`) are accepted too. */
  typeName: string;
  /** `atttypmod`: -1 when none. */
  typmod: number;
  nullable: boolean;
  /** `pg_type.typtype`: `b` base, `e` enum, `d` domain, `c` composite, `r` range, `m` multirange, `p` pseudo. */
  typtype?: string;
  /** For a domain: the name of its (ultimate) base type. */
  baseTypeName?: string;
}

export interface PlanOptions {
  /** How `numeric` maps: exact `DECIMAL` (default; unconstrained numeric then goes to UTF8) or `DOUBLE`. */
  numericAs?: 'decimal' | 'double';
}

/** A column whose type has no Parquet mapping. */
export class UnmappedTypeError extends Error {
  constructor(
    readonly column: string,
    readonly type: string,
  ) {
    super(`column "${column}" has type ${type}, which has no Parquet mapping`);
    this.name = 'UnmappedTypeError';
  }
}

/** A value that cannot be converted to its column's Parquet type. */
export class ValueConversionError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(`column "${column}": ${message}`);
    this.name = 'ValueConversionError';
  }
}

/** The largest DECIMAL precision the Parquet writer takes; a wider numeric is written as text. */
export const MAX_DECIMAL_PRECISION = 76;

/** numeric's typmod → precision and scale, or undefined when unconstrained. */
export function numericTypmod(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < 4) return undefined; // VARHDRSZ
  const t = typmod - 4;
  // Since PostgreSQL 15 the scale is an 11-bit signed field and may be negative or exceed the precision.
  return { precision: (t >> 16) & 0xffff, scale: ((t & 0x7ff) ^ 1024) - 1024 };
}

/** SQL spellings and aliases → `pg_type.typname`. */
const ALIASES: Record<string, string> = {
  smallint: 'int2',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  decimal: 'numeric',
  boolean: 'bool',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
};

type Mapping = { parquet: ParquetType; wire: WireType; adjustedToUTC?: boolean; cast?: string };

const TEXT: Mapping = { parquet: 'UTF8', wire: 'text' };
/** Text of a type whose binary form is not plain text (or not certainly): cast to text in the select list. */
const AS_TEXT: Mapping = { parquet: 'UTF8', wire: 'text', cast: 'text' };

/** How types with a fixed mapping map (numeric is handled apart). */
const FIXED: Record<string, Mapping> = {
  int2: { parquet: 'INT32', wire: 'int2' },
  int4: { parquet: 'INT32', wire: 'int4' },
  int8: { parquet: 'INT64', wire: 'int8' },
  oid: { parquet: 'INT64', wire: 'oid' },
  float4: { parquet: 'FLOAT', wire: 'float4' },
  float8: { parquet: 'DOUBLE', wire: 'float8' },
  bool: { parquet: 'BOOLEAN', wire: 'bool' },
  date: { parquet: 'DATE', wire: 'date' },
  timestamp: { parquet: 'TIMESTAMP_MICROS', wire: 'timestamp', adjustedToUTC: false },
  timestamptz: { parquet: 'TIMESTAMP_MICROS', wire: 'timestamptz', adjustedToUTC: true },
  bytea: { parquet: 'BINARY', wire: 'bytea' },
  text: TEXT,
  varchar: TEXT,
  bpchar: TEXT,
  name: TEXT,
  json: TEXT,
  jsonb: { parquet: 'UTF8', wire: 'jsonb' },
  uuid: { parquet: 'UTF8', wire: 'uuid' },
  // An extension type (its schema is the extension's): read through its cast to text.
  citext: AS_TEXT,
};

function normalize(typeName: string): { name: string; typmodText?: string } {
  const lower = typeName.trim().toLowerCase();
  const paren = /^([^(]*?)\s*\(([^)]*)\)\s*(.*)$/.exec(lower);
  // `numeric(10,2)`, `character varying(20)`, `timestamp(3) with time zone`
  const bare = paren ? `${paren[1]}${paren[3] ? ` ${paren[3]}` : ''}` : lower;
  const name = ALIASES[bare] ?? bare;
  return paren ? { name, typmodText: paren[2]! } : { name };
}

/** A readable type name for messages: `_int4` → `int4[]`. */
function displayType(typeName: string): string {
  return typeName.startsWith('_') ? `${typeName.slice(1)}[]` : typeName;
}

function numericMapping(c: ColumnDescription, typeText: string, options: PlanOptions): Mapping & { precision?: number; scale?: number } {
  if (options.numericAs === 'double') return { parquet: 'DOUBLE', wire: 'numeric-double' };
  let spec = numericTypmod(c.typmod);
  if (!spec && typeText) {
    const [p, s] = typeText.split(',').map((x) => Number(x.trim()));
    if (p !== undefined && Number.isInteger(p)) spec = { precision: p, scale: s !== undefined && Number.isInteger(s) ? s : 0 };
  }
  // Unconstrained numeric (or a scale outside 0..precision, or a precision the writer does not take) has no
  // DECIMAL(p,s): it is kept exact as its text.
  if (!spec || spec.precision < 1 || spec.precision > MAX_DECIMAL_PRECISION || spec.scale < 0 || spec.scale > spec.precision) {
    return AS_TEXT;
  }
  return { parquet: 'DECIMAL', wire: 'numeric-decimal', precision: spec.precision, scale: spec.scale };
}

/** The Parquet column a PostgreSQL column maps to. Throws `UnmappedTypeError` when there is none. */
export function planColumn(c: ColumnDescription, options: PlanOptions = {}): ColumnPlan {
  const { name: typeName, typmodText } = normalize(c.typeName);
  let effective = typeName;
  let shown = displayType(c.typeName);
  let mapping: Mapping & { precision?: number; scale?: number };
  if (c.typtype === 'e') {
    // An enum's binary form is its label, but the cast keeps the decoder independent of that.
    mapping = AS_TEXT;
  } else {
    if (c.typtype === 'd') {
      if (!c.baseTypeName) throw new UnmappedTypeError(c.name, `${shown} (a domain of unknown base type)`);
      effective = normalize(c.baseTypeName).name;
      shown = `${shown} (a domain over ${displayType(c.baseTypeName)})`;
    } else if (c.typtype !== undefined && c.typtype !== 'b') {
      throw new UnmappedTypeError(c.name, shown);
    }
    const fixed = effective === 'numeric' ? numericMapping(c, typmodText ?? '', options) : FIXED[effective];
    if (!fixed) throw new UnmappedTypeError(c.name, shown);
    // A domain is read as its base type.
    mapping = c.typtype === 'd' && fixed.cast === undefined ? { ...fixed, cast: effective } : fixed;
  }
  const { cast, ...plan } = mapping;
  return {
    name: c.name,
    pgType: c.typeName,
    nullable: c.nullable,
    ...plan,
    select: cast === undefined ? quoteIdent(c.name) : `${quoteIdent(c.name)}::${cast}`,
  };
}

/** The Parquet columns of the plans, for the writer. */
export function toParquetColumns(plans: readonly ColumnPlan[]): ParquetColumn[] {
  return plans.map((p) => ({
    name: p.name,
    type: p.parquet,
    nullable: p.nullable,
    ...(p.precision !== undefined ? { precision: p.precision, scale: p.scale ?? 0 } : {}),
    ...(p.adjustedToUTC !== undefined ? { adjustedToUTC: p.adjustedToUTC } : {}),
  }));
}
