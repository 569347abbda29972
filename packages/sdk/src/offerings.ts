import type { OutputColumn } from '@partita/contracts';

/**
 * One thing a kind offers beyond its spec schema, named by a field of a job's spec: a registered program of the
 * `program` kind, a model of a scoring kind. Everything here is shown to any reader of `GET /kinds`: never a
 * secret, a credential or an environment variable's value.
 */
export interface Offering {
  /** What a job's spec names it by (the value of the kind's `field`). */
  name: string;
  /** Its own version, when it has one. */
  version?: string;
  /** One line on what it does. */
  description?: string;
  /** Short facts worth showing, in order: what it runs, how it reads its input, its limits. */
  facts?: readonly OfferingFact[];
  /** JSON Schema of what a job gives it (e.g. a program's `params`). */
  params?: Record<string, unknown>;
  /** The columns its output has, when they are its own. */
  columns?: readonly OutputColumn[];
}

/** A labelled fact about an offering: `{ label: 'runs', value: 'Python · python3 forecast.py' }`. */
export interface OfferingFact {
  label: string;
  value: string;
}

/** What a kind's `offerings` hook returns: the offerings and how a job picks one. */
export interface Offerings {
  /** What they are, plural: `programs`, `models`. */
  noun: string;
  /** The spec field whose value names one: `program`. */
  field: string;
  items: readonly Offering[];
}

/**
 * A kind's offerings as the master shows them, checked: null for a kind without the hook. A hook that returns a
 * malformed answer (or throws) is a programming error of the kind, named.
 */
export function offeringsOf(kind: { name: string; offerings: (() => Offerings) | undefined }): Offerings | null {
  if (!kind.offerings) return null;
  const where = `kind "${kind.name}": offerings`;
  let answer: Offerings;
  try {
    answer = kind.offerings();
  } catch (err) {
    throw new TypeError(`${where} failed: ${(err as Error).message}`, { cause: err });
  }
  // A hook written in JavaScript may return anything.
  const { noun, field, items } = (answer ?? {}) as Partial<Record<keyof Offerings, unknown>>;
  if (!isText(noun) || !isText(field) || !Array.isArray(items)) throw new TypeError(`${where} must return { noun, field, items }`);
  const listed = items as readonly (Offering | null | undefined)[];
  const seen = new Set<string>();
  for (const item of listed) {
    if (!isText(item?.name)) throw new TypeError(`${where}: every item needs a name`);
    if (seen.has(item.name)) throw new TypeError(`${where}: "${item.name}" is listed twice`);
    seen.add(item.name);
  }
  return {
    noun,
    field,
    items: (listed as readonly Offering[]).map((item) => ({
      name: item.name,
      ...(item.version !== undefined ? { version: item.version } : {}),
      ...(item.description !== undefined ? { description: item.description } : {}),
      ...(item.facts !== undefined ? { facts: item.facts.map(({ label, value }) => ({ label, value })) } : {}),
      ...(item.params !== undefined ? { params: item.params } : {}),
      ...(item.columns !== undefined ? { columns: item.columns.map((c) => ({ ...c })) } : {}),
    })),
  };
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
