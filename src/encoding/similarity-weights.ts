/**
 * Similarity weights: how much the image and each metadata group count in a score. Top-level weights
 * (image, metadata) sum to 1 and group weights sum to 1, so a part's effective weight is
 * `image`, or `metadata × groups[k]` for metadata group k; the effective weights also sum to 1.
 */
import { InvalidInputError } from "../domain/errors.ts";
import type { MetadataGroupName } from "../ports/metadata-encoder.port.ts";
import { METADATA_GROUP_NAMES } from "../ports/metadata-encoder.port.ts";

/** Normalised weights: `image + metadata = 1` and the six group weights sum to 1; none negative. */
export interface SimilarityWeights {
  readonly image: number;
  readonly metadata: number;
  readonly groups: Readonly<Record<MetadataGroupName, number>>;
}

/** Weights as a caller gives them: any non-negative numbers, any field left out takes its default. */
export interface SimilarityWeightsInput {
  readonly image?: number | null;
  readonly metadata?: number | null;
  readonly groups?: Partial<Readonly<Record<MetadataGroupName, number | null>>> | null;
}

/** The parts a blended vector is made of: the image, then the metadata groups. */
export type BlendPartName = "image" | MetadataGroupName;

/** The parts of a blended vector, in layout order. */
export const BLEND_PART_NAMES: readonly BlendPartName[] = ["image", ...METADATA_GROUP_NAMES];

/** Defaults: image 0.5, metadata 0.5; groups artist 0.3, medium 0.2, time 0.2, provenance 0.1, size 0.1, palette 0.1. */
export const DEFAULT_SIMILARITY_WEIGHTS: SimilarityWeights = Object.freeze({
  image: 0.5,
  metadata: 0.5,
  groups: Object.freeze({ artist: 0.3, medium: 0.2, time: 0.2, provenance: 0.1, size: 0.1, palette: 0.1 }),
});

function checked(value: number | null | undefined, fallback: number, field: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(field, `"${field}" must be a finite number of at least 0; got ${String(value)}.`);
  }
  return value;
}

/**
 * Fills missing fields from the defaults and scales the top level and the groups each to sum to 1.
 * Throws InvalidInputError naming the field as the request holds it ("weights.image",
 * "weights.artist") for a negative or non-finite weight, and "weights" when image and metadata are
 * both 0 or every group is 0. Huge weights (up to Number.MAX_VALUE) scale like any others.
 */
export function normaliseWeights(input: SimilarityWeightsInput | null | undefined = {}, defaults: SimilarityWeights = DEFAULT_SIMILARITY_WEIGHTS): SimilarityWeights {
  const w = input ?? {};
  const image = checked(w.image, defaults.image, "weights.image");
  const metadata = checked(w.metadata, defaults.metadata, "weights.metadata");
  // scaled by the larger first: two huge weights (1e308 each) would add up to Infinity
  const topScale = Math.max(image, metadata);
  const top = topScale > 0 ? image / topScale + metadata / topScale : 0;
  if (!(top > 0)) throw new InvalidInputError("weights", "The image and metadata weights are both 0; give at least one a positive weight.");
  const raw = {} as Record<MetadataGroupName, number>;
  let sum = 0;
  for (const k of METADATA_GROUP_NAMES) {
    raw[k] = checked(w.groups?.[k], defaults.groups[k], weightField(k));
  }
  const groupScale = Math.max(...METADATA_GROUP_NAMES.map((k) => raw[k]));
  for (const k of METADATA_GROUP_NAMES) sum += groupScale > 0 ? raw[k] / groupScale : 0;
  if (!(sum > 0)) throw new InvalidInputError("weights", "Every metadata group weight (artist, medium, time, provenance, size, palette) is 0; give at least one group a positive weight.");
  const groups = {} as Record<MetadataGroupName, number>;
  for (const k of METADATA_GROUP_NAMES) groups[k] = raw[k] / groupScale / sum;
  return { image: image / topScale / top, metadata: metadata / topScale / top, groups };
}

/** Effective weight of each part: `image`, and `metadata × groups[k]` for each group (they sum to 1). */
export function partWeights(weights: SimilarityWeights): Readonly<Record<BlendPartName, number>> {
  const out = { image: weights.image } as Record<BlendPartName, number>;
  for (const k of METADATA_GROUP_NAMES) out[k] = weights.metadata * weights.groups[k];
  return out;
}

/** The input path of a part's weight in a request, for error messages: "weights.image", "weights.time". */
export function weightField(part: BlendPartName): string {
  return `weights.${part}`;
}
