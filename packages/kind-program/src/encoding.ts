import { PermanentError } from '@partita/contracts';
import type { ColumnType } from '@partita/sdk';

/**
 * A value as a program reads it, in JSON: 64-bit integers and decimals as strings (exact), timestamps as ISO-8601
 * UTC with microseconds (`2026-01-02T03:04:05.123000Z`), dates as `YYYY-MM-DD`, bytes as base64.
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

/** A column of a `groupsOf` input, as planned: name, Parquet type and the details its Parquet file needs. */
export interface InputColumn {
  name: string;
  type: string;
  nullable: boolean;
  precision?: number;
  scale?: number;
  adjustedToUTC?: boolean;
}

/** Microseconds since the epoch as ISO-8601 UTC with all six digits: `2026-01-02T03:04:05.123456Z`. */
export function isoMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const rest = micros - ms * 1000n;
  return new Date(Number(ms)).toISOString().replace(/Z$/, `${rest.toString().padStart(3, '0')}Z`);
}

/** A row of a group in the protocol's encoding: timestamps (exact microseconds) by their column's type. */
export function encodeRow(row: Record<string, unknown>, columns: readonly InputColumn[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = row[c.name];
    out[c.name] = c.type === 'TIMESTAMP_MICROS' && typeof value === 'bigint' ? isoMicros(value) : toJsonValue(value);
  }
  return out;
}

/** One JSON line of a program's input. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(toJsonValue(value))}\n`;
}

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A JSON value of a program's output as its column's value, or why it does not fit. */
function fromJson(type: ColumnType, value: unknown): { value: unknown } | { problem: string } {
  if (value === null || value === undefined) return { value: null };
  switch (type) {
    case 'BOOLEAN':
      return typeof value === 'boolean' ? { value } : { problem: 'must be true or false' };
    case 'INT32':
    case 'FLOAT':
    case 'DOUBLE':
      return typeof value === 'number' ? { value } : { problem: 'must be a number' };
    case 'INT64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { value };
      if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) return { value: BigInt(value) };
      return { problem: 'must be an integer (a string for values beyond 2^53)' };
    case 'UTF8':
      return typeof value === 'string' ? { value } : { problem: 'must be a string' };
    case 'BINARY':
      return typeof value === 'string' ? { value: Buffer.from(value, 'base64') } : { problem: 'must be a base64 string' };
    case 'DATE':
      return typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
        ? { value: new Date(`${value}T00:00:00Z`) }
        : { problem: 'must be a date YYYY-MM-DD' };
    case 'TIMESTAMP_MICROS': {
      const m = typeof value === 'string' ? ISO.exec(value) : null;
      const ms = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN;
      if (!m || Number.isNaN(ms)) return { problem: 'must be an ISO-8601 timestamp with a zone (…Z or ±hh:mm)' };
      const micros = BigInt(ms) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0'));
      return { value: micros };
    }
  }
}

/**
 * Converts one parsed output record to a row of `columns`; a value that does not fit fails the partition, naming
 * `where` (`output line 3`, `output file a.csv line 3`) and the column.
 */
export function outputRow(where: string, parsed: unknown, columns: readonly { name: string; type: ColumnType }[]): Record<string, unknown> {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PermanentError(`${where}: must be a JSON object with the program's columns`);
  }
  const source = parsed as Record<string, unknown>;
  const unknown = Object.keys(source).filter((k) => !columns.some((c) => c.name === k));
  if (unknown.length > 0) throw new PermanentError(`${where}: column "${unknown[0]}" is not one of the program's columns`);
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    const converted = fromJson(column.type, source[column.name]);
    if ('problem' in converted) {
      const shown = JSON.stringify(source[column.name]).slice(0, 80);
      throw new PermanentError(`${where}, column "${column.name}": ${shown} ${converted.problem} (${column.type})`);
    }
    row[column.name] = converted.value;
  }
  return row;
}
