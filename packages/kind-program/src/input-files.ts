import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { PermanentError } from '@partita/contracts';
import { openParquetWriter, type ParquetColumn, type ParquetType } from '@partita/parquet';
import { csvRecord } from './csv.js';
import { encodeRow, jsonLine, toJsonValue, type InputColumn } from './encoding.js';

/** How a program reads its input: JSON lines (default), CSV, or Parquet written by Partita's own writer. */
export type InputFormat = 'jsonl' | 'csv' | 'parquet';

/** A partition's input: items of a range, list or grid, or the rows of whole groups of a table, with their columns. */
export type ProgramInput =
  | { type: 'items'; items: readonly unknown[] }
  | {
      type: 'groups';
      columns: readonly InputColumn[];
      rows: AsyncIterable<{ key: Record<string, unknown>; row: Record<string, unknown> }>;
    };

/** The columns of items in CSV: the keys of object items in order of first appearance, else one column `value`. */
export function itemColumns(items: readonly unknown[]): string[] {
  const objects = items.length > 0 && items.every((i) => i !== null && typeof i === 'object' && !Array.isArray(i));
  if (!objects) return ['value'];
  const names = new Set<string>();
  for (const item of items) for (const name of Object.keys(item as object)) names.add(name);
  return [...names];
}

/** Writes with backpressure. */
async function put(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

/**
 * Writes the partition's input into `dir` in `format`; returns the file's path. JSON lines: one item per line, or
 * `{"key", "row"}` per row of a group. CSV: a header, then one record per item or row (a group's rows together, its
 * key in its own columns). Parquet (groups only): the input's columns with their types, through Partita's writer.
 */
export async function writeInput(format: InputFormat, dir: string, input: ProgramInput): Promise<string> {
  const path = join(dir, `input.${format}`);
  const out = createWriteStream(path);
  try {
    if (format === 'parquet') {
      if (input.type !== 'groups') throw new PermanentError('a program that reads Parquet needs a groupsOf input (typed columns)');
      const writer = await openParquetWriter(input.columns.map(parquetColumn), out, { compression: 'SNAPPY', rowGroupSize: 65_536 });
      for await (const { row } of input.rows) await writer.append(row);
      await writer.close();
    } else if (input.type === 'items') {
      const columns = format === 'csv' ? itemColumns(input.items) : [];
      if (format === 'csv') await put(out, csvRecord(columns));
      for (const item of input.items) {
        if (format === 'jsonl') await put(out, jsonLine(item));
        else {
          const value = toJsonValue(item);
          const fields =
            columns[0] === 'value' && columns.length === 1 ? [value] : columns.map((c) => (value as Record<string, unknown>)[c]);
          await put(out, csvRecord(fields));
        }
      }
      out.end();
    } else {
      const names = input.columns.map((c) => c.name);
      if (format === 'csv') await put(out, csvRecord(names));
      for await (const { key, row } of input.rows) {
        const encoded = encodeRow(row, input.columns);
        await put(out, format === 'jsonl' ? jsonLine({ key, row: encoded }) : csvRecord(names.map((n) => encoded[n])));
      }
      out.end();
    }
    await finished(out);
    return path;
  } catch (err) {
    out.destroy();
    throw err;
  }
}

function parquetColumn(c: InputColumn): ParquetColumn {
  return {
    name: c.name,
    type: c.type as ParquetType,
    nullable: c.nullable,
    ...(c.precision !== undefined ? { precision: c.precision } : {}),
    ...(c.scale !== undefined ? { scale: c.scale } : {}),
    ...(c.adjustedToUTC !== undefined ? { adjustedToUTC: c.adjustedToUTC } : {}),
  };
}
