/**
 * The measures of the quality report (services/embedding-quality.service.ts), as pure functions over
 * vectors and labels: exact k-nearest-neighbour search by dot product, majority-vote accuracy,
 * same-artist precision and agreement with a raw-metadata neighbourhood.
 */
import { mulberry32 } from "./seeded-random.ts";

/** What is known about one work, from the vector payload (the raw catalogue fields). */
export interface WorkLabels {
  readonly department: string | null;
  readonly mediumCategory: string | null;
  readonly century: number | null;
  readonly artistKeys: readonly string[];
  readonly year: number | null;
}

/** Row-major unit vectors (zero rows allowed). */
export interface VectorTable {
  readonly rows: number;
  readonly dim: number;
  readonly data: Float32Array;
}

/** Indices of the `k` reference rows with the largest dot product with query row `q`, best first (ties: lower index first). */
export function nearest(table: VectorTable, q: number, refs: readonly number[], k: number): number[] {
  const { dim, data } = table;
  const top: { i: number; s: number }[] = [];
  const qo = q * dim;
  for (const r of refs) {
    const ro = r * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[qo + j] * data[ro + j];
    if (top.length === k && s <= top[k - 1].s) continue;
    let at = top.length;
    while (at > 0 && top[at - 1].s < s) at--;
    top.splice(at, 0, { i: r, s });
    if (top.length > k) top.pop();
  }
  return top.map((t) => t.i);
}

/** The most frequent label among `labels` (ties: the one that appears first, i.e. the nearest). */
export function majority(labels: readonly string[]): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  let bestN = 0;
  for (const l of labels) {
    const n = (counts.get(l) ?? 0) + 1;
    counts.set(l, n);
    if (n > bestN) (best = l), (bestN = n);
  }
  return best;
}

/**
 * A seeded split of 0 … n−1: `holdout` of them (a share, 0 < holdout < 1) are queries, the rest the
 * reference set their neighbours come from.
 */
export function seededSplit(n: number, holdout: number, seed: number): { queries: number[]; references: number[] } {
  const idx = Array.from({ length: n }, (_, i) => i);
  const rnd = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const cut = Math.round(n * holdout);
  return { queries: idx.slice(0, cut).sort((a, b) => a - b), references: idx.slice(cut).sort((a, b) => a - b) };
}

/**
 * How alike two works are by their raw catalogue fields alone (no vectors): a shared artist counts 2,
 * the same medium category 1, the same department 1, and dates exp(−|Δyear| / 50) (0 when either is
 * undated). The "raw metadata" neighbourhood the vector space is compared with.
 */
export function rawSimilarity(a: WorkLabels, b: WorkLabels): number {
  let s = 0;
  if (a.artistKeys.some((k) => b.artistKeys.includes(k))) s += 2;
  if (a.mediumCategory !== null && a.mediumCategory === b.mediumCategory) s += 1;
  if (a.department !== null && a.department === b.department) s += 1;
  if (a.year !== null && b.year !== null) s += Math.exp(-Math.abs(a.year - b.year) / 50);
  return s;
}

/**
 * Share of `neighbours` that are among the query's `k` raw-metadata nearest references: a neighbour
 * counts when its raw similarity reaches the k-th best raw similarity (so ties at the border count).
 */
export function rawAgreement(labels: readonly WorkLabels[], q: number, refs: readonly number[], neighbours: readonly number[], k: number): number {
  const scores = refs.map((r) => rawSimilarity(labels[q], labels[r]));
  const kth = [...scores].sort((a, b) => b - a)[Math.min(k, scores.length) - 1] ?? Infinity;
  let hits = 0;
  for (const n of neighbours.slice(0, k)) if (rawSimilarity(labels[q], labels[n]) >= kth) hits++;
  return hits / Math.min(k, neighbours.length || 1);
}

/** A table of seeded random unit vectors (the random baseline). */
export function randomTable(rows: number, dim: number, seed: number): VectorTable {
  const rnd = mulberry32(seed);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let j = 0; j < dim; j++) {
      // Box–Muller: directions uniform on the sphere
      const x = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      data[r * dim + j] = x;
      n += x * x;
    }
    n = Math.sqrt(n);
    for (let j = 0; j < dim; j++) data[r * dim + j] /= n;
  }
  return { rows, dim, data };
}

/**
 * The table with only some slices kept (the others zeroed), each row rescaled to unit length: the
 * stored blend with the dropped parts' weights set to 0 and the rest renormalised.
 */
export function keepSlices(table: VectorTable, slices: readonly { offset: number; length: number }[]): VectorTable {
  const { rows, dim } = table;
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (const s of slices) {
      for (let j = s.offset; j < s.offset + s.length; j++) {
        const x = table.data[r * dim + j];
        data[r * dim + j] = x;
        n += x * x;
      }
    }
    if (n > 0) {
      n = Math.sqrt(n);
      for (const s of slices) for (let j = s.offset; j < s.offset + s.length; j++) data[r * dim + j] /= n;
    }
  }
  return { rows, dim, data };
}
