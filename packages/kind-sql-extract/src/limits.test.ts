import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlExtractSpec, TravelPlanSpec, ValidationError } from '@partita/contracts';
import { checkChunkCount, checkExtractRows, checkStatementTimeout, checkTravelLimits } from './limits.js';
import { planTravel } from './travel-planner.js';

const LIMITS = {
  partitions: 5,
  groups: 50,
  rows: 1000,
  statementTimeoutMs: 60_000,
  planTimeoutMs: 30_000,
  queuedPartitionsPerToken: 200_000,
};

const travel = (input: unknown, partitions?: number) =>
  TravelPlanSpec.parse({ kind: 'travel-plan', input, ...(partitions === undefined ? {} : { partitions }) });
const extract = (chunks: unknown) =>
  SqlExtractSpec.parse({ kind: 'sql-extract', source: { table: 's.t' }, chunks, dataset: { name: 'd' } });
const inline = (groups: number) => ({
  inline: {
    groups: Array.from({ length: groups }, (_, i) => ({ id: `g${i}`, destination: 'LGA', travellers: [{ name: 'A', origin: 'BOS' }] })),
    flights: [
      { origin: 'BOS', destination: 'LGA', depart: '6:00', arrive: '7:00', price: 1 },
      { origin: 'LGA', destination: 'BOS', depart: '18:00', arrive: '19:00', price: 1 },
    ],
  },
});

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
  it('travel groups: generated, inline and PostgreSQL inputs are refused above the limit, with the field and the limit', () => {
    expect(refusal(() => checkTravelLimits(travel({ generate: { groups: 51 } }, 5), 51, LIMITS))).toEqual({
      path: 'input.generate.groups',
      message: "51 groups, over this master's limit of 50 groups per job (MAX_GROUPS_PER_JOB)",
    });
    // The generated groups are listed only up to one more than the limit: the message takes the spec's number.
    expect(refusal(() => checkTravelLimits(travel({ generate: { groups: 900_000 } }, 5), 51, LIMITS)).message).toMatch(/^900,000 groups/);
    expect(refusal(() => checkTravelLimits(travel(inline(51), 5), 51, LIMITS))).toMatchObject({ path: 'input.inline.groups' });
    const pg = travel({ postgres: { travellers: 's.travellers', flights: 's.flights' } }, 5);
    expect(refusal(() => checkTravelLimits(pg, 51, LIMITS))).toEqual({
      path: 'input.postgres.travellers',
      message: "table s.travellers holds more than 50 groups, over this master's limit of 50 groups per job (MAX_GROUPS_PER_JOB)",
    });
    expect(() => checkTravelLimits(travel({ generate: { groups: 50 } }, 5), 50, LIMITS)).not.toThrow();
    expect(() => checkTravelLimits(pg, 50, LIMITS)).not.toThrow();
  });

  it('travel partitions: the partitions the job would get (never more than its groups) against the limit', () => {
    expect(refusal(() => checkTravelLimits(travel({ generate: { groups: 40 } }, 6), 40, LIMITS))).toEqual({
      path: 'partitions',
      message: "6 partitions, over this master's limit of 5 partitions per job (MAX_PARTITIONS_PER_JOB)",
    });
    // The default of 16 partitions, but only 5 groups: 5 partitions.
    expect(() => checkTravelLimits(travel({ generate: { groups: 5 } }), 5, LIMITS)).not.toThrow();
    expect(() => checkTravelLimits(travel({ generate: { groups: 6 } }), 6, LIMITS)).toThrow(/^partitions: 6 partitions/);
    expect(() => checkTravelLimits(travel({ generate: { groups: 50 } }, 5), 50, LIMITS)).not.toThrow();
  });

  it('planTravel refuses what is over a limit and plans what is at it', () => {
    const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: String(i), size: 1 }));
    const JOB = '6f1c1f43-1c55-4a43-9d0b-2f3b0c6f7a10';
    expect(() => planTravel(JOB, travel({ generate: { groups: 51 } }, 5), refs(51), LIMITS)).toThrow(/input\.generate\.groups/);
    expect(planTravel(JOB, travel({ generate: { groups: 50 } }, 5), refs(50), LIMITS).partitions).toHaveLength(5);
  });

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
