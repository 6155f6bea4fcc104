/**
 * Embedding generations (embedded store and index): jobs name the generation they fill; a failed job
 * keeps readers on the old generation until the swap is accepted anyway (which says how many works
 * lack a vector); a kept previous generation is never loaded by the index and is removed by prune.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { openCore } from "../../src/main.ts";

const silent = pino({ level: "silent" });

describe("embedding generations (embedded store and index)", () => {
  let dataDir = "";
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("should hold the alias while a job of the building generation has failed, move it when accepted, and keep or prune the previous one", async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-generations-"));
    const base = { NODE_ENV: "test", VITRINE_DATA_DIR: dataDir, VITRINE_MODEL_PATH: path.join(dataDir, "none.onnx") };
    const next = { ...base, VITRINE_MODEL_PATH: path.resolve("models/vit-mae-tiny.onnx") };

    const v1 = await openCore(loadConfig(base), { log: silent });
    await v1.importer.importLines(Array.from({ length: 12 }, (_, i) => JSON.stringify({ sourceId: `g-${i}`, title: `Work ${i}`, artist: `Artist ${i % 3}` })), { defaultSource: "gen-test" });
    await v1.indexService.init();
    await v1.createWorker().drain();
    const old = v1.indexService.live().collection;
    // the catalogue's writes queued jobs naming no generation; the worker stamped them with its own
    const stamped = await v1.queue.list(null, 100, null);
    expect(stamped.length).toBe(12);
    expect(stamped.every((j) => j.generation === old && j.status === "DONE")).toBe(true);
    await v1.close();

    const v2 = await openCore(loadConfig(next), { log: silent });
    try {
      await v2.indexService.init();
      const building = v2.indexService.building()!;
      expect(building.collection).not.toBe(old);
      expect(await v2.queue.generationCounts(building.collection)).toEqual({ PENDING: 12, RUNNING: 0, FAILED: 0 });
      // a worker of another generation takes none of its jobs
      expect(await v2.queue.claim(50, "other-version", 60_000, `${old}-other`)).toEqual([]);
      // one job fails for good
      const [broken] = await v2.queue.claim(1, "test", 60_000, building.collection);
      await v2.queue.fail(broken.id, "the image could not be decoded", null);
      await v2.createWorker().drain();
      expect(await building.count()).toBe(11);
      expect(v2.indexService.isLive).toBe(false);
      expect(await v2.index.resolveAlias(v2.indexService.alias)).toBe(old);
      expect(await v2.indexService.completeIfBuilt()).toMatchObject({ swapped: false, blockedBy: "FAILED_JOBS", jobs: { FAILED: 1 } });
      // readers still get the old generation
      expect((await v2.indexService.generations()).live).toMatchObject({ collection: old, vectors: 12 });

      const outcome = await v2.indexService.completeIfBuilt({ acceptFailures: true, keepPrevious: true });
      expect(outcome).toMatchObject({ swapped: true, missing: 1, previous: old, previousKept: true });
      expect(await v2.index.resolveAlias(v2.indexService.alias)).toBe(building.collection);
      expect(v2.indexService.live()).toBe(building);
      expect(v2.indexService.building()).toBeNull();
      expect(await v2.index.listCollections()).toContain(old);
    } finally {
      await v2.close();
    }

    // the kept generation is not loaded when the index opens: spoiling its files does not matter
    const oldFolder = path.join(dataDir, "vectors", old);
    const current = readdirSync(oldFolder).find((e) => e.startsWith("gen-"))!;
    writeFileSync(path.join(oldFolder, current, "points.json"), "{ not json");
    const v3 = await openCore(loadConfig(next), { log: silent });
    try {
      await v3.indexService.init();
      expect(v3.indexService.isLive).toBe(true);
      const probe = (await v3.store.artworkIdsAfter(null, 1))[0];
      expect((await v3.similarity.similarTo(probe, { k: 5 })).hits.length).toBeGreaterThan(0);
      expect(await v3.index.listCollections()).toEqual([old, v3.indexService.collection].sort());
      expect(await v3.indexService.prune()).toEqual([old]);
      expect(await v3.index.listCollections()).toEqual([v3.indexService.collection]);
      expect(readdirSync(path.join(dataDir, "vectors"))).not.toContain(old);
    } finally {
      await v3.close();
    }
  }, 180_000);
});
