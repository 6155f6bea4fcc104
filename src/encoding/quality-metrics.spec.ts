import { describe, expect, it } from "vitest";
import { keepSlices, majority, nearest, randomTable, rawAgreement, rawSimilarity, seededSplit, type WorkLabels } from "./quality-metrics.ts";

const table = (rows: number[][]) => ({ rows: rows.length, dim: rows[0].length, data: Float32Array.from(rows.flat()) });

describe("nearest", () => {
  it("should return the references with the largest dot product, best first, never the query unless it is a reference", () => {
    const t = table([[1, 0], [0.9, 0.1], [0, 1], [0.5, 0.5], [-1, 0]]);
    expect(nearest(t, 0, [1, 2, 3, 4], 2)).toEqual([1, 3]);
    expect(nearest(t, 0, [2, 4], 5)).toEqual([2, 4]);
  });
});

describe("majority", () => {
  it("should pick the most frequent label and, on a tie, the one seen first (the nearest)", () => {
    expect(majority(["a", "b", "b"])).toBe("b");
    expect(majority(["a", "b"])).toBe("a");
    expect(majority([])).toBeNull();
  });
});

describe("seededSplit", () => {
  it("should split every index once, the held-out share rounded, the same for the same seed", () => {
    const s = seededSplit(100, 0.2, 42);
    expect(s.queries).toHaveLength(20);
    expect([...s.queries, ...s.references].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(seededSplit(100, 0.2, 42)).toEqual(s);
    expect(seededSplit(100, 0.2, 43).queries).not.toEqual(s.queries);
  });
});

describe("keepSlices", () => {
  it("should zero the dropped parts and rescale each row to unit length (a row with nothing kept stays zeros)", () => {
    const t = table([[0.6, 0.8, 0], [0, 0, 1]]);
    const k = keepSlices(t, [{ offset: 0, length: 1 }]);
    expect(Array.from(k.data)).toEqual([1, 0, 0, 0, 0, 0]);
  });
});

describe("randomTable", () => {
  it("should give unit rows, the same for the same seed", () => {
    const r = randomTable(3, 8, 1);
    for (let i = 0; i < 3; i++) expect(Math.hypot(...r.data.subarray(i * 8, i * 8 + 8))).toBeCloseTo(1, 5);
    expect(Array.from(randomTable(3, 8, 1).data)).toEqual(Array.from(r.data));
  });
});

describe("raw metadata agreement", () => {
  const w = (artist: string | null, medium: string, dep: string, year: number | null): WorkLabels => ({ artistKeys: artist ? [artist] : [], mediumCategory: medium, department: dep, century: null, year });
  const labels = [w("a", "print", "Fine Arts", 1900), w("a", "print", "Fine Arts", 1905), w(null, "print", "Fine Arts", 1700), w("b", "painting", "Photography", null)];

  it("should rank a shared artist, medium and department with a close date highest", () => {
    expect(rawSimilarity(labels[0], labels[1])).toBeGreaterThan(rawSimilarity(labels[0], labels[2]));
    expect(rawSimilarity(labels[0], labels[3])).toBe(0);
  });

  it("should count the vector neighbours that are among the raw nearest", () => {
    expect(rawAgreement(labels, 0, [1, 2, 3], [1], 1)).toBe(1);
    expect(rawAgreement(labels, 0, [1, 2, 3], [3], 1)).toBe(0);
    expect(rawAgreement(labels, 0, [1, 2, 3], [1, 3], 2)).toBe(0.5);
  });
});
