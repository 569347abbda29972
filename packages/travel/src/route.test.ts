import { describe, expect, it } from 'vitest';
import { airports, distanceKm, airport } from './airports.js';
import { FIRST_DEPARTURE, LAST_DEPARTURE, MAX_FLIGHTS, MIN_FLIGHTS, generateRoute } from './route.js';

describe('generateRoute', () => {
  const codes = airports().map((a) => a.code);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < codes.length; i += 3) for (let j = 1; j < codes.length; j += 4) if (i !== j) pairs.push([codes[i]!, codes[j]!]);

  it('produces 10-50 sorted flights with sane times and prices', () => {
    const counts = new Set<number>();
    for (const [o, d] of pairs) {
      const flights = generateRoute(2, o, d);
      counts.add(flights.length);
      expect(flights.length).toBeGreaterThanOrEqual(MIN_FLIGHTS);
      expect(flights.length).toBeLessThanOrEqual(MAX_FLIGHTS);
      flights.forEach((f, k) => {
        expect(f.origin).toBe(o);
        expect(f.destination).toBe(d);
        expect(Number.isInteger(f.depart) && Number.isInteger(f.arrive) && Number.isInteger(f.price)).toBe(true);
        expect(f.depart).toBeGreaterThanOrEqual(FIRST_DEPARTURE);
        expect(f.depart).toBeLessThanOrEqual(LAST_DEPARTURE);
        expect(f.arrive).toBeGreaterThan(f.depart);
        expect(f.price).toBeGreaterThan(0);
        if (k > 0) expect(f.depart).toBeGreaterThanOrEqual(flights[k - 1]!.depart);
      });
    }
    expect(Math.min(...counts)).toBe(MIN_FLIGHTS);
    expect(Math.max(...counts)).toBeGreaterThan(40);
  });

  it('is deterministic per (seed, origin, destination)', () => {
    expect(generateRoute(4, 'LHR', 'JFK')).toEqual(generateRoute(4, 'LHR', 'JFK'));
    expect(generateRoute(4, 'LHR', 'JFK')).not.toEqual(generateRoute(5, 'LHR', 'JFK'));
    expect(generateRoute(4, 'JFK', 'LHR')[0]!.origin).toBe('JFK');
  });

  it('makes long hauls longer, rarer and dearer than short hops', () => {
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const short = generateRoute(1, 'LHR', 'CDG');
    const long = generateRoute(1, 'LHR', 'SYD');
    expect(median(long.map((f) => f.arrive - f.depart))).toBeGreaterThan(10 * median(short.map((f) => f.arrive - f.depart)));
    expect(median(long.map((f) => f.price))).toBeGreaterThan(5 * median(short.map((f) => f.price)));
    expect(long.length).toBeLessThan(short.length);
    // Long hauls may land on the next day (minutes beyond 1440).
    expect(long.some((f) => f.arrive > 24 * 60)).toBe(true);
  });

  it('rejects unknown airports and same-airport routes', () => {
    expect(() => generateRoute(1, 'XXX', 'LHR')).toThrow(/XXX/);
    expect(() => generateRoute(1, 'LHR', 'LHR')).toThrow(/same/);
  });
});

describe('airports', () => {
  it('lists at least 40 real airports with unique codes and valid coordinates', () => {
    const list = airports();
    expect(list.length).toBeGreaterThanOrEqual(40);
    expect(new Set(list.map((a) => a.code)).size).toBe(list.length);
    for (const a of list) {
      expect(a.code).toMatch(/^[A-Z]{3}$/);
      expect(Math.abs(a.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(a.lon)).toBeLessThanOrEqual(180);
    }
  });

  it('measures great-circle distances', () => {
    // London Heathrow - New York JFK is about 5540 km; Sydney - London about 17 000 km.
    expect(distanceKm(airport('LHR'), airport('JFK'))).toBeGreaterThan(5450);
    expect(distanceKm(airport('LHR'), airport('JFK'))).toBeLessThan(5600);
    expect(distanceKm(airport('SYD'), airport('LHR'))).toBeGreaterThan(16_800);
    expect(distanceKm(airport('CDG'), airport('CDG'))).toBe(0);
  });
});
