/**
 * Maximal marginal relevance: picks k of the candidates, trading relevance to the query against
 * redundancy with what is already picked. `diversity` 0 keeps the relevance order; 1 ignores
 * relevance after the first pick. Candidates' vectors are unit length, so a dot product is a cosine.
 */
import { dotSlice } from "./normalise.ts";

export interface MmrCandidate {
  readonly score: number;
  readonly vector: Float32Array;
}

/** Indices of the chosen candidates, in pick order. */
export function maximalMarginalRelevance(candidates: readonly MmrCandidate[], k: number, diversity: number): number[] {
  if (!(diversity >= 0 && diversity <= 1)) throw new RangeError(`diversity must be between 0 and 1; got ${diversity}`);
  const lambda = 1 - diversity;
  const picked: number[] = [];
  const maxSim = new Float64Array(candidates.length).fill(-Infinity);
  const left = new Set(candidates.keys());
  while (picked.length < k && left.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of left) {
      const redundancy = picked.length === 0 ? 0 : maxSim[i];
      const value = lambda * candidates[i].score - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    picked.push(best);
    left.delete(best);
    for (const i of left) {
      const sim = dotSlice(candidates[i].vector, candidates[best].vector);
      if (sim > maxSim[i]) maxSim[i] = sim;
    }
  }
  return picked;
}
