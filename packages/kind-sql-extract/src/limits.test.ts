import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlExtractSpec, ValidationError } from '@partita/contracts';
import type { PlanLimits } from '@partita/sdk';
import { checkChunkCount, checkExtractRows, checkStatementTimeout } from './limits.js';

const LIMITS: PlanLimits = { partitions: 5, units: 50, rows: 1000, statementTimeoutMs: 60_000, planTimeoutMs: 30_000 };

const extract = (chunks: unknown) =>
  SqlExtractSpec.parse({ kind: 'sql-extract', source: { table: 's.t' }, chunks, dataset: { name: 'd' } });
/** The single issue of a refusal: its path and message. */
function refusal(fn: () => void): { path: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const e = err as ValidationError;
    expect(e.statusCode).toBe(400);
    expect(e.issues).toHaveLength(1);
    expect(e.message).toBe(`${e.issues![0]!.path}: ${e.issues![0]!.message}`);
    return e.issues![0]!;
  }
  throw new Error('expected a refusal');
}

describe('per-job limits', () => {
  it('extract chunks: a count over the limit before anything is read; rowsPerChunk and rows once they are counted', () => {
    expect(refusal(() => checkChunkCount(extract({ count: 6 }), LIMITS))).toEqual({
      path: 'chunks.count',
      message: "6 chunks, over this master's limit of 5 partitions per job (MAX_PARTITIONS_PER_JOB)",
    });
    expect(() => checkChunkCount(extract({ count: 5 }), LIMITS)).not.toThrow();
    expect(() => checkChunkCount(extract({ rowsPerChunk: 1 }), LIMITS)).not.toThrow();

    expect(refusal(() => checkExtractRows(extract({ rowsPerChunk: 100 }), 501, LIMITS))).toEqual({
      path: 'chunks.rowsPerChunk',
      message:
        "100 rows per chunk give 6 chunks for about 501 rows (ask for at least 101 rows per chunk), over this master's limit of 5 partitions per job (MAX_PARTITIONS_PER_JOB)",
    });
    expect(() => checkExtractRows(extract({ rowsPerChunk: 100 }), 500, LIMITS)).not.toThrow();
    expect(() => checkExtractRows(extract({ count: 5 }), 1000, LIMITS)).not.toThrow();
    expect(refusal(() => checkExtractRows(extract({ count: 5 }), 1001, LIMITS))).toEqual({
      path: 'source',
      message: "the source holds about 1,001 rows, over this master's limit of 1,000 rows per job (MAX_ROWS_PER_JOB)",
    });
  });

  it("statement timeout: always one (0 is refused by the schema), and never over the master's cap", () => {
    const spec = (statementTimeoutMs: number) =>
      SqlExtractSpec.safeParse({ kind: 'sql-extract', source: { table: 's.t' }, statementTimeoutMs, dataset: { name: 'd' } });
    expect(spec(0).success).toBe(false);
    expect(refusal(() => checkStatementTimeout(spec(60_001).data!, LIMITS))).toEqual({
      path: 'statementTimeoutMs',
      message: "60,001 ms is over this master's limit of 60,000 ms (MAX_STATEMENT_TIMEOUT_MS)",
    });
    expect(() => checkStatementTimeout(spec(60_000).data!, LIMITS)).not.toThrow();
  });

  it('rowsPerChunk: refused exactly when its chunks exceed the limit, and the suggested size is accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 2000 }), (rows, perChunk) => {
        const spec = extract({ rowsPerChunk: perChunk });
        const over = Math.ceil(rows / perChunk) > LIMITS.partitions;
        if (!over) return void expect(() => checkExtractRows(spec, rows, LIMITS)).not.toThrow();
        const { message } = refusal(() => checkExtractRows(spec, rows, LIMITS));
        const fewest = Number(/at least ([\d,]+) rows/.exec(message)![1]!.replaceAll(',', ''));
        expect(() => checkExtractRows(extract({ rowsPerChunk: fewest }), rows, LIMITS)).not.toThrow();
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
