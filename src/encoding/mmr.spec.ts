import { describe, expect, it } from "vitest";
import { maximalMarginalRelevance } from "./mmr.ts";

const unit = (...xs: number[]) => {
  const n = Math.hypot(...xs);
  return new Float32Array(xs.map((x) => x / n));
};

describe(maximalMarginalRelevance.name, () => {
  // two near-duplicates that score best, and a different work that scores a little lower
  const candidates = [
    { score: 0.95, vector: unit(1, 0, 0) },
    { score: 0.94, vector: unit(1, 0.01, 0) },
    { score: 0.9, vector: unit(0, 1, 0) },
  ];

  it("should keep the relevance order with diversity 0", () => {
    expect(maximalMarginalRelevance(candidates, 3, 0)).toEqual([0, 1, 2]);
  });

  it("should pass over a near-duplicate of a picked work when diversity is raised", () => {
    expect(maximalMarginalRelevance(candidates, 2, 0.5)).toEqual([0, 2]);
  });

  it("should return at most k and at most the candidates", () => {
    expect(maximalMarginalRelevance(candidates, 10, 0.3)).toHaveLength(3);
    expect(maximalMarginalRelevance([], 5, 0.3)).toEqual([]);
    expect(() => maximalMarginalRelevance(candidates, 2, 1.5)).toThrow(RangeError);
  });
});
