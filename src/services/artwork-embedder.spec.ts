import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Artwork } from "../domain/artwork.ts";
import { InvalidInputError, NotFoundError, PayloadTooLargeError, UnavailableError, UnsupportedMediaTypeError } from "../domain/errors.ts";
import { MetadataEncoderV1 } from "../encoding/metadata-encoder.v1.ts";
import { DEFAULT_SIMILARITY_WEIGHTS } from "../encoding/similarity-weights.ts";
import type { BlobStore } from "../ports/blob-store.port.ts";
import type { ImageEncoder } from "../ports/image-encoder.port.ts";
import { ArtworkEmbedder } from "./artwork-embedder.ts";

const DIMENSION = 4;

/** An encoder whose answer for each image (by its first byte) is set by the test: a vector or an error. */
class ScriptedEncoder implements ImageEncoder {
  readonly dimension = DIMENSION;
  readonly modelId = "scripted";
  readonly modelSha256 = "0".repeat(64);
  constructor(private readonly answer: (tag: number) => Error | null) {}
  async encode(bytes: Uint8Array): Promise<Float32Array> {
    const error = this.answer(bytes[0]);
    if (error) throw error;
    return new Float32Array([1, 0, 0, 0]);
  }
  encodeBatch(images: readonly Uint8Array[]): Promise<Float32Array[]> {
    return Promise.all(images.map((b) => this.encode(b)));
  }
  async close(): Promise<void> {}
}

/** Blobs in a map; the key is the image's sha256. */
class MapBlobs implements BlobStore {
  readonly blobs = new Map<string, Uint8Array>();
  async put(sha256: string, bytes: Uint8Array): Promise<string> {
    this.blobs.set(sha256, bytes);
    return sha256;
  }
  async get(key: string): Promise<Uint8Array | null> {
    return this.blobs.get(key) ?? null;
  }
}

function work(id: string, imageKey: string | null): Artwork {
  const none = { title: id, description: null, accessionNumber: null, dateText: null, yearStart: 1650, yearEnd: 1660, medium: "oil", mediumCategory: "painting" };
  return {
    ...none,
    classification: null,
    imageStatus: imageKey ? "READY" : "NONE",
    imageProblem: null,
    dimensionsText: null,
    widthCm: null,
    heightCm: null,
    depthCm: null,
    diameterCm: null,
    department: null,
    creditLine: null,
    dateAcquired: null,
    physicalLocation: null,
    webUrl: null,
    provenanceText: null,
    provenanceNotes: null,
    license: null,
    imageUrl: null,
    imageUrls: [],
    imageLicense: null,
    palette: [],
    id,
    source: "test",
    sourceId: id,
    artists: [],
    provenance: [],
    image: imageKey ? { sha256: imageKey, sizeBytes: 1, mime: "image/png", width: 1, height: 1, storageKey: imageKey, sourceUrl: null } : null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

async function embedderWith(answer: (tag: number) => Error | null, tags: number[]) {
  const blobs = new MapBlobs();
  for (const tag of tags) await blobs.put(`image-${tag}`, new Uint8Array([tag]));
  const embedder = new ArtworkEmbedder(new MetadataEncoderV1(), new ScriptedEncoder(answer), blobs, DEFAULT_SIMILARITY_WEIGHTS, pino({ level: "silent" }));
  return embedder;
}

/** The image part of a stored vector (its first `DIMENSION` values) is all zeros. */
const imagePartIsZero = (v: Float32Array): boolean => v.subarray(0, DIMENSION).every((x) => x === 0);

describe(ArtworkEmbedder.name, () => {
  it.each([
    ["an undecodable image", new InvalidInputError("image", "The image could not be decoded.")],
    ["an image over the size cap", new PayloadTooLargeError("Image is 30 MB; the limit is 20 MB.")],
    ["a refused file type", new UnsupportedMediaTypeError("SVG not accepted.")],
  ])("should cost only that work its image part for %s", async (_, error) => {
    const embedder = await embedderWith((tag) => (tag === 2 ? error : null), [1, 2]);
    const [good, bad] = await embedder.embed([work("a", "image-1"), work("b", "image-2")]);
    expect(good).toMatchObject({ hasImageVector: true, imageProblem: null });
    expect(imagePartIsZero(good.vector)).toBe(false);
    expect(bad).toMatchObject({ hasImageVector: false, imageProblem: error.message });
    expect(imagePartIsZero(bad.vector)).toBe(true);
  });

  it("should fail the whole call with the model's UnavailableError when the model is down, never a metadata-only vector", async () => {
    const down = new UnavailableError("The image model stopped (its thread exited with code 1).");
    const embedder = await embedderWith((tag) => (tag === 2 ? down : null), [1, 2]);
    await expect(embedder.embed([work("a", "image-1"), work("b", "image-2")])).rejects.toBe(down);
  });

  it.each([
    ["an onnxruntime error", new Error("onnxruntime: Non-zero status code returned while running MatMul node")],
    ["a DomainError that is not about the image", new NotFoundError("No such session.")],
    ["a programming error", new TypeError("Cannot read properties of undefined")],
  ])("should turn %s into an UnavailableError, so the job is retried and never given up", async (_, error) => {
    const embedder = await embedderWith(() => error, [1]);
    const failure = await embedder.embed([work("a", "image-1")]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(UnavailableError);
    expect((failure as UnavailableError).message).toContain(error.message);
    expect((failure as UnavailableError).cause).toBe(error);
  });

  it("should give a work whose image bytes are missing from the store its metadata part and say why", async () => {
    const embedder = await embedderWith(() => null, []);
    const [w] = await embedder.embed([work("a", "image-9")]);
    expect(w).toMatchObject({ hasImageVector: false, imageProblem: "image image-9 is missing from the image store" });
  });

  it("should give a work without an image its metadata part, with no problem", async () => {
    const embedder = await embedderWith(() => new UnavailableError("down"), []);
    const [w] = await embedder.embed([work("a", null)]);
    expect(w).toMatchObject({ hasImageVector: false, imageProblem: null });
  });
});
