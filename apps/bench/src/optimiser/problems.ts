// The generator's groups as optimiser problems, built the way a worker builds a generated partition's groups, so the
// quality figures are those a `travel-plan` job with `input.generate` and the same seed would report.
import { buildProblem, generateGroup, generateRoute, type Flight, type RouteFlights, type TravelProblem } from '@partita/travel';

/** The seeded routes, each generated once however many groups fly it. */
export function generatedRoutes(seed: number): RouteFlights {
  const routes = new Map<string, Flight[]>();
  return (origin, destination) => {
    const key = `${origin}>${destination}`;
    let flights = routes.get(key);
    if (!flights) routes.set(key, (flights = generateRoute(seed, origin, destination)));
    return flights;
  };
}

/** Groups `0 .. count − 1` of the data set `seed`, with their flights. */
export function generatedProblems(seed: number, count: number): TravelProblem[] {
  const routes = generatedRoutes(seed);
  return Array.from({ length: count }, (_, i) => buildProblem(generateGroup(seed, i), routes));
}
