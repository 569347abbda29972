import { describe, expect, it } from 'vitest';
import { TravelPlanSpec, ValidationError } from '@partita/contracts';
import type { PlanLimits } from '@partita/sdk';
import { checkTravelGroups } from './limits.js';
import { planTravel } from './plan.fixture.js';

const LIMITS: PlanLimits = { partitions: 5, units: 50, rows: 1000, statementTimeoutMs: 60_000, planTimeoutMs: 30_000 };

const travel = (input: unknown, partitions?: number) =>
  TravelPlanSpec.parse({ kind: 'travel-plan', input, ...(partitions === undefined ? {} : { partitions }) });
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

describe('per-job limits of travel jobs', () => {
  it('travel groups: generated, inline and PostgreSQL inputs are refused above the limit, with the field and the limit', () => {
    expect(refusal(() => checkTravelGroups(travel({ generate: { groups: 51 } }, 5), 51, LIMITS.units))).toEqual({
      path: 'input.generate.groups',
      message: "51 groups, over this master's limit of 50 groups per job (MAX_GROUPS_PER_JOB)",
    });
    // The generated groups are listed only up to one more than the limit: the message takes the spec's number.
    expect(refusal(() => checkTravelGroups(travel({ generate: { groups: 900_000 } }, 5), 51, LIMITS.units)).message).toMatch(
      /^900,000 groups/,
    );
    expect(refusal(() => checkTravelGroups(travel(inline(51), 5), 51, LIMITS.units))).toMatchObject({ path: 'input.inline.groups' });
    const pg = travel({ postgres: { travellers: 's.travellers', flights: 's.flights' } }, 5);
    expect(refusal(() => checkTravelGroups(pg, 51, LIMITS.units))).toEqual({
      path: 'input.postgres.travellers',
      message: "table s.travellers holds more than 50 groups, over this master's limit of 50 groups per job (MAX_GROUPS_PER_JOB)",
    });
    expect(() => checkTravelGroups(travel({ generate: { groups: 50 } }, 5), 50, LIMITS.units)).not.toThrow();
    expect(() => checkTravelGroups(pg, 50, LIMITS.units)).not.toThrow();
  });

  it('travel partitions: the partitions the job would get (never more than its groups) against the limit', async () => {
    const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: String(i), size: 1 }));
    const JOB = '6f1c1f43-1c55-4a43-9d0b-2f3b0c6f7a10';
    await expect(planTravel(JOB, travel({ generate: { groups: 40 } }, 6), refs(40), LIMITS)).rejects.toThrow(
      "partitions: 6 partitions, over this master's limit of 5 partitions per job (MAX_PARTITIONS_PER_JOB)",
    );
    // The default of 16 partitions, but only 5 groups: 5 partitions.
    expect((await planTravel(JOB, travel({ generate: { groups: 5 } }), refs(5), LIMITS)).partitions).toHaveLength(5);
    await expect(planTravel(JOB, travel({ generate: { groups: 6 } }), refs(6), LIMITS)).rejects.toThrow(/^partitions: 6 partitions/);
  });

  it('planTravel refuses what is over a limit and plans what is at it', async () => {
    const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: String(i), size: 1 }));
    const JOB = '6f1c1f43-1c55-4a43-9d0b-2f3b0c6f7a10';
    await expect(planTravel(JOB, travel({ generate: { groups: 51 } }, 5), refs(51), LIMITS)).rejects.toThrow(/input\.generate\.groups/);
    expect((await planTravel(JOB, travel({ generate: { groups: 50 } }, 5), refs(50), LIMITS)).partitions).toHaveLength(5);
  });
});
