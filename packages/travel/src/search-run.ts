/**
 * The contract shared by the heuristic searches: one seeded run over a
 * compiled problem, returning its best vector and that vector's cost.
 */
import type { CompiledProblem } from './evaluator.js';
import type { ResolvedParams } from './params.js';
import type { Rng } from './rng.js';

/** The best vector one run found and its (fast-evaluator) cost. */
export interface RunResult {
  vector: Int32Array;
  cost: number;
}

/** One independent run of a heuristic. */
export type SearchRun = (problem: CompiledProblem, params: ResolvedParams, rng: Rng) => RunResult;
