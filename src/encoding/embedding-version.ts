/**
 * The embedding version every stored vector carries: which image model made the image part, which
 * metadata encoder made the rest, and the weights they were blended with. Any change is a new
 * version, hence a new index collection (named from `embeddingVersionKey`) and a reindex.
 */
import { createHash } from "node:crypto";
import { METADATA_GROUP_NAMES } from "../ports/metadata-encoder.port.ts";
import type { SimilarityWeights } from "./similarity-weights.ts";
import { normaliseWeights } from "./similarity-weights.ts";

/** What made a stored vector. */
export interface EmbeddingVersion {
  /** The image model, e.g. "facebook/vit-mae-base". */
  readonly modelId: string;
  /** SHA-256 (hex) of the model file, or null when unknown (e.g. no image model configured). */
  readonly modelSha256: string | null;
  readonly imageDimension: number;
  readonly metadataEncoder: "meta-v1";
  readonly metadataDimension: number;
  /** The weights the parts were blended with (normalised before hashing). */
  readonly weights: SimilarityWeights;
}

/** A number written the same way whatever float noise it carries (0.1 + 0.2 and 0.3 agree). */
function canonicalNumber(x: number): string {
  return Number(x.toPrecision(10)).toString();
}

/** The canonical text of a version: fixed field order, normalised weights, hex in lower case. */
export function canonicalEmbeddingVersion(v: EmbeddingVersion): string {
  const w = normaliseWeights(v.weights);
  return [
    `model=${v.modelId}`,
    `sha256=${v.modelSha256 === null ? "-" : v.modelSha256.toLowerCase()}`,
    `image=${v.imageDimension}`,
    `meta=${v.metadataEncoder}/${v.metadataDimension}`,
    `w.image=${canonicalNumber(w.image)}`,
    `w.metadata=${canonicalNumber(w.metadata)}`,
    ...METADATA_GROUP_NAMES.map((k) => `w.${k}=${canonicalNumber(w.groups[k])}`),
  ].join("\n");
}

/**
 * A short stable name for a version, "v-" and 12 hex digits of the SHA-256 of its canonical text:
 * used to name index collections. Equal versions (including weights that normalise the same) give
 * the same key; any change to a field gives another.
 */
export function embeddingVersionKey(v: EmbeddingVersion): string {
  return "v-" + createHash("sha256").update(canonicalEmbeddingVersion(v)).digest("hex").slice(0, 12);
}
