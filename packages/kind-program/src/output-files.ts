import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PermanentError } from '@partita/contracts';
import { readParquet, readParquetSchema } from '@partita/parquet';
import { csvRecords } from './csv.js';
import type { ColumnType } from '@partita/sdk';
import { outputRow } from './encoding.js';
import { MAX_LINE_BYTES, eachLine, jsonLineRow } from './lines.js';

type Columns = readonly { name: string; type: ColumnType; nullable?: boolean }[];
type OnRow = (row: Record<string, unknown>) => Promise<void>;

/** The formats of output files, by their name's ending. */
const FORMATS: Record<string, 'jsonl' | 'csv' | 'parquet'> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.parquet': 'parquet',
};

const formatOf = (name: string) => FORMATS[/\.[^.]+$/.exec(name)?.[0]?.toLowerCase() ?? ''];

/** A CSV field as the JSON value its column takes: numbers and booleans parsed, everything else text. */
function csvValue(type: ColumnType, text: string | null): unknown {
  if (text === null) return null;
  switch (type) {
    case 'INT32':
    case 'FLOAT':
    case 'DOUBLE': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    case 'BOOLEAN':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

/**
 * Calls `onRow`, awaited, for each row of the files a program left in its output directory, in name order, checked
 * and converted to `columns`:
 * JSON lines (`.jsonl`, `.ndjson`) as stdout's, CSV (`.csv`, with a header of column names) in the same encoding as
 * text, and Parquet (`.parquet`) whose columns must be the declared ones with their types. Any other file, or files
 * larger than `maxBytes` together (stdout's `used` bytes counted), fails the partition for good, naming the file.
 */
export async function eachOutputFileRow(dir: string, columns: Columns, maxBytes: number, used: number, onRow: OnRow): Promise<void> {
  const names = (await readdir(dir)).sort();
  let bytes = used;
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path);
    const format = formatOf(name);
    if (!info.isFile() || !format) {
      throw new PermanentError(`output file ${name}: not a .jsonl, .ndjson, .csv or .parquet file (see docs/programs.md)`);
    }
    bytes += info.size;
    if (bytes > maxBytes) throw new PermanentError(`output is larger than ${maxBytes} bytes (maxOutputBytes), with output file ${name}`);
    const what = `output file ${name}`;
    if (format === 'parquet') await parquetRows(path, what, columns, onRow);
    else if (format === 'csv') await csvRows(path, what, columns, onRow);
    else await eachLine(createReadStream(path), what, (line, n) => onRow(jsonLineRow(what, line, n, columns)));
  }
}

async function csvRows(path: string, what: string, columns: Columns, onRow: OnRow): Promise<void> {
  let header: string[] | null = null;
  for await (const record of csvRecords(createReadStream(path), what, MAX_LINE_BYTES)) {
    if (header === null) {
      header = record.fields.map((f) => f ?? '');
      continue;
    }
    if (record.fields.length !== header.length) {
      throw new PermanentError(`${what} line ${record.line}: ${record.fields.length} fields, the header has ${header.length}`);
    }
    const parsed: Record<string, unknown> = {};
    header.forEach((name, i) => {
      const type = columns.find((c) => c.name === name)?.type ?? 'UTF8';
      parsed[name] = csvValue(type, record.fields[i]!);
    });
    await onRow(outputRow(`${what} line ${record.line}`, parsed, columns));
  }
}

async function parquetRows(path: string, what: string, columns: Columns, onRow: OnRow): Promise<void> {
  const data = await readFile(path);
  let schema;
  try {
    schema = readParquetSchema(data);
  } catch (err) {
    throw new PermanentError(`${what} is not a Parquet file: ${(err as Error).message}`);
  }
  for (const column of schema) {
    const declared = columns.find((c) => c.name === column.name);
    if (!declared) throw new PermanentError(`${what}: column "${column.name}" is not one of the program's columns`);
    if (column.type !== declared.type) {
      throw new PermanentError(`${what}: column "${column.name}" is ${column.declared}, the program declares ${declared.type}`);
    }
  }
  const { rows } = await readParquet(data, { exact: true });
  for (const row of rows) {
    for (const c of columns) {
      const value = row[c.name];
      // DATE comes back as days since the epoch, BINARY as bytes: the writer takes both as they are.
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[c.name] = Buffer.from(value);
    }
    await onRow(row);
  }
}
