// PostgreSQL type → Parquet column mapping. Pure: no I/O.
//
// Values arrive as PostgreSQL's text output (type parsers disabled, or COPY text) and are cast here,
// early and explicitly, into what the Parquet writer takes. See README "Type mapping".

export type ParquetPhysical =
  'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'UTF8' | 'BINARY' | 'DATE' | 'TIMESTAMP_MICROS' | 'DECIMAL';

export interface ColumnPlan {
  name: string;
  /** The PostgreSQL type as described (for a domain: the domain's name). */
  pgType: string;
  parquet: ParquetPhysical;
  /** DECIMAL only. */
  precision?: number;
  /** DECIMAL only. */
  scale?: number;
  nullable: boolean;
  /** TIMESTAMP_MICROS only: true for timestamptz. */
  adjustedToUTC?: boolean;
  /** Turns PostgreSQL's text output of a non-NULL value into the value for the writer. Never called for NULL. */
  convert(text: string): unknown;
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

// ---------------------------------------------------------------------------------------------
// Decimals

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * The unscaled value of a decimal written in plain notation (no exponent): `decimalToUnscaled('-12.30', 2)` is `-1230n`.
 * Rejects fractional digits beyond `scale` (unless they are zeros, which lose nothing) and, given `precision`,
 * values of more than `precision` significant digits.
 */
export function decimalToUnscaled(text: string, scale: number, precision?: number): bigint {
  if (!Number.isInteger(scale) || scale < 0) throw new RangeError(`decimal scale must be an integer >= 0, got ${scale}`);
  const m = DECIMAL_TEXT.exec(text);
  const intPart = m?.[2] ?? '';
  let frac = m?.[3] ?? '';
  if (!m || (intPart === '' && frac === '')) throw new RangeError(`not a plain decimal number: ${JSON.stringify(text)}`);
  if (frac.length > scale) {
    const excess = frac.slice(scale);
    if (!/^0*$/.test(excess)) throw new RangeError(`${text} has more than ${scale} fractional digits`);
    frac = frac.slice(0, scale);
  }
  const digits = (intPart + frac.padEnd(scale, '0')).replace(/^0+/, '');
  if (precision !== undefined && digits.length > precision) {
    throw new RangeError(`${text} does not fit DECIMAL(${precision},${scale})`);
  }
  const magnitude = digits === '' ? 0n : BigInt(digits);
  return m[1] === '-' ? -magnitude : magnitude;
}

/** numeric's typmod → precision and scale, or undefined when unconstrained. */
export function numericTypmod(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < 4) return undefined; // VARHDRSZ
  const t = typmod - 4;
  // Since PostgreSQL 15 the scale is an 11-bit signed field and may be negative or exceed the precision.
  return { precision: (t >> 16) & 0xffff, scale: ((t & 0x7ff) ^ 1024) - 1024 };
}

// ---------------------------------------------------------------------------------------------
// Dates and timestamps (ISO DateStyle text output), computed in integers: no JS Date.

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DATE_TEXT = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
const TIMESTAMP_TEXT = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?( BC)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function checkInfinity(column: string, text: string, what: string): void {
  if (text === 'infinity' || text === '-infinity') {
    throw new ValueConversionError(column, `${what} ${text} cannot be written to Parquet`);
  }
}

/** Days of 0001-01-01, the earliest value written: years BC are refused. */
const FIRST_DAY = -719_162;

function beforeYearOne(column: string, text: string, what: string): ValueConversionError {
  return new ValueConversionError(column, `${what} ${text} is before 0001-01-01, not supported`);
}

function civilDays(column: string, text: string, y: string, mo: string, d: string, bc: boolean): number {
  // 1 BC is the proleptic year 0.
  const year = bc ? 1 - Number(y) : Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (Number(y) < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new ValueConversionError(column, `invalid date ${JSON.stringify(text)}`);
  }
  return daysFromCivil(year, month, day);
}

function notIso(column: string, text: string, what: string): ValueConversionError {
  return new ValueConversionError(column, `cannot read ${what} ${JSON.stringify(text)} (the session must use DateStyle ISO)`);
}

/** `date` text output → days since 1970-01-01. */
export function parseDate(text: string, column = '?'): number {
  checkInfinity(column, text, 'date');
  const m = DATE_TEXT.exec(text);
  if (!m) throw notIso(column, text, 'date');
  const days = civilDays(column, text, m[1]!, m[2]!, m[3]!, m[4] !== undefined);
  if (days < FIRST_DAY) throw beforeYearOne(column, text, 'date');
  return days;
}

/**
 * `timestamp` / `timestamptz` text output → microseconds since the epoch. A timestamp without zone is taken
 * as UTC wall clock; a timestamptz's printed offset (e.g. `-04:56:02` for local mean time) is subtracted.
 */
export function parseTimestamp(text: string, column = '?', withZone = false): bigint {
  const what = withZone ? 'timestamptz' : 'timestamp';
  checkInfinity(column, text, what);
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m || (m[8] !== undefined) !== withZone) throw notIso(column, text, what);
  const days = civilDays(column, text, m[1]!, m[2]!, m[3]!, m[9] !== undefined);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (h > 23 || mi > 59 || s > 59) throw new ValueConversionError(column, `invalid ${what} ${JSON.stringify(text)}`);
  const micros = BigInt((m[7] ?? '').padEnd(6, '0'));
  let total = BigInt(days) * 86_400_000_000n + BigInt(h * 3600 + mi * 60 + s) * 1_000_000n + micros;
  if (m[8] !== undefined) {
    const offset = m[8];
    const sign = offset.startsWith('-') ? -1 : 1;
    const parts = offset.slice(1).replace(/:/g, '');
    const seconds = Number(parts.slice(0, 2)) * 3600 + Number(parts.slice(2, 4) || '0') * 60 + Number(parts.slice(4, 6) || '0');
    total -= BigInt(sign * seconds) * 1_000_000n;
  }
  // Checked on the UTC instant: under a zone west of UTC, 0001-01-01 00:00 UTC prints as a day of 1 BC.
  if (total < BigInt(FIRST_DAY) * 86_400_000_000n) throw beforeYearOne(column, text, what);
  return total;
}

// ---------------------------------------------------------------------------------------------
// Converters

const INTEGER_TEXT = /^[+-]?\d+$/;

function toInt32(column: string, text: string): number {
  const n = Number(text);
  if (!INTEGER_TEXT.test(text) || n < -(2 ** 31) || n > 2 ** 31 - 1) {
    throw new ValueConversionError(column, `not a 32-bit integer: ${JSON.stringify(text)}`);
  }
  return n;
}

function toInt64(column: string, text: string): bigint {
  if (!INTEGER_TEXT.test(text)) throw new ValueConversionError(column, `not an integer: ${JSON.stringify(text)}`);
  return BigInt(text);
}

const FLOAT_TEXT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|-?Infinity)$/;

function toFloat(column: string, text: string): number {
  if (!FLOAT_TEXT.test(text)) throw new ValueConversionError(column, `not a number: ${JSON.stringify(text)}`);
  return Number(text);
}

function toBoolean(column: string, text: string): boolean {
  if (text === 't' || text === 'true') return true;
  if (text === 'f' || text === 'false') return false;
  throw new ValueConversionError(column, `not a boolean: ${JSON.stringify(text)}`);
}

function toBytes(column: string, text: string): Buffer {
  if (!/^\\x(?:[0-9a-fA-F]{2})*$/.test(text)) {
    throw new ValueConversionError(column, 'bytea is not in hex output format (the session must use bytea_output = hex)');
  }
  return Buffer.from(text.slice(2), 'hex');
}

// ---------------------------------------------------------------------------------------------
// The mapping

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

/** How types with a fixed mapping map (numeric is handled apart). */
const FIXED: Record<string, { parquet: ParquetPhysical; convert: (column: string, text: string) => unknown; adjustedToUTC?: boolean }> = {
  int2: { parquet: 'INT32', convert: toInt32 },
  int4: { parquet: 'INT32', convert: toInt32 },
  int8: { parquet: 'INT64', convert: toInt64 },
  oid: { parquet: 'INT64', convert: toInt64 },
  float4: { parquet: 'FLOAT', convert: toFloat },
  float8: { parquet: 'DOUBLE', convert: toFloat },
  bool: { parquet: 'BOOLEAN', convert: toBoolean },
  date: { parquet: 'DATE', convert: (c, t) => parseDate(t, c) },
  timestamp: { parquet: 'TIMESTAMP_MICROS', convert: (c, t) => parseTimestamp(t, c, false), adjustedToUTC: false },
  timestamptz: { parquet: 'TIMESTAMP_MICROS', convert: (c, t) => parseTimestamp(t, c, true), adjustedToUTC: true },
  bytea: { parquet: 'BINARY', convert: toBytes },
  ...Object.fromEntries(
    ['text', 'varchar', 'bpchar', 'name', 'uuid', 'json', 'jsonb', 'citext'].map((t) => [
      t,
      { parquet: 'UTF8' as const, convert: (_c: string, text: string) => text },
    ]),
  ),
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

function numericPlan(c: ColumnDescription, typeText: string, options: PlanOptions): Omit<ColumnPlan, 'name' | 'pgType' | 'nullable'> {
  const name = c.name;
  if (options.numericAs === 'double') {
    return { parquet: 'DOUBLE', convert: (text) => toFloat(name, text) };
  }
  let spec = numericTypmod(c.typmod);
  if (!spec && typeText) {
    const [p, s] = typeText.split(',').map((x) => Number(x.trim()));
    if (p !== undefined && Number.isInteger(p)) spec = { precision: p, scale: s !== undefined && Number.isInteger(s) ? s : 0 };
  }
  // Unconstrained numeric (or a scale outside 0..precision) has no DECIMAL(p,s): kept exact as its text.
  if (!spec || spec.precision < 1 || spec.scale < 0 || spec.scale > spec.precision) {
    return { parquet: 'UTF8', convert: (text) => text };
  }
  const { precision, scale } = spec;
  return {
    parquet: 'DECIMAL',
    precision,
    scale,
    convert: (text) => {
      try {
        return decimalToUnscaled(text, scale, precision);
      } catch (error) {
        throw new ValueConversionError(name, (error as Error).message);
      }
    },
  };
}

/** The Parquet column a PostgreSQL column maps to. Throws `UnmappedTypeError` when there is none. */
export function planColumn(c: ColumnDescription, options: PlanOptions = {}): ColumnPlan {
  const { name: typeName, typmodText } = normalize(c.typeName);
  let effective = typeName;
  let shown = displayType(c.typeName);
  if (c.typtype === 'e') {
    return { name: c.name, pgType: c.typeName, parquet: 'UTF8', nullable: c.nullable, convert: (text) => text };
  }
  if (c.typtype === 'd') {
    if (!c.baseTypeName) throw new UnmappedTypeError(c.name, `${shown} (a domain of unknown base type)`);
    effective = normalize(c.baseTypeName).name;
    shown = `${shown} (a domain over ${displayType(c.baseTypeName)})`;
  } else if (c.typtype !== undefined && c.typtype !== 'b') {
    throw new UnmappedTypeError(c.name, shown);
  }
  const base = { name: c.name, pgType: c.typeName, nullable: c.nullable };
  if (effective === 'numeric') return { ...base, ...numericPlan(c, typmodText ?? '', options) };
  const fixed = FIXED[effective];
  if (!fixed) throw new UnmappedTypeError(c.name, shown);
  const column = c.name;
  const convert = fixed.convert;
  return {
    ...base,
    parquet: fixed.parquet,
    ...(fixed.adjustedToUTC !== undefined ? { adjustedToUTC: fixed.adjustedToUTC } : {}),
    convert: (text) => convert(column, text),
  };
}
