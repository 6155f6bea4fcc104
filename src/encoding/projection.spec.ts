import { describe, expect, it } from "vitest";
import { applyProjection, fitPca, fitUnitSquare, seededSample, umap2d } from "./projection.ts";
import { mulberry32 } from "./seeded-random.ts";

/** `perCluster` noisy points around each of `centres` (dimension = centre length), row-major. */
function clusters(centres: number[][], perCluster: number, noise: number, seed = 1): { data: Float32Array; rows: number; dim: number; label: number[] } {
  const dim = centres[0].length;
  const rnd = mulberry32(seed);
  const rows = centres.length * perCluster;
  const data = new Float32Array(rows * dim);
  const label: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perCluster; i++) {
      const r = k * perCluster + i;
      for (let j = 0; j < dim; j++) data[r * dim + j] = c[j] + (rnd() - 0.5) * noise;
      label.push(k);
    }
  });
  return { data, rows, dim, label };
}

function centroid(xy: Float32Array, label: number[], k: number): [number, number] {
  let x = 0, y = 0, n = 0;
  label.forEach((l, i) => {
    if (l === k) (x += xy[2 * i]), (y += xy[2 * i + 1]), n++;
  });
  return [x / n, y / n];
}

/** Largest distance of a cluster's points from their centroid. */
function spread(xy: Float32Array, label: number[], k: number): number {
  const [cx, cy] = centroid(xy, label, k);
  let m = 0;
  label.forEach((l, i) => {
    if (l === k) m = Math.max(m, Math.hypot(xy[2 * i] - cx, xy[2 * i + 1] - cy));
  });
  return m;
}

describe("fitPca", () => {
  it("should find the direction of most variance and keep separated clusters apart", () => {
    const dim = 20;
    const a = Array.from({ length: dim }, (_, j) => (j === 3 ? 5 : 0));
    const b = Array.from({ length: dim }, (_, j) => (j === 3 ? -5 : 0));
    const c = Array.from({ length: dim }, (_, j) => (j === 7 ? 3 : 0));
    const { data, rows, label } = clusters([a, b, c], 40, 0.5);
    const p = fitPca(data, rows, dim);
    // the first component is (±) the axis the clusters are spread along
    expect(Math.abs(p.components[3])).toBeGreaterThan(0.95);
    const xy = applyProjection(p, data, rows, dim);
    for (const [k, l] of [[0, 1], [0, 2], [1, 2]]) {
      const [ax, ay] = centroid(xy, label, k);
      const [bx, by] = centroid(xy, label, l);
      expect(Math.hypot(ax - bx, ay - by)).toBeGreaterThan(2 * (spread(xy, label, k) + spread(xy, label, l)) / 2);
    }
  });

  it("should give the same components (same signs) for the same data", () => {
    const { data, rows, dim } = clusters([[1, 0, 0, 0], [0, 1, 0, 0]], 30, 0.3, 7);
    expect(Array.from(fitPca(data, rows, dim).components)).toEqual(Array.from(fitPca(data, rows, dim).components));
  });

  it("should give zero components for one row instead of failing", () => {
    const p = fitPca(new Float32Array([1, 2, 3]), 1, 3);
    expect(Array.from(p.components)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(applyProjection(p, new Float32Array([1, 2, 3]), 1, 3))).toEqual([0, 0]);
  });
});

describe("umap2d", () => {
  const { data, rows, dim, label } = clusters(
    [0, 1, 2].map((k) => Array.from({ length: 16 }, (_, j) => (j % 3 === k ? 1 : 0))),
    40,
    0.2,
    3,
  );

  it("should be the same layout for the same seed and another for another seed", () => {
    const a = umap2d(data, rows, dim, 11);
    expect(Array.from(umap2d(data, rows, dim, 11))).toEqual(Array.from(a));
    expect(Array.from(umap2d(data, rows, dim, 12))).not.toEqual(Array.from(a));
  });

  it("should put each work nearer its own cluster than the others", () => {
    const xy = umap2d(data, rows, dim, 11);
    const cs = [0, 1, 2].map((k) => centroid(xy, label, k));
    const right = label.filter((l, i) => {
      const d = cs.map(([x, y]) => Math.hypot(xy[2 * i] - x, xy[2 * i + 1] - y));
      return d.indexOf(Math.min(...d)) === l;
    }).length;
    expect(right / rows).toBeGreaterThan(0.95);
  });
});

describe("fitUnitSquare and seededSample", () => {
  it("should scale into [0, 1] with one scale for both axes", () => {
    const xy = fitUnitSquare(new Float32Array([-10, 0, 10, 5, 0, 2]));
    expect(Math.min(...xy)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xy)).toBeLessThanOrEqual(1);
    expect(xy[2] - xy[0]).toBeCloseTo(1);
    expect(xy[3] - xy[1]).toBeCloseTo(0.25);
  });

  it("should choose distinct ascending indices, the same for the same seed", () => {
    const s = seededSample(1000, 50, 9);
    expect(new Set(s).size).toBe(50);
    expect([...s].sort((a, b) => a - b)).toEqual(s);
    expect(seededSample(1000, 50, 9)).toEqual(s);
    expect(seededSample(10, 50, 9)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe("fitPca with constant columns", () => {
  it("should fit the varying columns when some are constant (an image part every work lacks)", () => {
    const dim = 12;
    const a = Array.from({ length: dim }, (_, j) => (j === 8 ? 4 : 0));
    const b = Array.from({ length: dim }, (_, j) => (j === 8 ? -4 : 0));
    const { data, rows, label } = clusters([a, b], 30, 0.5);
    // columns 0-5 are zeros in every row
    for (let r = 0; r < rows; r++) for (let j = 0; j < 6; j++) data[r * dim + j] = 0;
    const p = fitPca(data, rows, dim);
    expect(Math.abs(p.components[8])).toBeGreaterThan(0.95);
    expect(Array.from(p.components.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    const xy = applyProjection(p, data, rows, dim);
    expect(Math.sign(centroid(xy, label, 0)[0])).toBe(-Math.sign(centroid(xy, label, 1)[0]));
  });
});
