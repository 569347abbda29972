// What a schedule of partitions could at best take, and what it takes when workers pull partitions off a queue:
// the balance suite's yardsticks, free of the machine's noise.

/**
 * Makespan of partitions taken in queue order, each by whichever of `workers` is free first (ties: the lowest
 * worker), as the workers of a job pull its messages: list scheduling of `work` in the given order.
 *
 * @param work each partition's work, in queue order; finite and ≥ 0.
 * @param workers a positive integer.
 */
export function simulateMakespan(work: readonly number[], workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const free = new Array<number>(workers).fill(0);
  for (const w of work) {
    assertWork(w);
    let next = 0;
    for (let k = 1; k < workers; k++) if (free[k]! < free[next]!) next = k;
    free[next]! += w;
  }
  return Math.max(...free);
}

/**
 * No schedule on `workers` workers ends before every group's work is shared out evenly, nor before its largest
 * group (a group is never split): max(largest, total / workers).
 */
export function makespanLowerBound(groupWork: readonly number[], workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  let total = 0;
  let largest = 0;
  for (const w of groupWork) {
    assertWork(w);
    total += w;
    largest = Math.max(largest, w);
  }
  return Math.max(largest, total / workers);
}

/** Share of the total work carried by the largest ⌈fraction·n⌉ items: how skewed a population is. */
export function topShare(work: readonly number[], fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`fraction must be in (0, 1], got ${fraction}`);
  if (work.length === 0) throw new RangeError('top share of nothing');
  work.forEach(assertWork);
  const sorted = [...work].sort((a, b) => b - a);
  const total = sorted.reduce((s, w) => s + w, 0);
  if (total === 0) throw new RangeError('top share of no work');
  const top = sorted.slice(0, Math.ceil(fraction * sorted.length)).reduce((s, w) => s + w, 0);
  return top / total;
}

/** Each partition's work: the sum of its groups' work (partitions as lists of group indices). */
export function partitionWork(lists: readonly (readonly number[])[], groupWork: readonly number[]): number[] {
  return lists.map((list) =>
    list.reduce((sum, i) => {
      const w = groupWork[i];
      if (w === undefined) throw new RangeError(`group ${i} has no measured work`);
      return sum + w;
    }, 0),
  );
}

function assertWork(w: number): void {
  if (!Number.isFinite(w) || w < 0) throw new RangeError(`work must be finite and ≥ 0, got ${w}`);
}
