/**
 * The benchmarks' synthetic catalogue (bench/similarity.ts, bench/load.ts): rows drawn with replacement
 * from the CMOA sample and perturbed, imported through the real importer; image parts random unit
 * vectors (no image model here), metadata parts the real meta-v1 encoder, blended with the stored
 * weights and upserted through the VectorIndex port.
 */
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../../src/config/config.ts";
import type { Artwork } from "../../src/domain/artwork.ts";
import { blend } from "../../src/encoding/blend.ts";
import { MetadataEncoderV1 } from "../../src/encoding/metadata-encoder.v1.ts";
import { metadataInputOf } from "../../src/encoding/metadata-input.ts";
import { mulberry32 } from "../../src/encoding/seeded-random.ts";
import type { App } from "../../src/main.ts";
import type { ImageEncoder } from "../../src/ports/image-encoder.port.ts";
import type { VectorPoint } from "../../src/ports/vector-index.port.ts";
import { payloadOf } from "../../src/worker/embedding.worker.ts";

export const IMAGE_DIMENSION = 768;

/** Stands in for the ViTMAE encoder: fixes the layout and the embedding version; never asked for bytes here. */
export const benchImageEncoder: ImageEncoder = {
  dimension: IMAGE_DIMENSION,
  modelId: "bench-random-unit",
  modelSha256: "0".repeat(64),
  encode: () => Promise.reject(new Error("the benchmark has no image model")),
  encodeBatch: () => Promise.reject(new Error("the benchmark has no image model")),
  close: () => Promise.resolve(),
};

/** The config a benchmark serves with: a data folder, no demo, no in-process worker, silent, a free port. */
export function benchConfig(dataDir: string, env: Record<string, string> = {}) {
  return loadConfig({ VITRINE_DATA_DIR: dataDir, VITRINE_DEMO: "0", VITRINE_INPROCESS_WORKER: "0", PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production", LOG_LEVEL: "silent", ...env });
}

/** The CMOA sample beside the project (../shared/data), else the demo catalogue; `given` wins. */
export function catalogueSample(given?: string): string {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const file = path.resolve(given ?? [path.resolve(here, "../../../shared/data/cmoa-catalogue.jsonl"), path.resolve(here, "../../data/demo/catalogue.jsonl")].find((f) => existsSync(f)) ?? "");
  if (!existsSync(file)) throw new Error(`No catalogue sample at ${file}; pass --catalogue.`);
  return file;
}

export function randomUnit(dimension: number, rand: () => number): Float32Array {
  const v = new Float32Array(dimension);
  let s = 0;
  for (let i = 0; i < dimension; i += 2) {
    // Box–Muller: two normals per pair of uniforms
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const t = 2 * Math.PI * rand();
    v[i] = r * Math.cos(t);
    if (i + 1 < dimension) v[i + 1] = r * Math.sin(t);
  }
  for (let i = 0; i < dimension; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  for (let i = 0; i < dimension; i++) v[i] /= n;
  return v;
}

export type Row = Record<string, unknown> & { sourceId: string; title: string; yearStart?: number | null; yearEnd?: number | null; dimensionsInches?: Record<string, number | null> | null };

/** The sample's rows. */
export function readSample(catalogue: string): Row[] {
  return readFileSync(catalogue, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);
}

/** Writes `n` rows drawn with replacement from the sample, each perturbed so no two are identical. */
export async function writeCorpus(sample: readonly Row[], n: number, file: string, rand: () => number): Promise<void> {
  const out = createWriteStream(file, "utf8");
  const lastYear = 2025;
  let chunk: string[] = [];
  const flush = async () => {
    if (!out.write(chunk.join(""))) await new Promise<void>((r) => out.once("drain", () => r()));
    chunk = [];
  };
  for (let i = 0; i < n; i++) {
    const r = sample[Math.floor(rand() * sample.length)];
    const shift = Math.round(rand() * 40 - 20);
    const scale = Math.exp(rand() * 0.2 - 0.1);
    const move = (y: number | null | undefined) => (typeof y === "number" ? Math.min(lastYear, y + shift) : y);
    const dims = r.dimensionsInches ? Object.fromEntries(Object.entries(r.dimensionsInches).map(([k, v]) => [k, typeof v === "number" ? Math.round(v * scale * 1000) / 1000 : v])) : r.dimensionsInches;
    const row = { ...r, sourceId: `bench:${i}:${r.sourceId}`, title: `${r.title} [${i}]`, yearStart: move(r.yearStart), yearEnd: move(r.yearEnd), dimensionsInches: dims };
    chunk.push(`${JSON.stringify(row)}\n`);
    if (chunk.length >= 2000) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

export interface IndexTimings {
  readonly indexed: number;
  readonly seconds: number;
  readonly loadMs: number;
  readonly blendMs: number;
  readonly upsertMs: number;
}

/**
 * Vectors for every work of the app's catalogue (random image part seeded with `seed`, real meta-v1
 * part), upserted in pages of 1,000; the outbox's jobs are then marked done (nothing left to embed).
 */
export async function indexCorpus(app: App, seed: number, progress: (indexed: number) => void = () => {}): Promise<IndexTimings> {
  const { store, index, embedder } = app.core;
  const layout = embedder.layout;
  const collectionName = app.core.indexService.collection;
  const metadataEncoder = new MetadataEncoderV1();
  const imageRand = mulberry32(seed);
  let loadMs = 0;
  let blendMs = 0;
  let upsertMs = 0;
  let after: string | null = null;
  let lastLog = performance.now();
  const t0 = performance.now();
  for (;;) {
    let t = performance.now();
    const ids = await store.artworkIdsAfter(after, 1000);
    if (ids.length === 0) break;
    const batch: Artwork[] = await store.loadArtworks(ids);
    loadMs += performance.now() - t;
    t = performance.now();
    const points: VectorPoint[] = batch.map((w) => ({
      id: w.id,
      vector: blend(randomUnit(IMAGE_DIMENSION, imageRand), metadataEncoder.encode(metadataInputOf(w)), embedder.weights, layout),
      payload: payloadOf(w, embedder.versionKey, true),
    }));
    blendMs += performance.now() - t;
    t = performance.now();
    await index.upsert(collectionName, points);
    upsertMs += performance.now() - t;
    after = ids[ids.length - 1];
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      progress(await index.count(collectionName));
    }
  }
  await app.db.prisma.embeddingJob.updateMany({ where: { status: { in: ["PENDING", "RUNNING"] } }, data: { status: "DONE" } });
  return { indexed: await index.count(collectionName), seconds: (performance.now() - t0) / 1000, loadMs, blendMs, upsertMs };
}
