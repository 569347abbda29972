import { ValidationError, type SqlExtractSpec } from '@partita/contracts';
import { overLimit, type PlanLimits } from '@partita/sdk';

const n = (value: number): string => value.toLocaleString('en-US');
const PARTITIONS = (value: number) => ({ value, noun: 'partitions', setting: 'MAX_PARTITIONS_PER_JOB' });

/** An extract's requested chunk count, checked before the source is read (the count is in the spec). */
export function checkChunkCount(spec: SqlExtractSpec, limits: PlanLimits): void {
  if ('count' in spec.chunks && spec.chunks.count > limits.partitions) {
    throw overLimit('chunks.count', `${n(spec.chunks.count)} chunks`, PARTITIONS(limits.partitions));
  }
}

/**
 * An extract's rows (the planner's count or estimate of the source's rows) and the chunks that `rowsPerChunk` gives
 * for them, checked before the chunks' bounds are computed.
 */
export function checkExtractRows(spec: SqlExtractSpec, estimatedRows: number, limits: PlanLimits): void {
  if (estimatedRows > limits.rows) {
    throw overLimit('source', `the source holds about ${n(estimatedRows)} rows`, {
      value: limits.rows,
      noun: 'rows',
      setting: 'MAX_ROWS_PER_JOB',
    });
  }
  if ('rowsPerChunk' in spec.chunks) {
    const perChunk = spec.chunks.rowsPerChunk;
    const chunks = Math.ceil(estimatedRows / perChunk);
    if (chunks > limits.partitions) {
      const fewest = Math.ceil(estimatedRows / limits.partitions);
      const text = `${n(perChunk)} rows per chunk give ${n(chunks)} chunks for about ${n(estimatedRows)} rows (ask for at least ${n(fewest)} rows per chunk)`;
      throw overLimit('chunks.rowsPerChunk', text, PARTITIONS(limits.partitions));
    }
  }
}

/** An extract's statement timeout against MAX_STATEMENT_TIMEOUT_MS: every chunk's read has one, and it is bounded. */
export function checkStatementTimeout(spec: SqlExtractSpec, limits: PlanLimits): void {
  if (spec.statementTimeoutMs > limits.statementTimeoutMs) {
    const message = `${n(spec.statementTimeoutMs)} ms is over this master's limit of ${n(limits.statementTimeoutMs)} ms (MAX_STATEMENT_TIMEOUT_MS)`;
    throw new ValidationError(`statementTimeoutMs: ${message}`, [{ path: 'statementTimeoutMs', message }]);
  }
}
