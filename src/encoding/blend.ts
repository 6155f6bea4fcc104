/**
 * The blended vector: one vector per work that holds the image embedding and the metadata groups,
 * each scaled by the square root of its weight, so that a dot product is a weighted sum of cosines.
 *
 * Stored form: with effective part weights W_image = w_image and W_k = w_meta·g_k (they sum to 1),
 *   v = concat(√W_image·img, √W_artist·meta_artist, …, √W_palette·meta_palette)
 * where img and each meta_k are unit vectors (or zeros when the work lacks that part). For two works
 * that have every part, dot(v_a, v_b) = w_image·cos(img) + w_meta·Σ_k g_k·cos(meta_k).
 *
 * Missing parts (the no-image rule): a missing part is zeros, and the whole vector is then divided
 * by its norm √(Σ_present W_p), so every stored vector has unit length (cosine and dot agree, and a
 * work is its own nearest neighbour with score 1). Consequences for scores, with default weights:
 * - two works without images: score = Σ_k g_k·cos(meta_k), their metadata similarity at full scale;
 * - a work without an image against one with: score = √w_meta·Σ_k g_k·cos(meta_k) (≈ 0.707× it),
 *   so such a work can still rank but never reaches a score of 1 against a work with an image;
 * - generally, dot(v_a, v_b) = s_a·s_b·Σ_p W_p·cos_p with s = 1/√(Σ_present W_p) per vector.
 * A work with no part at all blends to all zeros (never NaN) and scores 0 against everything.
 *
 * `explain` splits any dot product into its parts exactly (the parts sum to the total).
 */
import { InvalidInputError } from "../domain/errors.ts";
import type { MetadataGroupName, MetadataLayout } from "../ports/metadata-encoder.port.ts";
import { METADATA_GROUP_NAMES } from "../ports/metadata-encoder.port.ts";
import { dotSlice, l2Norm, normaliseInPlace } from "./normalise.ts";
import type { BlendPartName, SimilarityWeights } from "./similarity-weights.ts";
import { normaliseWeights, partWeights, weightField } from "./similarity-weights.ts";

/** Where one part sits inside a blended vector. */
export interface BlendPartSlice {
  readonly name: BlendPartName;
  readonly offset: number;
  readonly length: number;
}

/** The shape of blended vectors: the image part first, then the metadata groups in their layout order. */
export interface BlendLayout {
  readonly imageDimension: number;
  readonly metadata: MetadataLayout;
  readonly dimension: number;
  readonly parts: readonly BlendPartSlice[];
}

/** A score split into parts: `total = image + metadata` and `metadata = Σ groups`. */
export interface ScoreParts {
  readonly total: number;
  readonly image: number;
  readonly metadata: number;
  readonly groups: Readonly<Record<MetadataGroupName, number>>;
}

/** The layout of blended vectors for an image embedding of `imageDimension` and a metadata layout. */
export function blendLayout(imageDimension: number, metadata: MetadataLayout): BlendLayout {
  if (!Number.isInteger(imageDimension) || imageDimension <= 0) throw new RangeError(`imageDimension must be a positive integer; got ${imageDimension}.`);
  const parts: BlendPartSlice[] = [{ name: "image", offset: 0, length: imageDimension }];
  for (const name of METADATA_GROUP_NAMES) {
    const g = metadata.groups.find((x) => x.name === name);
    if (!g) throw new RangeError(`The metadata layout ${metadata.version} has no "${name}" group.`);
    parts.push({ name, offset: imageDimension + g.offset, length: g.length });
  }
  return { imageDimension, metadata, dimension: imageDimension + metadata.dimension, parts };
}

function checkLength(v: Float32Array, expected: number, what: string): void {
  if (v.length !== expected) throw new RangeError(`${what} has ${v.length} values; the layout needs ${expected}.`);
}

/**
 * Blends an image embedding (or null when the work has no image) and a metadata vector into the
 * stored form described at the top of this file. Each part is normalised here (a zero part stays
 * zero), scaled by √(its effective weight), and the result is rescaled to unit length when any part
 * is missing. Throws InvalidInputError for bad weights and RangeError for vectors of the wrong length.
 */
export function blend(image: Float32Array | null, metadata: Float32Array, weights: SimilarityWeights, layout: BlendLayout): Float32Array {
  if (image) checkLength(image, layout.imageDimension, "The image vector");
  checkLength(metadata, layout.metadata.dimension, "The metadata vector");
  const w = partWeights(normaliseWeights(weights));
  const v = new Float32Array(layout.dimension);
  if (image) v.set(image, 0);
  v.set(metadata, layout.imageDimension);
  for (const p of layout.parts) {
    const scale = Math.sqrt(w[p.name]);
    if (normaliseInPlace(v, p.offset, p.length) > 0) for (let i = p.offset; i < p.offset + p.length; i++) v[i] *= scale;
  }
  normaliseInPlace(v);
  return v;
}

function split(perPart: (p: BlendPartSlice) => number, layout: BlendLayout): ScoreParts {
  const groups = {} as Record<MetadataGroupName, number>;
  let image = 0;
  let metadata = 0;
  for (const p of layout.parts) {
    const x = perPart(p);
    if (p.name === "image") image = x;
    else {
      groups[p.name] = x;
      metadata += x;
    }
  }
  return { total: image + metadata, image, metadata, groups };
}

/**
 * Splits dot(a, b) of two vectors in `layout` into the contribution of each part (the dot product
 * of that part's slices). The parts add up to the dot product; with stored vectors of works that have
 * every part, each part is W_p·cos_p.
 */
export function explain(a: Float32Array, b: Float32Array, layout: BlendLayout): ScoreParts {
  checkLength(a, layout.dimension, "The first vector");
  checkLength(b, layout.dimension, "The second vector");
  return split((p) => dotSlice(a, b, p.offset, p.length), layout);
}

/** Cosine of one part of two vectors; 0 when either part is zeros. */
function partCosine(a: Float32Array, b: Float32Array, p: BlendPartSlice): number {
  const na = l2Norm(a, p.offset, p.length);
  const nb = l2Norm(b, p.offset, p.length);
  return na > 0 && nb > 0 ? dotSlice(a, b, p.offset, p.length) / (na * nb) : 0;
}

/**
 * Query scaling: rescales each part of a (stored-form) query vector so that, against any stored
 * vector v blended with `storedWeights`, dot(result, v) = s_v·Σ_p W'_p·cos_p, where W' are the
 * effective weights of `queryWeights` and s_v is v's own missing-part rescale (1 when v has every
 * part). Each part becomes unit(q_p)·W'_p/√W_p. One nearest-neighbour search with the result ranks
 * by the re-weighted sum. Throws InvalidInputError naming the weight when a part weighted above 0
 * in the query is stored with weight 0 (it is not in the index and cannot be brought back).
 */
export function reweightQuery(query: Float32Array, storedWeights: SimilarityWeights, queryWeights: SimilarityWeights, layout: BlendLayout): Float32Array {
  checkLength(query, layout.dimension, "The query vector");
  const stored = partWeights(normaliseWeights(storedWeights));
  const wanted = partWeights(normaliseWeights(queryWeights));
  const out = new Float32Array(layout.dimension);
  for (const p of layout.parts) {
    if (wanted[p.name] === 0) continue;
    if (stored[p.name] === 0) {
      throw new InvalidInputError(weightField(p.name), `The index stores the ${p.name} part with weight 0, so it cannot be weighted at query time; set "${weightField(p.name)}" to 0 or reindex.`);
    }
    const n = l2Norm(query, p.offset, p.length);
    if (!(n > 0)) continue;
    const scale = wanted[p.name] / Math.sqrt(stored[p.name]) / n;
    for (let i = p.offset; i < p.offset + p.length; i++) out[i] = query[i] * scale;
  }
  return out;
}

/**
 * Rescoring: the score of a candidate for a query under `weights`, Σ_p W_p·cos(q_p, c_p), computed
 * from the parts' own cosines (so it does not depend on the weights the vectors were stored with,
 * nor on their missing-part rescale). A part missing on either side contributes 0.
 */
export function rescore(query: Float32Array, candidate: Float32Array, weights: SimilarityWeights, layout: BlendLayout): ScoreParts {
  checkLength(query, layout.dimension, "The query vector");
  checkLength(candidate, layout.dimension, "The candidate vector");
  const w = partWeights(normaliseWeights(weights));
  return split((p) => w[p.name] * partCosine(query, candidate, p), layout);
}
