import { ValidationError } from '@partita/contracts';

const n = (value: number): string => value.toLocaleString('en-US');

/**
 * A 400 naming the field and the master's limit it exceeds, e.g.
 * `input.groups: 900 groups, over this master's limit of 500 groups per job (MAX_GROUPS_PER_JOB)`.
 */
export function overLimit(path: string, text: string, limit: { value: number; noun: string; setting: string }): ValidationError {
  const message = `${text}, over this master's limit of ${n(limit.value)} ${limit.noun} per job (${limit.setting})`;
  return new ValidationError(`${path}: ${message}`, [{ path, message }]);
}

/** The partitions a job would get against MAX_PARTITIONS_PER_JOB. */
export function checkPartitionCount(partitions: number, limit: number, path = 'partitions'): void {
  if (partitions > limit)
    throw overLimit(path, `${n(partitions)} partitions`, { value: limit, noun: 'partitions', setting: 'MAX_PARTITIONS_PER_JOB' });
}
