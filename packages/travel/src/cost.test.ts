import { describe, expect, it } from 'vitest';
import { scheduleCost } from './cost.js';
import type { Flight, TravelProblem } from './types.js';

function flight(origin: string, destination: string, depart: number, arrive: number, price: number): Flight {
  return { origin, destination, depart, arrive, price };
}

/** Traveller i flies from `T<i>` to `DST` and back. */
function problemOf(routes: Array<{ out: Flight[]; back: Flight[] }>): TravelProblem {
  const travellers = routes.map((_, i) => ({ name: `P${i}`, origin: `T${i}` }));
  return {
    group: { id: 'test', destination: 'DST', travellers },
    outbound: routes.map((r) => r.out),
    inbound: routes.map((r) => r.back),
  };
}

describe('scheduleCost', () => {
  it('charges only ticket prices when nobody waits', () => {
    // One traveller: L = 600, E = 900, no waiting, 600 <= 900 so no extra day.
    // 100 + 120 = 220.
    const p = problemOf([{ out: [flight('T0', 'DST', 480, 600, 100)], back: [flight('DST', 'T0', 900, 1020, 120)] }]);
    expect(scheduleCost(p, [0, 0])).toBe(220);
  });

  it('adds waiting minutes for the latest arrival and from the earliest departure', () => {
    // Arrivals 600 and 660 -> L = 660; returns depart 900 and 960 -> E = 900.
    // Prices: 100 + 120 + 80 + 90 = 390.
    // Arrival waiting: (660 - 600) + (660 - 660) = 60.
    // Departure waiting: (900 - 900) + (960 - 900) = 60.
    // L = 660 <= E = 900: no extra day. Total 390 + 60 + 60 = 510.
    const p = problemOf([
      { out: [flight('T0', 'DST', 500, 600, 100)], back: [flight('DST', 'T0', 900, 1000, 120)] },
      { out: [flight('T1', 'DST', 560, 660, 80)], back: [flight('DST', 'T1', 960, 1060, 90)] },
    ]);
    expect(scheduleCost(p, [0, 0, 0, 0])).toBe(510);
  });

  it('adds $50 when the latest arrival is after the earliest departure', () => {
    // Arrivals 700 and 1000 -> L = 1000; returns depart 800 and 950 -> E = 800.
    // Prices: 150 + 90 + 130 + 110 = 480.
    // Arrival waiting: (1000 - 700) + 0 = 300. Departure waiting: 0 + (950 - 800) = 150.
    // L = 1000 > E = 800: + 50. Total 480 + 300 + 150 + 50 = 980.
    const p = problemOf([
      { out: [flight('T0', 'DST', 600, 700, 150)], back: [flight('DST', 'T0', 800, 900, 90)] },
      { out: [flight('T1', 'DST', 900, 1000, 130)], back: [flight('DST', 'T1', 950, 1050, 110)] },
    ]);
    expect(scheduleCost(p, [0, 0, 0, 0])).toBe(980);
  });

  it('does not charge the extra day when L equals E', () => {
    // L = E = 900: prices 10 + 20 = 30, no waiting, 900 > 900 is false.
    const p = problemOf([{ out: [flight('T0', 'DST', 800, 900, 10)], back: [flight('DST', 'T0', 900, 950, 20)] }]);
    expect(scheduleCost(p, [0, 0])).toBe(30);
  });

  it('reads traveller i from slots 2i and 2i+1', () => {
    // Traveller k, flight j: outbound arrive 600 + 60j + 10k, price 100 + 10j + k;
    //                        return depart 900 + 60j + 10k, price 200 + 10j + k.
    // Plan [2,1, 0,2, 1,0]:
    //   P0: out j=2 arrive 720 $120, back j=1 depart 960 $210
    //   P1: out j=0 arrive 610 $101, back j=2 depart 1030 $221
    //   P2: out j=1 arrive 680 $112, back j=0 depart 920 $202
    // Prices 966. L = 720: waits 0 + 110 + 40 = 150. E = 920: waits 40 + 110 + 0 = 150.
    // 720 <= 920: no fee. Total 966 + 300 = 1266.
    const routes = [0, 1, 2].map((k) => ({
      out: [0, 1, 2].map((j) => flight(`T${k}`, 'DST', 500, 600 + 60 * j + 10 * k, 100 + 10 * j + k)),
      back: [0, 1, 2].map((j) => flight('DST', `T${k}`, 900 + 60 * j + 10 * k, 1200, 200 + 10 * j + k)),
    }));
    expect(scheduleCost(problemOf(routes), [2, 1, 0, 2, 1, 0])).toBe(1266);
  });

  it('rejects plans of the wrong length or with out-of-range indices', () => {
    const p = problemOf([{ out: [flight('T0', 'DST', 480, 600, 100)], back: [flight('DST', 'T0', 900, 1020, 120)] }]);
    expect(() => scheduleCost(p, [0])).toThrow(RangeError);
    expect(() => scheduleCost(p, [0, 1])).toThrow(/slot 1/);
    expect(() => scheduleCost(p, [-1, 0])).toThrow(RangeError);
    expect(() => scheduleCost(p, [0.5, 0])).toThrow(RangeError);
  });
});
