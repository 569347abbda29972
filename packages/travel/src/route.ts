/**
 * Seeded, realistic-looking flight schedules for one route.
 *
 * - Flights per route: 50 − 40·min(1, km / 10 000) plus uniform noise in
 *   [−6, 6], clamped to [10, 50]: busy short hops, sparse long hauls.
 * - Departures: uniform over 06:00–22:00, on a 5-minute grid, sorted.
 * - Duration: 30 minutes taxi + km / 820 km/h, plus 0, 5 or 10 minutes per
 *   flight (aircraft type), rounded to 5 minutes. Arrival = departure +
 *   duration on the same clock, so a late or long flight can arrive after
 *   1440 (the next day); nothing is capped.
 * - Price: (40 + 0.09 $/km) × time-of-day factor × noise, whole dollars,
 *   at least $20. The time-of-day factor adds up to +35 % around 08:00 and
 *   +30 % around 18:00 (Gaussian bumps, σ = 90 min) and takes 15 % off
 *   departures before 07:00 or after 21:00; the noise factor is
 *   exp(0.3 · z) with z an approximately standard normal draw (Irwin–Hall).
 */
import { airport, distanceKm } from './airports.js';
import { createRng, randomInt } from './rng.js';
import type { Rng } from './rng.js';
import type { Flight } from './types.js';

/** Fewest flights a generated route has. */
export const MIN_FLIGHTS = 10;
/** Most flights a generated route has. */
export const MAX_FLIGHTS = 50;
/** First departure of the day: 06:00. */
export const FIRST_DEPARTURE = 6 * 60;
/** Last departure of the day: 22:00. */
export const LAST_DEPARTURE = 22 * 60;

const TAXI_MINUTES = 30;
const CRUISE_KMH = 820;

function bump(minutes: number, centre: number, sigma: number): number {
  const z = (minutes - centre) / sigma;
  return Math.exp(-0.5 * z * z);
}

/** Multiplier on the base fare for a departure time. */
function timeOfDayFactor(depart: number): number {
  let factor = 1 + 0.35 * bump(depart, 8 * 60, 90) + 0.3 * bump(depart, 18 * 60, 90);
  if (depart < 7 * 60 || depart > 21 * 60) factor *= 0.85;
  return factor;
}

/** An approximately standard normal draw (sum of 12 uniforms − 6). */
function normal(rng: Rng): number {
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += rng();
  return sum - 6;
}

function roundTo5(minutes: number): number {
  return Math.round(minutes / 5) * 5;
}

/**
 * The flights from `origin` to `destination` (IATA codes from `airports()`),
 * deterministic per (seed, origin, destination) and sorted by departure.
 *
 * @throws Error for an unknown code or when origin equals destination.
 */
export function generateRoute(seed: number, origin: string, destination: string): Flight[] {
  if (origin === destination) throw new Error(`route ${origin}->${destination} has the same origin and destination`);
  const km = distanceKm(airport(origin), airport(destination));
  const rng = createRng(seed, 'route', origin, destination);
  const typical = MAX_FLIGHTS - (MAX_FLIGHTS - MIN_FLIGHTS) * Math.min(1, km / 10_000);
  const count = Math.min(MAX_FLIGHTS, Math.max(MIN_FLIGHTS, Math.round(typical) + randomInt(rng, -6, 6)));
  const cruise = TAXI_MINUTES + (km / CRUISE_KMH) * 60;
  const baseFare = 40 + 0.09 * km;
  const flights: Flight[] = [];
  for (let k = 0; k < count; k++) {
    const depart = FIRST_DEPARTURE + 5 * randomInt(rng, 0, (LAST_DEPARTURE - FIRST_DEPARTURE) / 5);
    const duration = Math.max(5, roundTo5(cruise + 5 * randomInt(rng, 0, 2)));
    const noise = Math.exp(0.3 * normal(rng));
    const price = Math.max(20, Math.round(baseFare * timeOfDayFactor(depart) * noise));
    flights.push({ origin, destination, depart, arrive: depart + duration, price });
  }
  flights.sort((a, b) => a.depart - b.depart || a.arrive - b.arrive || a.price - b.price);
  return flights;
}
