import { z } from 'zod';
import { HEARTBEAT_LOST_MS, type JobView, type KindView } from '@partita/contracts';
import type { Catalog } from '@partita/catalog';
import type { JobRecord } from '../views/jobs.js';
import type { KindRegistry } from '@partita/kinds';
import { offeringsOf, type Offerings } from '@partita/sdk';

/**
 * A job as the API shows it: the catalog's view, and the kind's own fields of it (an extract's chunking and
 * completeness) when this master knows the kind. What only the platform reads stays out.
 */
export function jobView(record: JobRecord, kinds: KindRegistry): JobView {
  const { details, columns: _columns, queue: _queue, ...view } = record;
  const kind = kinds.get(record.kind);
  if (!kind?.view || !details) return view;
  return { ...view, ...kind.view(details, record.partitions) };
}

/**
 * The kinds this master serves, with the live workers that serve each (any version of it) and what each offers
 * beyond its spec, as this master's registry knows it (its own PARTITA_PROGRAMS, say).
 */
export async function kindViews(kinds: KindRegistry, catalog: Catalog): Promise<KindView[]> {
  const workers = await catalog.workers.live(HEARTBEAT_LOST_MS);
  return kinds.list().map(({ kind }) => ({
    name: kind.name,
    version: kind.version,
    description: kind.description,
    itemNoun: kind.units,
    queue: kinds.queueOf(kind),
    input: { type: kind.input.type, fixed: kind.input.fixed },
    columns: kind.columns && [...kind.columns],
    cpu: kind.cpu,
    spec: z.toJSONSchema(kind.specSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    workers: workers.flatMap((w) => w.kinds.filter((k) => k.name === kind.name).map((k) => ({ id: w.id, version: k.version }))),
    ...offeringsView(offeringsOf(kind)),
  }));
}

/** A kind's offerings in the view's shape; nothing for a kind without them. */
function offeringsView(offerings: Offerings | null): Pick<KindView, 'offerings'> {
  if (!offerings) return {};
  return {
    offerings: {
      noun: offerings.noun,
      field: offerings.field,
      items: offerings.items.map(({ facts, columns, ...item }) => ({
        ...item,
        ...(facts ? { facts: [...facts] } : {}),
        ...(columns ? { columns: [...columns] } : {}),
      })),
    },
  };
}
