import { ValidationError, type SqlExtractSpec, type TravelPlanSpec } from '@partita/contracts';

/** Per-job limits (MAX_PARTITIONS_PER_JOB, MAX_GROUPS_PER_JOB, MAX_ROWS_PER_JOB, MAX_STATEMENT_TIMEOUT_MS, PLAN_TIMEOUT_MS). */
export interface JobLimits {
  partitions: number;
  groups: number;
  rows: number;
  /** The longest statement timeout an extract may ask for, in ms. */
  statementTimeoutMs: number;
  /** How long planning one job may take, and each of its statements, in ms. */
  planTimeoutMs: number;
  /** Most partitions not yet ended that one API token may have. */
  queuedPartitionsPerToken: number;
}

type CountedLimit = 'partitions' | 'groups' | 'rows';

const SETTING: { [K in CountedLimit]: string } = {
  partitions: 'MAX_PARTITIONS_PER_JOB',
  groups: 'MAX_GROUPS_PER_JOB',
  rows: 'MAX_ROWS_PER_JOB',
};

const n = (value: number): string => value.toLocaleString('en-US');

/** A 400 naming the field and the limit it exceeds; sending the same job again will not help. */
function overLimit(path: string, what: CountedLimit, limit: number, text: string): ValidationError {
  const message = `${text}, over this master's limit of ${n(limit)} ${what} per job (${SETTING[what]})`;
  return new ValidationError(`${path}: ${message}`, [{ path, message }]);
}

/**
 * A travel job's groups and partitions against the limits. `groups` is the number of groups listed, which stops at
 * one more than the limit (see listTravelGroups): above the limit, the message takes the number from the spec when it
 * has one. The partitions counted are the ones the job would get: never more than its groups.
 */
export function checkTravelLimits(spec: TravelPlanSpec, groups: number, limits: JobLimits): void {
  const input = spec.input;
  if (groups > limits.groups) {
    if ('generate' in input) throw overLimit('input.generate.groups', 'groups', limits.groups, `${n(input.generate.groups)} groups`);
    if ('inline' in input) throw overLimit('input.inline.groups', 'groups', limits.groups, `${n(input.inline.groups.length)} groups`);
    const text = `table ${input.postgres.travellers} holds more than ${n(limits.groups)} groups`;
    throw overLimit('input.postgres.travellers', 'groups', limits.groups, text);
  }
  checkPartitionCount(Math.min(spec.partitions, groups), limits);
}

/** The partitions a job would get (its `partitions` field) against MAX_PARTITIONS_PER_JOB. */
export function checkPartitionCount(partitions: number, limits: JobLimits): void {
  if (partitions > limits.partitions) throw overLimit('partitions', 'partitions', limits.partitions, `${n(partitions)} partitions`);
}

/** An extract's requested chunk count, checked before the source is read (the count is in the spec). */
export function checkChunkCount(spec: SqlExtractSpec, limits: JobLimits): void {
  if ('count' in spec.chunks && spec.chunks.count > limits.partitions) {
    throw overLimit('chunks.count', 'partitions', limits.partitions, `${n(spec.chunks.count)} chunks`);
  }
}

/**
 * An extract's rows (the planner's count or estimate of the source's rows) and the chunks that `rowsPerChunk` gives
 * for them, checked before the chunks' bounds are computed.
 */
export function checkExtractRows(spec: SqlExtractSpec, estimatedRows: number, limits: JobLimits): void {
  if (estimatedRows > limits.rows) {
    throw overLimit('source', 'rows', limits.rows, `the source holds about ${n(estimatedRows)} rows`);
  }
  if ('rowsPerChunk' in spec.chunks) {
    const perChunk = spec.chunks.rowsPerChunk;
    const chunks = Math.ceil(estimatedRows / perChunk);
    if (chunks > limits.partitions) {
      const fewest = Math.ceil(estimatedRows / limits.partitions);
      const text = `${n(perChunk)} rows per chunk give ${n(chunks)} chunks for about ${n(estimatedRows)} rows (ask for at least ${n(fewest)} rows per chunk)`;
      throw overLimit('chunks.rowsPerChunk', 'partitions', limits.partitions, text);
    }
  }
}

/** An extract's statement timeout against MAX_STATEMENT_TIMEOUT_MS: every chunk's read has one, and it is bounded. */
export function checkStatementTimeout(spec: SqlExtractSpec, limits: JobLimits): void {
  if (spec.statementTimeoutMs > limits.statementTimeoutMs) {
    const message = `${n(spec.statementTimeoutMs)} ms is over this master's limit of ${n(limits.statementTimeoutMs)} ms (MAX_STATEMENT_TIMEOUT_MS)`;
    throw new ValidationError(`statementTimeoutMs: ${message}`, [{ path: 'statementTimeoutMs', message }]);
  }
}
