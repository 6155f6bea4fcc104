import { describe, expect, it } from "vitest";
import type { EmbeddingVersion } from "./embedding-version.ts";
import { embeddingVersionKey } from "./embedding-version.ts";
import { DEFAULT_SIMILARITY_WEIGHTS, normaliseWeights } from "./similarity-weights.ts";

const base: EmbeddingVersion = {
  modelId: "facebook/vit-mae-base",
  modelSha256: "AB".repeat(32),
  imageDimension: 768,
  metadataEncoder: "meta-v1",
  metadataDimension: 368,
  weights: DEFAULT_SIMILARITY_WEIGHTS,
};

describe(embeddingVersionKey.name, () => {
  it("should be a short stable name: v- and 12 hex digits, the same on every call", () => {
    const key = embeddingVersionKey(base);
    expect(key).toMatch(/^v-[0-9a-f]{12}$/);
    expect(embeddingVersionKey({ ...base })).toBe(key);
    // pinned: a change here renames every collection, so it must be deliberate
    expect(key).toBe(PINNED_KEY);
  });

  it("should ignore how equal weights are written and the case of the checksum", () => {
    const scaled = { image: 2, metadata: 2, groups: { artist: 3, medium: 2, time: 2, provenance: 1, size: 1, palette: 1 } };
    expect(embeddingVersionKey({ ...base, weights: normaliseWeights(scaled) })).toBe(embeddingVersionKey(base));
    expect(embeddingVersionKey({ ...base, modelSha256: "ab".repeat(32) })).toBe(embeddingVersionKey(base));
  });

  it("should change when any field changes", () => {
    const key = embeddingVersionKey(base);
    const variants: EmbeddingVersion[] = [
      { ...base, modelId: "facebook/vit-mae-large" },
      { ...base, modelSha256: null },
      { ...base, modelSha256: "cd".repeat(32) },
      { ...base, imageDimension: 1024 },
      { ...base, metadataDimension: 369 },
      { ...base, weights: normaliseWeights({ image: 0.6, metadata: 0.4 }) },
      { ...base, weights: normaliseWeights({ groups: { palette: 0.2 } }) },
    ];
    const keys = variants.map(embeddingVersionKey);
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });
});

/** The SHA-256 of the canonical text, also computed with Python's hashlib from the same text. */
const PINNED_KEY = "v-077a8d8e7418";
