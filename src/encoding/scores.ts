/**
 * The scores the API returns, each written once here; the vector indexes and the similarity service
 * use these functions and nothing else to score.
 *
 * - **Similarity of two works** (`weightedCosineParts`): the cosine of their vectors blended with the
 *   request's weights W' (the index's stored weights when none are given):
 *   Σ_p W'_p·cos_p / √(Σ_{p∈A} W'_p · Σ_{p∈B} W'_p), sums over the parts (weighted above 0) that each
 *   side has; cos_p is the cosine of part p, 0 when either side lacks it. It lies in −1 … 1 (it is a
 *   cosine), and with the stored weights it equals the dot product of the stored (unit) vectors, so
 *   the index's scores are this quantity. Each part contributes its own term; the terms sum to it.
 * - **AVERAGE_VECTOR** (`averageQuery`, `cosineParts`): cosine to avg(liked) + (avg(liked) −
 *   avg(disliked)) (Qdrant's definition), split by the parts' slices.
 * - **BEST_SCORE** (`bestScore`, `bestScoreParts`): Qdrant's documented rule: the best similarity to
 *   a liked work when it beats the best similarity to a disliked one, else −(best disliked)². In
 *   −1 … 1; below 0 whenever a disliked work is at least as close as every liked one (or every
 *   liked one is opposite).
 */
import type { BlendLayout, ScoreParts } from "./blend.ts";
import { dotSlice, l2Norm } from "./normalise.ts";
import { partWeights, type SimilarityWeights } from "./similarity-weights.ts";
import type { MetadataGroupName } from "../ports/metadata-encoder.port.ts";

function checkLength(v: Float32Array, expected: number, what: string): void {
  if (v.length !== expected) throw new RangeError(`${what} has ${v.length} values; the layout needs ${expected}.`);
}

/** Parts from one number per part (image first, then the metadata groups); `total` is their sum. */
function partsOf(perPart: (name: string, offset: number, length: number) => number, layout: BlendLayout): ScoreParts {
  const groups = {} as Record<MetadataGroupName, number>;
  let image = 0;
  let metadata = 0;
  for (const p of layout.parts) {
    const x = perPart(p.name, p.offset, p.length);
    if (p.name === "image") image = x;
    else {
      groups[p.name] = x;
      metadata += x;
    }
  }
  return { total: image + metadata, image, metadata, groups };
}

/** Every part scaled by `factor` (parts still add up to the scaled total). */
export function scaleParts(p: ScoreParts, factor: number): ScoreParts {
  const groups = {} as Record<MetadataGroupName, number>;
  for (const [k, v] of Object.entries(p.groups) as [MetadataGroupName, number][]) groups[k] = v * factor;
  return { total: p.total * factor, image: p.image * factor, metadata: p.metadata * factor, groups };
}

/**
 * Cosine of two vectors in `layout`, split into each part's share (the part slices' dot product over
 * the product of the whole vectors' norms); all 0 when either vector is zeros.
 */
export function cosineParts(a: Float32Array, b: Float32Array, layout: BlendLayout): ScoreParts {
  checkLength(a, layout.dimension, "The first vector");
  checkLength(b, layout.dimension, "The second vector");
  const n = l2Norm(a) * l2Norm(b);
  return partsOf((_, offset, length) => (n > 0 ? dotSlice(a, b, offset, length) / n : 0), layout);
}

/**
 * Similarity of two works under `weights` (see the top of this file): the cosine of their vectors
 * re-blended with those weights, split into one term W'_p·cos_p / √(Σ_A W'_p · Σ_B W'_p) per part.
 * Only the direction of each part of `a` and `b` counts, so stored, query-scaled or raw blends of
 * the same works give the same score. 0 when the two share no part weighted above 0.
 */
export function weightedCosineParts(a: Float32Array, b: Float32Array, weights: SimilarityWeights, layout: BlendLayout): ScoreParts {
  checkLength(a, layout.dimension, "The first vector");
  checkLength(b, layout.dimension, "The second vector");
  const w = partWeights(weights);
  let sumA = 0;
  let sumB = 0;
  const cos = new Map<string, number>();
  for (const p of layout.parts) {
    const wp = w[p.name];
    if (!(wp > 0)) continue;
    const na = l2Norm(a, p.offset, p.length);
    const nb = l2Norm(b, p.offset, p.length);
    if (na > 0) sumA += wp;
    if (nb > 0) sumB += wp;
    if (na > 0 && nb > 0) cos.set(p.name, Math.max(-1, Math.min(1, dotSlice(a, b, p.offset, p.length) / (na * nb))));
  }
  const denominator = Math.sqrt(sumA * sumB);
  return partsOf((name) => (denominator > 0 && cos.has(name) ? (w[name as keyof typeof w] * (cos.get(name) as number)) / denominator : 0), layout);
}

/**
 * The AVERAGE_VECTOR recommendation query (Qdrant's definition): avg(positive) + (avg(positive) −
 * avg(negative)), or avg(positive) without negatives. Not unit length: score with cosines.
 */
export function averageQuery(positive: readonly Float32Array[], negative: readonly Float32Array[]): Float32Array {
  const d = positive[0].length;
  const avg = (vs: readonly Float32Array[]) => {
    const out = new Float32Array(d);
    for (const v of vs) for (let i = 0; i < d; i++) out[i] += v[i] / vs.length;
    return out;
  };
  const pos = avg(positive);
  if (negative.length === 0) return pos;
  const neg = avg(negative);
  for (let i = 0; i < d; i++) pos[i] = 2 * pos[i] - neg[i];
  return pos;
}

/** Which example decided a BEST_SCORE score, and the score. */
export interface BestScore {
  readonly score: number;
  /** The deciding example: the best liked one, or the best disliked one when it is at least as close. */
  readonly example: { readonly kind: "positive" | "negative"; readonly index: number };
}

function best(xs: readonly number[]): { value: number; index: number } {
  let index = -1;
  let value = -Infinity;
  xs.forEach((x, i) => {
    if (x > value) {
      value = x;
      index = i;
    }
  });
  return { value, index };
}

/**
 * Qdrant's BEST_SCORE rule over a candidate's similarities to the liked (`positive`, at least one)
 * and disliked (`negative`) examples: max positive when it is greater than max negative, else
 * −(max negative)².
 */
export function bestScore(positive: readonly number[], negative: readonly number[]): BestScore {
  if (positive.length === 0) throw new RangeError("BEST_SCORE needs at least one positive similarity.");
  const pos = best(positive);
  const neg = best(negative);
  if (pos.value > neg.value) return { score: pos.value, example: { kind: "positive", index: pos.index } };
  return { score: -(neg.value * neg.value), example: { kind: "negative", index: neg.index } };
}

/**
 * A BEST_SCORE score with its parts: `similarity` of the candidate to every example, `bestScore` of
 * their totals, and the deciding example's parts, scaled by −(its similarity) when it is a disliked
 * one, so that they add up to −s² as the score does.
 */
export function bestScoreParts(positives: readonly Float32Array[], negatives: readonly Float32Array[], similarity: (example: Float32Array) => ScoreParts): ScoreParts {
  const pos = positives.map(similarity);
  const neg = negatives.map(similarity);
  const { example } = bestScore(
    pos.map((p) => p.total),
    neg.map((p) => p.total),
  );
  if (example.kind === "positive") return pos[example.index];
  const p = neg[example.index];
  return scaleParts(p, -p.total);
}
