import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';

export type SpecFormat = 'json' | 'yaml';

/** A spec that cannot be read or parsed: bad input (exit code 2). */
export class SpecFileError extends Error {
  override readonly name = 'SpecFileError';
}

/** The format a file's extension names; null when it names none (`-`, `.txt`, no extension): detect it from the text. */
export function formatFromPath(path: string): SpecFormat | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return null;
}

/** JSON when the text starts like a JSON object or array, else YAML. */
export function detectFormat(text: string): SpecFormat {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('{') || start.startsWith('[') ? 'json' : 'yaml';
}

/** Parses a spec's text; `source` names it in errors. The result must be an object (the API checks the rest). */
export function parseSpec(text: string, format: SpecFormat | null, source: string): Record<string, unknown> {
  const body = text.replace(/^\uFEFF/, '');
  const chosen = format ?? detectFormat(body);
  if (body.trim() === '') throw new SpecFileError(`${source} is empty`);
  let value: unknown;
  if (chosen === 'json') {
    try {
      value = JSON.parse(body);
    } catch (err) {
      throw new SpecFileError(`${source} is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    const doc = parseDocument(body, { prettyErrors: true, uniqueKeys: true });
    const problem = doc.errors[0];
    if (problem) throw new SpecFileError(`${source} is not valid YAML: ${problem.message}`);
    value = doc.toJS({ maxAliasCount: 100 });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SpecFileError(`${source} must hold one job spec (an object with a "kind"), not ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/** Reads a spec from a file, or from stdin for `-`; the extension picks the format, else the text does. */
export async function readSpecFile(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Record<string, unknown>> {
  if (path === '-') return parseSpec(await readAll(stdin), null, 'stdin');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new SpecFileError(`cannot read ${path}: ${why}`);
  }
  return parseSpec(text, formatFromPath(path), path);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
