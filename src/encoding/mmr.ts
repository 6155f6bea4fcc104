/**
 * Maximal marginal relevance: picks k of the candidates, trading relevance to the query against
 * redundancy with what is already picked. `diversity` 0 keeps the relevance order; 1 ignores
 * relevance after the first pick. Candidates' vectors are unit length, so a dot product is a cosine.
 *
 * Each pick costs one dot product per candidate left, so k picks of n candidates cost about k·n dot
 * products: the picks come one at a time (`mmrPicks`) so a caller can stop early, pause between them
 * or give up when it runs out of time. The first j picks are the same whatever k is (a page of a
 * diverse list needs only the picks up to its end).
 */
import { dotSlice } from "./normalise.ts";

export interface MmrCandidate {
  readonly score: number;
  readonly vector: Float32Array;
}

function checkDiversity(diversity: number): void {
  if (!(diversity >= 0 && diversity <= 1)) throw new RangeError(`diversity must be between 0 and 1; got ${diversity}`);
}

function* picks(candidates: readonly MmrCandidate[], diversity: number): Generator<number, void, void> {
  const lambda = 1 - diversity;
  const n = candidates.length;
  const maxSim = new Float64Array(n).fill(-Infinity);
  const taken = new Uint8Array(n);
  for (let picked = 0; picked < n; picked++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const redundancy = picked === 0 ? 0 : maxSim[i];
      const value = lambda * candidates[i].score - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    taken[best] = 1;
    yield best;
    const chosen = candidates[best].vector;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const sim = dotSlice(candidates[i].vector, chosen);
      if (sim > maxSim[i]) maxSim[i] = sim;
    }
  }
}

/** Indices of the candidates in MMR pick order, one at a time, until every candidate is picked. */
export function mmrPicks(candidates: readonly MmrCandidate[], diversity: number): Generator<number, void, void> {
  checkDiversity(diversity);
  return picks(candidates, diversity);
}

/** Indices of the chosen candidates, in pick order. */
export function maximalMarginalRelevance(candidates: readonly MmrCandidate[], k: number, diversity: number): number[] {
  const chosen: number[] = [];
  if (k <= 0) return chosen;
  for (const i of mmrPicks(candidates, diversity)) {
    chosen.push(i);
    if (chosen.length >= k) break;
  }
  return chosen;
}
