/**
 * Seeded travel groups, reproducible from (seed, index) alone so a partition
 * can carry just group ids.
 *
 * - Size: a truncated Pareto draw, X = 3 / (1 − u·(1 − (3/31)^1.2))^(1/1.2)
 *   for u uniform in [0, 1), floored: sizes 3..30, P(size ≥ s) ≈ (3/s)^1.2.
 *   Over 10^5 groups: 31 % have 3 people, median 5, mean ≈ 6.7, 90th
 *   percentile 14, 99th percentile 27.
 * - Destination: uniform over `airports()`.
 * - Origins: drawn with replacement from the other airports, weighted by
 *   1 / (1 + (km / 2500)²) of the distance to the destination, so most
 *   people live in the destination's region and a few come from far away.
 * - Names: distinct, drawn from a fixed list of 48 short first names.
 */
import { airports, distanceKm } from './airports.js';
import type { Airport } from './airports.js';
import { createRng } from './rng.js';
import type { Rng } from './rng.js';
import type { Group, Traveller } from './types.js';

/** Smallest generated group. */
export const MIN_GROUP_SIZE = 3;
/** Largest generated group. */
export const MAX_GROUP_SIZE = 30;
/** Tail exponent of the group-size distribution. */
export const GROUP_SIZE_ALPHA = 1.2;

const NAMES: readonly string[] = [
  'Ana',
  'Bo',
  'Cai',
  'Dee',
  'Eli',
  'Fay',
  'Gus',
  'Hal',
  'Ida',
  'Jo',
  'Kai',
  'Liv',
  'Max',
  'Nia',
  'Oz',
  'Pia',
  'Quin',
  'Rae',
  'Sam',
  'Tia',
  'Uma',
  'Vic',
  'Wes',
  'Xia',
  'Yan',
  'Zoe',
  'Abe',
  'Bea',
  'Cy',
  'Dot',
  'Ed',
  'Flo',
  'Gil',
  'Hana',
  'Ike',
  'Jin',
  'Kit',
  'Lou',
  'Mia',
  'Ned',
  'Ola',
  'Pat',
  'Ray',
  'Sue',
  'Ted',
  'Uli',
  'Val',
  'Wu',
];

/** Upper bound of the continuous draw; floor(X) then lies in [3, 30]. */
const UPPER = MAX_GROUP_SIZE + 1;
const TAIL_MASS = 1 - (MIN_GROUP_SIZE / UPPER) ** GROUP_SIZE_ALPHA;

/** Number of travellers of group `index`; equals `generateGroup(seed, index).travellers.length`, cheaply. */
export function groupSize(seed: number, index: number): number {
  const u = createRng(seed, 'size', index)();
  const x = MIN_GROUP_SIZE / (1 - u * TAIL_MASS) ** (1 / GROUP_SIZE_ALPHA);
  return Math.min(MAX_GROUP_SIZE, Math.max(MIN_GROUP_SIZE, Math.floor(x)));
}

/** Per destination: candidate origins and their cumulative weights. */
interface OriginTable {
  origins: Airport[];
  cumulative: Float64Array;
}

const originTables = new Map<string, OriginTable>();

function originTable(destination: Airport): OriginTable {
  let table = originTables.get(destination.code);
  if (table === undefined) {
    const origins = airports().filter((a) => a.code !== destination.code);
    const cumulative = new Float64Array(origins.length);
    let total = 0;
    origins.forEach((a, k) => {
      total += 1 / (1 + (distanceKm(a, destination) / 2500) ** 2);
      cumulative[k] = total;
    });
    table = { origins, cumulative };
    originTables.set(destination.code, table);
  }
  return table;
}

function drawOrigin(table: OriginTable, rng: Rng): string {
  const { origins, cumulative } = table;
  const target = rng() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return origins[lo]!.code;
}

/** Group `g<index>` of the data set identified by `seed`. */
export function generateGroup(seed: number, index: number): Group {
  const size = groupSize(seed, index);
  const rng = createRng(seed, 'group', index);
  const all = airports();
  const destination = all[Math.floor(rng() * all.length)]!;
  const table = originTable(destination);
  const names = NAMES.slice();
  const travellers: Traveller[] = [];
  for (let k = 0; k < size; k++) {
    // Partial Fisher–Yates: names[k] becomes a random unused name.
    const j = k + Math.floor(rng() * (names.length - k));
    [names[k], names[j]] = [names[j]!, names[k]!];
    travellers.push({ name: names[k]!, origin: drawOrigin(table, rng) });
  }
  return { id: `g${index}`, destination: destination.code, travellers };
}
