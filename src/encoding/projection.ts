/**
 * 2-D projections of blended vectors for the embedding map: PCA (ml-pca, NIPALS for the two leading
 * components) and UMAP (umap-js, seeded). Pure functions over row-major Float32Arrays, so they run
 * on any thread; the map service calls them through the Projector port (a worker thread).
 */
import { PCA } from "ml-pca";
import { UMAP } from "umap-js";
import { mulberry32 } from "./seeded-random.ts";

/** A fitted linear projection to two dimensions: x = dot(v − mean, components[0]), y likewise with components[1]. */
export interface LinearProjection {
  readonly mean: Float32Array;
  /** Two rows of `mean.length` values, row-major. */
  readonly components: Float32Array;
}

function toRows(data: Float32Array, rows: number, dim: number): number[][] {
  if (data.length !== rows * dim) throw new RangeError(`Expected ${rows}×${dim} values; got ${data.length}.`);
  const out: number[][] = new Array(rows);
  for (let r = 0; r < rows; r++) out[r] = Array.from(data.subarray(r * dim, (r + 1) * dim));
  return out;
}

/**
 * The two leading principal components of `rows` vectors (NIPALS, centred, not scaled). Constant
 * columns (a part every work lacks, such as the image part of a catalogue without images) are left
 * out of the fit, where NIPALS would divide by zero, and get zero coefficients. Each component's sign
 * is fixed so that its largest-magnitude coefficient is positive: the same data give the same picture,
 * never a mirrored one. Fewer than two rows, or no varying column, give zero components.
 */
export function fitPca(data: Float32Array, rows: number, dim: number): LinearProjection {
  if (data.length !== rows * dim) throw new RangeError(`Expected ${rows}×${dim} values; got ${data.length}.`);
  const mean = new Float32Array(dim);
  const components = new Float32Array(2 * dim);
  if (rows === 0) return { mean, components };
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) {
      const x = data[r * dim + j];
      sum[j] += x;
      sq[j] += x * x;
    }
  }
  const varying: number[] = [];
  for (let j = 0; j < dim; j++) {
    mean[j] = sum[j] / rows;
    if (sq[j] / rows - (sum[j] / rows) ** 2 > 1e-12) varying.push(j);
  }
  if (rows < 2 || varying.length === 0) return { mean, components };
  const reduced: number[][] = new Array(rows);
  for (let r = 0; r < rows; r++) reduced[r] = varying.map((j) => data[r * dim + j]);
  const pca = new PCA(reduced, { method: "NIPALS", nCompNIPALS: Math.min(2, varying.length), center: true, scale: false });
  // loadings: one row per component, one column per varying input dimension
  const loadings = pca.getLoadings().to2DArray();
  for (let c = 0; c < Math.min(2, loadings.length); c++) {
    const row = loadings[c];
    let big = 0;
    for (const x of row) if (Math.abs(x) > Math.abs(big)) big = x;
    const sign = big < 0 ? -1 : 1;
    varying.forEach((j, k) => (components[c * dim + j] = Number.isFinite(row[k]) ? sign * row[k] : 0));
  }
  return { mean, components };
}

/** Projects `rows` vectors with a fitted projection; returns x, y interleaved. */
export function applyProjection(p: LinearProjection, data: Float32Array, rows: number, dim: number): Float32Array {
  if (p.mean.length !== dim) throw new RangeError(`The projection was fitted on ${p.mean.length} dimensions; got ${dim}.`);
  const out = new Float32Array(2 * rows);
  for (let r = 0; r < rows; r++) {
    let x = 0;
    let y = 0;
    const o = r * dim;
    for (let j = 0; j < dim; j++) {
      const d = data[o + j] - p.mean[j];
      x += d * p.components[j];
      y += d * p.components[dim + j];
    }
    out[2 * r] = x;
    out[2 * r + 1] = y;
  }
  return out;
}

/** UMAP settings the map uses (umap-js defaults otherwise). */
export const UMAP_SETTINGS = { nNeighbors: 15, minDist: 0.1, nEpochs: 200 } as const;

/**
 * UMAP to two dimensions with umap-js, its random numbers from a seeded generator: the same rows in
 * the same order give the same layout. Fewer rows than neighbours + 1 fall back to PCA (UMAP needs a
 * neighbourhood). Returns x, y interleaved.
 */
export function umap2d(data: Float32Array, rows: number, dim: number, seed: number): Float32Array {
  if (rows <= UMAP_SETTINGS.nNeighbors + 1) return applyProjection(fitPca(data, rows, dim), data, rows, dim);
  const umap = new UMAP({ nComponents: 2, ...UMAP_SETTINGS, random: mulberry32(seed) });
  const xy = umap.fit(toRows(data, rows, dim));
  const out = new Float32Array(2 * rows);
  for (let r = 0; r < rows; r++) {
    out[2 * r] = xy[r][0];
    out[2 * r + 1] = xy[r][1];
  }
  return out;
}

/**
 * Rescales x, y pairs in place into [0, 1] with one scale for both axes (distances keep their
 * proportions), the picture centred on the shorter axis. All-equal points go to the middle.
 */
export function fitUnitSquare(xy: Float32Array): Float32Array {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    minX = Math.min(minX, xy[i]);
    maxX = Math.max(maxX, xy[i]);
    minY = Math.min(minY, xy[i + 1]);
    maxY = Math.max(maxY, xy[i + 1]);
  }
  const span = Math.max(maxX - minX, maxY - minY);
  for (let i = 0; i < xy.length; i += 2) {
    xy[i] = span > 0 ? (xy[i] - minX) / span + (1 - (maxX - minX) / span) / 2 : 0.5;
    xy[i + 1] = span > 0 ? (xy[i + 1] - minY) / span + (1 - (maxY - minY) / span) / 2 : 0.5;
  }
  return xy;
}

/** `n` distinct indices of 0 … total−1 chosen by a seeded shuffle, ascending (all of them when n ≥ total). */
export function seededSample(total: number, n: number, seed: number): number[] {
  const idx = Array.from({ length: total }, (_, i) => i);
  if (n >= total) return idx;
  const rnd = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rnd() * (total - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, n).sort((a, b) => a - b);
}
