/**
 * The scores the similarity service returns, over the real embedded index: random works (images and
 * metadata groups missing at random), random query-time weights, both recommendation strategies.
 * Every score is in −1 … 1, its parts add up to it, it is the documented quantity computed here by
 * brute force, and without query-time weights it is the index's own score.
 */
import { mulberry32 } from "../../src/encoding/seeded-random.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsearchVectorIndex } from "../../src/adapters/embedded/usearch-vector-index.ts";
import { blend, blendLayout, type ScoreParts } from "../../src/encoding/blend.ts";
import { META_V1_LAYOUT } from "../../src/encoding/metadata-encoder.v1.ts";
import { cosine } from "../../src/encoding/normalise.ts";
import { normaliseWeights, partWeights, type SimilarityWeights } from "../../src/encoding/similarity-weights.ts";
import { METADATA_GROUP_NAMES } from "../../src/ports/metadata-encoder.port.ts";
import type { VectorPoint } from "../../src/ports/vector-index.port.ts";
import { SimilarityService, type SimilarHit } from "../../src/services/similarity.service.ts";
import { EmbeddingGeneration } from "../../src/services/embedding-generation.ts";

const IMAGE_DIM = 16;
const layout = blendLayout(IMAGE_DIM, META_V1_LAYOUT);
const STORED = normaliseWeights({});
const N = 120;
const COLLECTION = "works";

/** Deterministic values in −1 … 1. */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() * 2 - 1;
}

interface Work {
  readonly id: string;
  readonly image: Float32Array | null;
  readonly meta: Float32Array;
  readonly vector: Float32Array;
}

function makeWorks(): Work[] {
  const r = rng(7);
  return Array.from({ length: N }, (_, i) => {
    const image = r() < 0.3 ? null : Float32Array.from({ length: IMAGE_DIM }, r);
    const meta = Float32Array.from({ length: META_V1_LAYOUT.dimension }, r);
    for (const g of META_V1_LAYOUT.groups) if (r() < 0.25 && g.name !== "artist") meta.fill(0, g.offset, g.offset + g.length);
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    return { id, image, meta, vector: blend(image, meta, STORED, layout) };
  });
}

/** Brute force: the plain cosine of both works blended afresh (float64) with `w`. */
function reblended(a: Work, b: Work, w: SimilarityWeights): number {
  const pw = partWeights(w);
  const of = (x: Work) =>
    layout.parts.flatMap((p) => {
      const slice = p.name === "image" ? Array.from(x.image ?? new Float32Array(IMAGE_DIM)) : Array.from(x.meta.subarray(p.offset - IMAGE_DIM, p.offset - IMAGE_DIM + p.length));
      const n = Math.hypot(...slice);
      return slice.map((v) => (n > 0 ? (v * Math.sqrt(pw[p.name])) / n : 0));
    });
  return cosine(of(a), of(b));
}

function expectSound(hits: readonly SimilarHit[], label: string): void {
  for (const h of hits) {
    expect(h.score, `${label}: ${h.artworkId} in range`).toBeGreaterThanOrEqual(-1 - 1e-9);
    expect(h.score, `${label}: ${h.artworkId} in range`).toBeLessThanOrEqual(1 + 1e-9);
    const p = h.parts as ScoreParts;
    const groups = Object.values(p.groups).reduce((a, b) => a + b, 0);
    expect(Math.abs(p.image + p.metadata - h.score), `${label}: parts add up`).toBeLessThan(1e-9);
    expect(Math.abs(groups - p.metadata), `${label}: groups add up`).toBeLessThan(1e-9);
  }
  for (let i = 1; i < hits.length; i++) expect(hits[i].score, `${label}: best first`).toBeLessThanOrEqual(hits[i - 1].score + 1e-9);
}

const unused = new Proxy({}, { get: (_, name) => () => Promise.reject(new Error(`not used by these requests: ${String(name)}`)) });

let dir: string;
let index: UsearchVectorIndex;
let service: SimilarityService;
const works = makeWorks();
const byId = new Map(works.map((w) => [w.id, w]));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "vitrine-scores-"));
  index = await UsearchVectorIndex.open({ dir });
  await index.ensureCollection(COLLECTION, layout.dimension);
  const points: VectorPoint[] = works.map((w) => ({
    id: w.id,
    vector: w.vector,
    payload: { artistKeys: [], mediumCategory: null, department: null, yearStart: null, yearEnd: null, hasImage: w.image !== null, embeddingVersion: "v-test" },
  }));
  await index.upsert(COLLECTION, points);
  const generation = new EmbeddingGeneration(index, COLLECTION, { versionKey: "v-test", layout, weights: STORED, version: null });
  const target = { live: () => generation, assertLive: () => {} };
  // every work is in the index and no filter names text: the embedder and images are never asked; the
  // catalogue only confirms that the works found still exist (deleted works are dropped at read time)
  const ids = new Set(points.map((p) => p.id));
  const catalogue = new Proxy(
    { artworksByIds: (wanted: readonly string[]) => Promise.resolve(wanted.map((id) => (ids.has(id) ? { id } : null))) },
    { get: (t, name) => (name in t ? t[name as keyof typeof t] : () => Promise.reject(new Error(`not used by these requests: ${String(name)}`))) },
  );
  service = new SimilarityService(target, unused as never, catalogue as never, unused as never, unused as never, unused as never);
});

afterAll(async () => {
  await index.close();
  rmSync(dir, { recursive: true, force: true });
});

const weightArb = fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 5, noNaN: true }));
const weightsInput = fc.record({
  image: weightArb,
  metadata: fc.double({ min: 0.05, max: 5, noNaN: true }),
  groups: fc.record({ artist: fc.double({ min: 0.05, max: 5, noNaN: true }), medium: weightArb, time: weightArb, provenance: weightArb, size: weightArb, palette: weightArb }),
});
const workIndex = fc.integer({ min: 0, max: N - 1 });

describe("similarity scores over the embedded index", () => {
  it("similar works: the index's cosines without weights; the weighted cosine (≤ 1 even against works missing parts) with them", async () => {
    await fc.assert(
      fc.asyncProperty(workIndex, fc.option(weightsInput, { nil: null }), async (i, weights) => {
        const query = works[i];
        const explained = await service.similarTo(query.id, { k: 10, weights });
        expectSound(explained.hits, "explained");
        const w = weights ? normaliseWeights(weights) : STORED;
        for (const h of explained.hits) expect(h.score).toBeCloseTo(reblended(query, byId.get(h.artworkId) as Work, w), 3); // f16 rows: ≤ 6e-5 apart
        if (!weights) {
          // the index's own scores (no parts asked) are the same numbers
          const plain = await service.similarTo(query.id, { k: 10, explain: false });
          expect(plain.hits.map((h) => h.artworkId)).toEqual(explained.hits.map((h) => h.artworkId));
          plain.hits.forEach((h, j) => expect(h.score).toBeCloseTo(explained.hits[j].score, 5));
          const raw = await index.search(COLLECTION, { vector: query.vector, k: 10, excludeIds: [query.id] });
          raw.forEach((h, j) => expect(h.score).toBeCloseTo(explained.hits[j].score, 5));
        }
      }),
      { seed: 99, numRuns: 40 },
    );
  });

  it("recommendations: BEST_SCORE and AVERAGE_VECTOR agree with the embedded index's scores and order, in range, parts adding up", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(workIndex, { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 5 }), async (picked, split) => {
        const cut = Math.min(split, picked.length - 1);
        const positive = picked.slice(0, cut).map((i) => works[i].id);
        const negative = picked.slice(cut).map((i) => works[i].id);
        for (const strategy of ["BEST_SCORE", "AVERAGE_VECTOR"] as const) {
          const result = await service.recommend({ positive, negative, strategy, k: 10 });
          expectSound(result.hits, strategy);
          const direct = await index.recommend(COLLECTION, {
            positive: positive.map((id) => (byId.get(id) as Work).vector),
            negative: negative.map((id) => (byId.get(id) as Work).vector),
            strategy,
            k: 10,
            excludeIds: [...positive, ...negative],
          });
          expect(result.hits.length).toBe(direct.length);
          direct.forEach((h, j) => expect(result.hits[j].score, `${strategy} score ${j}`).toBeCloseTo(h.score, 5));
        }
      }),
      { seed: 5, numRuns: 30 },
    );
  });

  it("every group has a part in the breakdown", async () => {
    const [hit] = (await service.similarTo(works[0].id, { k: 1 })).hits;
    expect(Object.keys(hit.parts?.groups ?? {}).sort()).toEqual([...METADATA_GROUP_NAMES].sort());
  });
});
