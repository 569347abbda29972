import { ValidationError, type PartitionPayload, type TravelPlanSpec } from '@partita/contracts';
import { partition, toRanges } from '@partita/partition';
import { estimateGroupWork, optimizerFromSpec, parseClock } from '@partita/travel';
import { checkTravelLimits, type JobLimits } from './limits.js';
import type { Plan } from './plan.js';
import type { GroupRef } from './travel-groups.js';

/**
 * Deals a travel job's groups into partitions, within the per-job limits. Pure: the same spec and groups give the same
 * plan. Groups of a generated input travel as index ranges, the others as ids.
 */
export function planTravel(jobId: string, spec: TravelPlanSpec, groups: readonly GroupRef[], limits: JobLimits): Plan {
  checkTravelLimits(spec, groups.length, limits);
  if ('inline' in spec.input) checkInline(spec.input.inline);
  const options = optimizerFromSpec(spec.optimizer);
  const costs = groups.map((g) => estimateGroupWork(g.size, options));
  const n = Math.min(spec.partitions, groups.length);
  const lists = partition(
    groups.map((g, i) => ({ key: g.key, cost: costs[i] as number })),
    n,
    spec.partitioner,
  ).filter((l) => l.length > 0);
  const generated = 'generate' in spec.input;
  const partitions = lists.map((indices, index) => {
    const payload: PartitionPayload = {
      kind: 'travel-plan',
      jobId,
      index,
      groups: generated ? { ranges: toRanges(indices.map((i) => Number(groups[i]!.key))) } : { ids: indices.map((i) => groups[i]!.key) },
    };
    return {
      index,
      payload,
      items: indices.length,
      estimatedCost: indices.reduce((sum, i) => sum + (costs[i] as number), 0),
    };
  });
  return {
    itemsTotal: groups.length,
    partitions,
    output: { container: spec.output.container, prefix: spec.output.prefix ?? 'travel-plan' },
  };
}

/** An inline input must be self-contained: unique group ids, and flights both ways on every traveller's route. */
function checkInline(inline: Extract<TravelPlanSpec['input'], { inline: unknown }>['inline']): void {
  const routes = new Set(inline.flights.map((f) => `${f.origin}>${f.destination}`));
  const issues: { path: string; message: string }[] = [];
  inline.flights.forEach((f, i) => {
    if (parseClock(f.arrive) <= parseClock(f.depart)) {
      issues.push({ path: `input.inline.flights[${i}].arrive`, message: 'must be after depart' });
    }
  });
  const seen = new Set<string>();
  inline.groups.forEach((g, gi) => {
    if (seen.has(g.id)) issues.push({ path: `input.inline.groups[${gi}].id`, message: `duplicate group id "${g.id}"` });
    seen.add(g.id);
    const names = new Set<string>();
    g.travellers.forEach((t, ti) => {
      const path = `input.inline.groups[${gi}].travellers[${ti}]`;
      if (names.has(t.name)) issues.push({ path: `${path}.name`, message: `duplicate traveller "${t.name}" in group` });
      names.add(t.name);
      if (t.origin === g.destination) issues.push({ path: `${path}.origin`, message: 'must differ from the group destination' });
      else {
        if (!routes.has(`${t.origin}>${g.destination}`)) issues.push({ path, message: `no flights from ${t.origin} to ${g.destination}` });
        if (!routes.has(`${g.destination}>${t.origin}`)) issues.push({ path, message: `no flights from ${g.destination} to ${t.origin}` });
      }
    });
  });
  if (issues.length > 0) {
    throw new ValidationError(
      issues
        .slice(0, 20)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; '),
      issues.slice(0, 100),
    );
  }
}
