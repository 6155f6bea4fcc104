/**
 * `vitrine export`: a small catalogue (embedded store and index, queue drained) written to Parquet and
 * read back with hyparquet: one row per work, the stored vectors split into their image and metadata
 * parts with the index's exact values, works not embedded yet with null vectors.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, ParquetExportSink } from "../../src/adapters/parquet/parquet-export-sink.ts";
import { DEMO_CATALOGUE } from "../../src/main.ts";
import { ExportService } from "../../src/services/export.service.ts";
import { photoLikeRgb, toPng } from "../support/images.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

describe("Parquet export (embedded store and index)", () => {
  let t: TestApp;
  let dir: string;
  let imageWork: string;
  beforeAll(async () => {
    t = await startTestApp("embedded", { demo: false, env: { VITRINE_MODEL_PATH: path.resolve("models/vit-mae-tiny.onnx") } });
    dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-export-"));
    const lines = readFileSync(DEMO_CATALOGUE, "utf8").split("\n").slice(0, 12);
    const summary = await t.app.services.importer.importLines(lines, { defaultSource: "demo" });
    expect(summary.created).toBe(12);
    imageWork = (await t.app.core.store.artworkIdsAfter(null, 1))[0];
    const png = Buffer.from(await toPng(photoLikeRgb(64, 48, 7))).toString("base64");
    await t.app.core.images.attach(imageWork, { base64: png });
    await t.drain();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("should write every work with its id, fields and the index's vector parts, a row group per page", async () => {
    const core = t.app.core;
    const service = new ExportService(core.store, core.index, core.indexService);
    const file = path.join(dir, "works.parquet");
    const summary = await service.exportTo(ParquetExportSink.open(file, service.header()), { pageSize: 5 });
    expect(summary).toEqual({ works: 12, withVector: 12, generation: core.embedder.versionKey });
    await expect(stat(`${file}.partial`)).rejects.toThrow();

    const buffer = await asyncBufferFromFile(file);
    const meta = await parquetMetadataAsync(buffer);
    expect(meta.schema.filter((s) => s.name !== "root" && s.name !== "list" && s.name !== "element").map((s) => s.name)).toEqual(EXPORT_COLUMNS);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([5, 5, 2]);
    const kv = new Map(meta.key_value_metadata?.map((e) => [e.key, e.value]));
    expect(kv.get("vitrine.generation")).toBe(core.embedder.versionKey);
    const groups = JSON.parse(kv.get("vitrine.metadata_groups") as string) as { name: string; offset: number; length: number }[];
    expect(groups.map((g) => g.name)).toEqual(core.embedder.layout.metadata.groups.map((g) => g.name));

    const rows = (await parquetReadObjects({ file: buffer })) as Record<string, any>[];
    const ids = await core.store.artworkIdsAfter(null, 100);
    expect(rows.map((r) => r.id)).toEqual(ids);

    const collection = core.indexService.live().collection;
    const points = new Map((await core.index.get(collection, ids)).map((p) => [p.id, p]));
    const works = new Map((await core.store.loadArtworks(ids)).map((w) => [w.id, w]));
    const d = core.embedder.layout.imageDimension;
    const m = core.embedder.layout.metadata.dimension;
    for (const r of rows) {
      const stored = points.get(r.id)!.vector;
      const work = works.get(r.id)!;
      expect(r.generation).toBe(core.embedder.versionKey);
      expect(r.metadata_vector).toHaveLength(m);
      expect(Float32Array.from(r.metadata_vector)).toEqual(stored.slice(d));
      expect(r.source).toBe("Carnegie Museum of Art, github.com/cmoa/collection");
      expect(r.source_id).toBe(work.sourceId);
      expect(r.title).toBe(work.title);
      expect(r.artists).toEqual(work.artists.map((a) => a.artist.name));
      expect(r.year_start ?? null).toBe(work.yearStart);
      expect(r.medium_category ?? null).toBe(work.mediumCategory);
      expect(r.department ?? null).toBe(work.department);
      expect(r.classification ?? null).toBe(work.classification);
      if (r.id === imageWork) {
        expect(r.has_image).toBe(true);
        expect(r.image_vector).toHaveLength(d);
        expect(Float32Array.from(r.image_vector)).toEqual(stored.slice(0, d));
        expect(stored.slice(0, d).some((x) => x !== 0)).toBe(true);
      } else {
        expect(r.has_image).toBe(false);
        expect(r.image_vector ?? null).toBeNull();
      }
    }
  });

  it("should write a work that has no vector yet with null vector columns", async () => {
    const core = t.app.core;
    const id = await core.store.createArtwork({ source: "test", sourceId: "not-embedded", fields: { title: "Not embedded yet" } });
    const service = new ExportService(core.store, core.index, core.indexService);
    const file = path.join(dir, "partial.parquet");
    const summary = await service.exportTo(ParquetExportSink.open(file, service.header()));
    expect(summary.works).toBe(13);
    expect(summary.withVector).toBe(12);
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Record<string, any>[];
    const row = rows.find((r) => r.id === id)!;
    expect(row.title).toBe("Not embedded yet");
    expect(row.generation ?? null).toBeNull();
    expect(row.metadata_vector ?? null).toBeNull();
    expect(row.artists).toEqual([]);
  });
});
