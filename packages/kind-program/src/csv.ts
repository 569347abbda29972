import type { Readable } from 'node:stream';
import { PermanentError } from '@partita/contracts';

/*
 * CSV as programs read and write it (RFC 4180): a header row of column names, comma-separated fields, a field quoted
 * with `"` when it holds a comma, a quote, CR or LF (a quote inside doubled). An empty unquoted field is null; an
 * empty string is written `""`. Values use the protocol's encoding (see encoding.ts), as text.
 */

/** One field: null as nothing, a string quoted when it must be (and when empty), anything else as JSON text. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are JSON text; String is for the primitives left
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record and its line end. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(field).join(',')}\n`;
}

/** A parsed record: each field's text, null for an empty unquoted one; `line` is where the record starts. */
export interface CsvRecord {
  line: number;
  fields: (string | null)[];
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the next character says whether it was doubled or closed the field. */
  QuoteInQuoted,
}

/**
 * The records of a CSV stream, parsed as they arrive (a record may span lines inside quotes; LF or CRLF line ends;
 * blank lines skipped). A record over `maxRecordBytes`, text after a closing quote, or an unterminated quote fails
 * for good, naming `what` and the line.
 */
export async function* csvRecords(stream: Readable, what: string, maxRecordBytes: number): AsyncGenerator<CsvRecord> {
  let state = State.FieldStart;
  let fields: (string | null)[] = [];
  let text = '';
  let quoted = false;
  let size = 0;
  let line = 1;
  let start = 1;
  let skipLf = false;
  const endField = () => {
    fields.push(text === '' && !quoted ? null : text);
    text = '';
    quoted = false;
    state = State.FieldStart;
  };
  /** Ends the record at a line end; returns it unless the line was blank. */
  const endRecord = (c: string): CsvRecord | null => {
    const blank = fields.length === 0 && text === '' && !quoted;
    if (!blank) endField();
    const record = blank ? null : { line: start, fields };
    fields = [];
    size = 0;
    line++;
    start = line;
    skipLf = c === '\r';
    state = State.FieldStart;
    return record;
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    for (const c of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
      if (skipLf) {
        skipLf = false;
        if (c === '\n') continue;
      }
      if (++size > maxRecordBytes) throw new PermanentError(`${what} line ${start}: a record longer than ${maxRecordBytes} bytes`);
      const lineEnd = c === '\n' || c === '\r';
      switch (state) {
        case State.Quoted:
          if (c === '"') state = State.QuoteInQuoted;
          else {
            if (c === '\n') line++;
            text += c;
          }
          continue;
        case State.QuoteInQuoted:
          if (c === '"') {
            text += '"';
            state = State.Quoted;
            continue;
          }
          if (c !== ',' && !lineEnd) throw new PermanentError(`${what} line ${line}: text after a closing quote`);
          break;
        case State.FieldStart:
          if (c === '"') {
            quoted = true;
            state = State.Quoted;
            continue;
          }
          break;
        case State.Unquoted:
          break;
      }
      if (c === ',') endField();
      else if (lineEnd) {
        const record = endRecord(c);
        if (record) yield record;
      } else {
        text += c;
        state = State.Unquoted;
      }
    }
  }
  if (state === State.Quoted) throw new PermanentError(`${what} line ${start}: a quote is never closed`);
  const last = endRecord('\n');
  if (last) yield last;
}
