// The lines of a program's text: stdout, progress on fd 3, and JSON-lines output files.
import type { Readable } from 'node:stream';
import { PermanentError } from '@partita/contracts';
import type { ColumnType } from '@partita/sdk';
import { outputRow } from './encoding.js';

/** Longest line a program may write: stdout, progress, CSV records and lines of output files. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Splits a stream into lines of at most MAX_LINE_BYTES, calling `onLine` for each, in order, awaited; fails when the
 * stream holds more than `maxBytes`. Returns the bytes it read.
 */
export async function eachLine(
  stream: Readable,
  what: string,
  onLine: (line: string, n: number) => Promise<void> | void,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<number> {
  let pending = '';
  let n = 0;
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw new PermanentError(`${what} is larger than ${maxBytes} bytes (maxOutputBytes)`);
    pending += chunk.toString('utf8');
    let at: number;
    while ((at = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (line.trim() !== '') await onLine(line, ++n);
    }
    if (pending.length > MAX_LINE_BYTES) throw new PermanentError(`${what} line ${n + 1} is longer than ${MAX_LINE_BYTES} bytes`);
  }
  if (pending.trim() !== '') await onLine(pending, ++n);
  return bytes;
}

/** One JSON line a program wrote (line `n` of `what`) as a row of `columns`; an error names the line. */
export function jsonLineRow(
  what: string,
  line: string,
  n: number,
  columns: readonly { name: string; type: ColumnType; nullable?: boolean }[],
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new PermanentError(`${what} line ${n} is not JSON: ${line.slice(0, 80)}`);
  }
  return outputRow(`${what} line ${n}`, parsed, columns);
}
