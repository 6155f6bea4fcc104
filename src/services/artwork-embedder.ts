/**
 * Turns catalogue works into their blended vectors (DESIGN.md, "The vector"): the image part from the
 * image encoder when a model is installed and the work has an image, the metadata part always, blended
 * with the stored weights. Knows the embedding version its vectors carry.
 */
import type { Logger } from "pino";
import type { Artwork } from "../domain/artwork.ts";
import { UnavailableError } from "../domain/errors.ts";
import { blend, blendLayout, type BlendLayout } from "../encoding/blend.ts";
import { embeddingVersionKey, type EmbeddingVersion } from "../encoding/embedding-version.ts";
import { metadataInputOf } from "../encoding/metadata-input.ts";
import type { SimilarityWeights } from "../encoding/similarity-weights.ts";
import type { BlobStore } from "../ports/blob-store.port.ts";
import { isBadImageError, type ImageEncoder } from "../ports/image-encoder.port.ts";
import type { MetadataEncoder, MetadataInput } from "../ports/metadata-encoder.port.ts";

/** Width of the (always zero) image part when no image model is installed: metadata-only similarity. */
export const NO_MODEL_IMAGE_DIMENSION = 1;

export interface EmbeddedWork {
  readonly id: string;
  readonly vector: Float32Array;
  /** True when the image part came from the work's image. */
  readonly hasImageVector: boolean;
  /** Why a work with an image got no image part (missing bytes, undecodable); null otherwise. */
  readonly imageProblem: string | null;
}

export class ArtworkEmbedder {
  readonly layout: BlendLayout;
  readonly version: EmbeddingVersion;
  readonly versionKey: string;

  constructor(
    private readonly metadata: MetadataEncoder,
    private readonly image: ImageEncoder | null,
    private readonly blobs: BlobStore,
    readonly weights: SimilarityWeights,
    private readonly log: Logger,
  ) {
    const imageDimension = image?.dimension ?? NO_MODEL_IMAGE_DIMENSION;
    this.layout = blendLayout(imageDimension, metadata.layout);
    this.version = {
      modelId: image?.modelId ?? "none",
      modelSha256: image?.modelSha256 ?? null,
      imageDimension,
      metadataEncoder: metadata.version as "meta-v1",
      metadataDimension: metadata.dimension,
      weights,
    };
    this.versionKey = embeddingVersionKey(this.version);
  }

  /** True when an image model is installed (image search and image parts work). */
  get hasImageModel(): boolean {
    return this.image !== null;
  }

  /**
   * Vectors of whole works, in order. One bad image (its bytes too large, of a refused type, or
   * undecodable) costs that work its image part, not the batch. A model that is down or fails is never
   * a bad image: the call rejects with UnavailableError, so the jobs are retried and never given up,
   * and no work with a readable image gets a metadata-only vector while a model is configured.
   */
  async embed(works: readonly Artwork[]): Promise<EmbeddedWork[]> {
    const images = await Promise.all(works.map((w) => this.imageVector(w)));
    return works.map((w, i) => ({
      id: w.id,
      vector: blend(images[i].vector, this.metadata.encode(metadataInputOf(w)), this.weights, this.layout),
      hasImageVector: images[i].vector !== null,
      imageProblem: images[i].problem,
    }));
  }

  /**
   * The stored-form vector of a query image: its image embedding, and the palette group from its
   * colours (the only metadata an image carries). Throws UnavailableError without an image model.
   */
  async queryForImage(bytes: Uint8Array, palette: MetadataInput["palette"]): Promise<Float32Array> {
    if (!this.image) {
      throw new UnavailableError("Search by image needs the image model, which is not installed on this server. An administrator can run `vitrine model fetch`.");
    }
    const vector = await this.image.encode(bytes);
    return blend(vector, this.metadata.encode({ palette }), this.weights, this.layout);
  }

  private async imageVector(work: Artwork): Promise<{ vector: Float32Array | null; problem: string | null }> {
    if (!this.image || !work.image) return { vector: null, problem: null };
    const bytes = await this.blobs.get(work.image.storageKey);
    if (!bytes) return { vector: null, problem: `image ${work.image.sha256} is missing from the image store` };
    try {
      return { vector: await this.image.encode(bytes), problem: null };
    } catch (e) {
      if (!isBadImageError(e)) throw modelFailure(e);
      this.log.warn({ artworkId: work.id, err: e.message }, "image could not be embedded; the work keeps its metadata part");
      return { vector: null, problem: e.message };
    }
  }
}

/** Any failure of the model as an UnavailableError (kept as it is when it already is one), with the cause. */
function modelFailure(e: unknown): UnavailableError {
  if (e instanceof UnavailableError) return e;
  const failure = new UnavailableError(`The image model failed: ${e instanceof Error ? e.message : String(e)}`);
  failure.cause = e;
  return failure;
}
