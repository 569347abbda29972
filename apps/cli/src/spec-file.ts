import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseAllDocuments, parseDocument, type Document } from 'yaml';

export type SpecFormat = 'json' | 'yaml';

/** A spec that cannot be read or parsed: bad input (exit code 2). */
export class SpecFileError extends Error {
  override readonly name = 'SpecFileError';
}

const YAML_OPTIONS = { prettyErrors: true, uniqueKeys: true } as const;
const TO_JS_OPTIONS = { maxAliasCount: 100 } as const;

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
  const body = nonEmptyBody(text, source);
  let value: unknown;
  if ((format ?? detectFormat(body)) === 'json') value = parseJson(body, source);
  else {
    const doc = parseDocument(body, YAML_OPTIONS);
    value = yamlValue(doc, source);
  }
  if (!isObject(value)) {
    throw new SpecFileError(`${source} must hold one job spec (an object with a "kind"), not ${describe(value)}`);
  }
  return value;
}

export interface ObjectsOptions {
  /** What each object is, for messages: `pipeline`. */
  noun: string;
  /** The key of a wrapping object that holds the list, as in `{ pipelines: [...] }`; none by default. */
  listKey?: string;
}

/**
 * Parses a file of one or more objects (the API checks each): one object, a list of objects, an object whose only
 * key is `listKey` holding that list, or (YAML) several documents separated by `---`, each one object. Empty YAML
 * documents (a trailing `---`) are skipped. `source` names the file in errors; the list may not be empty.
 */
export function parseObjects(text: string, format: SpecFormat | null, source: string, options: ObjectsOptions): Record<string, unknown>[] {
  const body = nonEmptyBody(text, source);
  let objects: Record<string, unknown>[];
  if ((format ?? detectFormat(body)) === 'json') objects = unwrapObjects(parseJson(body, source), source, options);
  else {
    const docs = parseAllDocuments(body, YAML_OPTIONS);
    const values = docs.map((doc, i) => ({ n: i + 1, value: yamlValue(doc, docs.length > 1 ? `${source} (document ${i + 1})` : source) }));
    // A stream's empty documents (a trailing `---`) read as null.
    const given = values.length > 1 ? values.filter((d) => d.value !== null) : values;
    if (given.length === 1) objects = unwrapObjects(given[0]!.value, source, options);
    else
      objects = given.map(({ n, value }) => {
        if (isObject(value)) return value;
        throw new SpecFileError(`${source}: document ${n} must be one ${options.noun} (an object), not ${describe(value)}`);
      });
  }
  if (objects.length === 0) throw new SpecFileError(`${source} holds no ${options.noun}`);
  return objects;
}

/** One object, a list of objects, or `{ [listKey]: [...] }`: the objects. */
function unwrapObjects(value: unknown, source: string, options: ObjectsOptions): Record<string, unknown>[] {
  const { noun, listKey } = options;
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (isObject(value) && listKey !== undefined && listKey in value) {
    const others = Object.keys(value).filter((k) => k !== listKey);
    if (others.length > 0) throw new SpecFileError(`${source}: next to "${listKey}" there must be nothing else, found "${others[0]}"`);
    const inner = value[listKey];
    if (!Array.isArray(inner)) throw new SpecFileError(`${source}: "${listKey}" must be a list, not ${describe(inner)}`);
    list = inner;
  } else if (isObject(value)) return [value];
  else {
    const wrapper = listKey === undefined ? '' : ` or {"${listKey}": [...]}`;
    throw new SpecFileError(`${source} must hold one ${noun} (an object), a list of them${wrapper}, not ${describe(value)}`);
  }
  return list.map((item, i) => {
    if (!isObject(item))
      throw new SpecFileError(`${source}: item ${i + 1} of the list must be one ${noun} (an object), not ${describe(item)}`);
    return item;
  });
}

function nonEmptyBody(text: string, source: string): string {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new SpecFileError(`${source} is empty`);
  return body;
}

function parseJson(body: string, source: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    throw new SpecFileError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
}

function yamlValue(doc: Document.Parsed, source: string): unknown {
  const problem = doc.errors[0];
  if (problem) throw new SpecFileError(`${source} is not valid YAML: ${problem.message}`);
  return doc.toJS(TO_JS_OPTIONS) as unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Reads a spec from a file, or from stdin for `-`; the extension picks the format, else the text does. */
export async function readSpecFile(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Record<string, unknown>> {
  const { text, format, source } = await readSource(path, stdin);
  return parseSpec(text, format, source);
}

/** Reads one or more objects (see parseObjects) from a file, or from stdin for `-`. */
export async function readObjectsFile(
  path: string,
  options: ObjectsOptions,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Record<string, unknown>[]> {
  const { text, format, source } = await readSource(path, stdin);
  return parseObjects(text, format, source, options);
}

/** A file's text and the format its extension names, or stdin's for `-`; unreadable files are SpecFileErrors. */
async function readSource(
  path: string,
  stdin: NodeJS.ReadableStream,
): Promise<{ text: string; format: SpecFormat | null; source: string }> {
  if (path === '-') return { text: await readAll(stdin), format: null, source: 'stdin' };
  try {
    return { text: await readFile(path, 'utf8'), format: formatFromPath(path), source: path };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new SpecFileError(`cannot read ${path}: ${why}`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
