import { describe, expect, it } from "vitest";
import { maximalMarginalRelevance, mmrPicks } from "./mmr.ts";
import { mulberry32 } from "./seeded-random.ts";

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

describe(mmrPicks.name, () => {
  it("should pick in the same order whatever k is, so a page needs only the picks up to its end", () => {
    const rand = mulberry32(3);
    const many = Array.from({ length: 60 }, () => {
      const v = Array.from({ length: 8 }, () => rand() - 0.5);
      return { score: rand(), vector: new Float32Array(v.map((x) => x / Math.hypot(...v))) };
    });
    const all = [...mmrPicks(many, 0.7)];
    expect(new Set(all).size).toBe(60);
    expect(maximalMarginalRelevance(many, 11, 0.7)).toEqual(all.slice(0, 11));
  });
});
