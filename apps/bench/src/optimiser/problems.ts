// The generator's groups as optimiser problems, built the way a worker builds a generated partition's groups, so the
// quality figures are those a `travel-plan` job with `input.generate` and the same seed would report.
import { buildProblem, generateGroup, type TravelProblem } from '@partita/travel';
import { generatedRoutes } from '../travel/group-work.js';

export { generatedRoutes };

/** Groups `0 .. count − 1` of the data set `seed`, with their flights. */
export function generatedProblems(seed: number, count: number): TravelProblem[] {
  const routes = generatedRoutes(seed);
  return Array.from({ length: count }, (_, i) => buildProblem(generateGroup(seed, i), routes));
}
