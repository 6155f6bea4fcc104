/**
 * Reconcile beside the API and the workers: works created and embedded while it runs (between its
 * index scan and its catalogue read, and between its reads and its deletes) keep their vectors.
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { openCore } from "../../src/main.ts";
import type { CatalogueStore } from "../../src/ports/catalogue-store.port.ts";
import type { VectorIndex } from "../../src/ports/vector-index.port.ts";
import { ReconcileService } from "../../src/services/reconcile.service.ts";
import { freshPostgresDatabase, STORE_KINDS } from "../support/databases.ts";
import { EmbeddingGeneration } from "../../src/services/embedding-generation.ts";

const silent = pino({ level: "silent" });

describe.each(STORE_KINDS)("reconcile while works are created (%s store)", (kind) => {
  it("should never delete the vector of a work that exists when the delete happens", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-reconcile-"));
    const pg = kind === "postgresql" ? await freshPostgresDatabase() : null;
    const core = await openCore(loadConfig({ NODE_ENV: "test", VITRINE_DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) }), { log: silent });
    try {
      const rows = Array.from({ length: 5 }, (_, i) => JSON.stringify({ sourceId: `r-${i}`, title: `Work ${i}` }));
      await core.importer.importLines(rows, { defaultSource: "reconcile-test" });
      await core.indexService.init();
      await core.createWorker().drain();
      const collection = core.indexService.collection;
      const [template] = await core.index.get(collection, [(await core.store.artworkIdsAfter(null, 1))[0]]);
      const created: string[] = [];
      // a client creates a work and the worker embeds it: the same steps the API and the worker take
      const createAndEmbed = async () => {
        const id = await core.store.createArtwork({ source: "reconcile-test", sourceId: `new-${created.length}`, fields: { title: "Created meanwhile" } });
        await core.index.upsert(collection, [{ ...template, id }]);
        created.push(id);
      };
      // interleaved deterministically: once while the index is being scanned, once while the catalogue
      // is being read, and once right before the orphans are looked up again
      let scans = 0;
      const index: VectorIndex = Object.create(core.index, {
        ids: { value: async (c: string, after: string | null, limit: number) => {
          if (scans++ === 0) await createAndEmbed();
          return core.index.ids(c, after, limit);
        } },
      });
      let reads = 0;
      let lookups = 0;
      const store: CatalogueStore = Object.create(core.store, {
        artworkIdsAfter: { value: async (after: string | null, limit: number) => {
          const page = await core.store.artworkIdsAfter(after, limit);
          if (reads++ === 0) await createAndEmbed();
          return page;
        } },
        artworksByIds: { value: async (ids: readonly string[]) => {
          if (lookups++ === 0) await createAndEmbed();
          return core.store.artworksByIds(ids);
        } },
      });
      // a real orphan too: the vector of a work that is gone
      const ghost = "00000000-0000-4000-8000-00000000beef";
      await core.index.upsert(collection, [{ ...template, id: ghost }]);

      const report = await new ReconcileService(store, core.queue).run(new EmbeddingGeneration(index, collection, core.indexService.own), { repair: true });
      expect(report.orphaned).toBe(1);
      expect((await core.index.get(collection, [ghost]))).toHaveLength(0);
      const kept = await core.index.get(collection, created);
      expect(kept.map((p) => p.id).sort()).toEqual([...created].sort());
      expect(created).toHaveLength(3);
      // and a second run, with nothing moving, finds no drift left but the jobs it queued
      await core.createWorker().drain();
      const works = await core.store.countArtworks({});
      expect(await new ReconcileService(core.store, core.queue).run(core.indexService.own, { repair: false })).toMatchObject({ works, vectors: works, missing: 0, orphaned: 0 });
    } finally {
      await core.close();
      await pg?.drop();
    }
  }, 120_000);
});
