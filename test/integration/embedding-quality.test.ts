/**
 * The quality report on the real embedded index with works that have images: synthetic image parts
 * that tell the departments apart (plus noise) and metadata from the real v1 encoder that does not.
 * The image-only variant is measured, and it is the one that finds the department.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsearchVectorIndex } from "../../src/adapters/embedded/usearch-vector-index.ts";
import { blend, blendLayout } from "../../src/encoding/blend.ts";
import { MetadataEncoderV1, META_V1_LAYOUT } from "../../src/encoding/metadata-encoder.v1.ts";
import { mulberry32 } from "../../src/encoding/seeded-random.ts";
import { DEFAULT_SIMILARITY_WEIGHTS } from "../../src/encoding/similarity-weights.ts";
import type { VectorPoint } from "../../src/ports/vector-index.port.ts";
import { EmbeddingQualityService, type QualityReport } from "../../src/services/embedding-quality.service.ts";
import { EmbeddingGeneration } from "../../src/services/embedding-generation.ts";

const IMAGE_DIM = 16;
const DEPARTMENTS = ["Fine Arts", "Photography", "Decorative Arts and Design", "Contemporary Art"];

describe("the quality report with images (embedded index)", () => {
  let dir: string;
  let index: UsearchVectorIndex;
  let report: QualityReport;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-quality-"));
    index = await UsearchVectorIndex.open({ dir });
    const layout = blendLayout(IMAGE_DIM, META_V1_LAYOUT);
    await index.ensureCollection("works-v1", layout.dimension);
    const encoder = new MetadataEncoderV1();
    const rnd = mulberry32(5);
    const points: VectorPoint[] = [];
    for (let i = 0; i < 400; i++) {
      const d = i % DEPARTMENTS.length;
      // the image part points along the department's own axis; the metadata ignores the department
      const image = Float32Array.from({ length: IMAGE_DIM }, (_, j) => (j === d ? 1 : 0) + (rnd() - 0.5) * 0.6);
      const category = ["painting", "print", "drawing"][Math.floor(rnd() * 3)];
      const year = 1500 + Math.floor(rnd() * 500);
      const metadata = encoder.encode({ artists: [{ key: `artist-${Math.floor(rnd() * 60)}` }], mediumCategory: category, yearStart: year, yearEnd: year });
      points.push({
        id: randomUUID(),
        vector: blend(image, metadata, DEFAULT_SIMILARITY_WEIGHTS, layout),
        payload: { artistKeys: [], mediumCategory: category, department: DEPARTMENTS[d], yearStart: year, yearEnd: year, hasImage: true, embeddingVersion: "v1" },
      });
    }
    await index.upsert("works-v1", points);
    const generation = new EmbeddingGeneration(index, "works-v1", { versionKey: "v1", layout, weights: DEFAULT_SIMILARITY_WEIGHTS, version: null });
    const target = { live: () => generation, assertLive: () => {} };
    report = await new EmbeddingQualityService(index, target).report({ seed: 3, holdout: 0.25, k: 10 });
  }, 120_000);
  afterAll(async () => {
    await index?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("should notice the images and measure the image part alone", () => {
    expect(report.hasImages).toBe(true);
    expect(report.variants.map((v) => v.name)).toEqual(["full", "without artist", "without medium", "without time", "without provenance", "without size", "without palette", "image only", "random"]);
    expect(report.variants.find((v) => v.name === "image only")!.parts).toEqual(["image"]);
    expect(report.queries).toBe(100);
  });

  it("should find the department from the images and not from the metadata that ignores it", () => {
    const by = (name: string) => report.variants.find((v) => v.name === name)!;
    expect(by("image only").departmentAccuracy).toBeGreaterThan(0.9);
    expect(by("random").departmentAccuracy).toBeLessThan(0.45);
    // the medium category is metadata: the image part alone knows nothing of it
    expect(by("image only").mediumCategoryAccuracy!).toBeLessThan(by("full").mediumCategoryAccuracy!);
  });
});
