/**
 * The life of vectors beside the catalogue: the in-process runner makes a first start searchable, the
 * index survives a restart without re-embedding, reconcile finds and repairs drift, a new embedding
 * version is built in a new collection and swapped in only when complete, and jobs wait (never
 * given up) while the index is unreachable.
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { createApp, openCore } from "../../src/main.ts";
import { ReconcileService } from "../../src/services/reconcile.service.ts";
import { backoffMs } from "../../src/worker/embedding.worker.ts";

const silent = pino({ level: "silent" });

function configFor(dataDir: string, env: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", VITRINE_DATA_DIR: dataDir, VITRINE_WORKER_POLL_MS: "50", ...env });
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("vectors beside the catalogue (embedded store and index)", () => {
  it("should make the demo searchable on a first start, keep the index over a restart, and reconcile drift", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-life-"));
    const app = await createApp(configFor(dataDir), { log: silent, onBootstrapKey: () => {} });
    const url = await app.listen();
    const works = await app.db.prisma.artwork.count();
    expect(works).toBeGreaterThan(900);
    // the in-process runner embeds the demo in the background
    await until(async () => (await (await fetch(`${url}/health`)).json()).index.vectors === works, 60_000);
    const health = await (await fetch(`${url}/health`)).json();
    expect(health.index).toMatchObject({ state: "LIVE", pendingJobs: 0, failedJobs: 0 });
    const first = (await app.db.prisma.artwork.findFirstOrThrow({ select: { id: true } })).id;
    const before = await app.services.similarity.similarTo(first, { k: 10 });
    expect(before.hits).toHaveLength(10);
    await app.stop();

    // a restart loads the saved index: nothing is queued, and the answers are the same
    const again = await createApp(configFor(dataDir, { VITRINE_INPROCESS_WORKER: "0" }), { log: silent });
    try {
      expect(await again.core.queue.counts()).toMatchObject({ PENDING: 0, RUNNING: 0 });
      expect(await again.core.index.count(again.core.indexService.collection)).toBe(works);
      const after = await again.services.similarity.similarTo(first, { k: 10 });
      expect(after.hits.map((h) => h.artworkId)).toEqual(before.hits.map((h) => h.artworkId));

      // drift: one vector lost, one vector of a work that does not exist
      const { index, indexService, store, queue } = again.core;
      const collection = indexService.collection;
      const [lost] = await index.get(collection, [before.hits[0].artworkId]);
      await index.delete(collection, [lost.id]);
      const ghost = "00000000-0000-4000-8000-00000000beef";
      await index.upsert(collection, [{ ...lost, id: ghost }]);
      const reconcile = new ReconcileService(store, queue);
      expect(await reconcile.run(indexService.own, { repair: false })).toMatchObject({ works, missing: 1, orphaned: 1, repaired: false });
      expect(await reconcile.run(indexService.own, { repair: true })).toMatchObject({ missing: 1, orphaned: 1, repaired: true });
      await again.core.createWorker().drain();
      expect(await reconcile.run(indexService.own, { repair: false })).toMatchObject({ works, vectors: works, missing: 0, orphaned: 0 });
    } finally {
      await again.stop();
    }
  }, 120_000);

  it("should build a new embedding version in its own collection and swap the alias only when it is complete", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-version-"));
    const v1 = await openCore(configFor(dataDir), { log: silent });
    await v1.importer.importFile(path.resolve("data/demo/catalogue.jsonl"), { defaultSource: "demo" });
    await v1.indexService.init();
    await v1.createWorker().drain();
    const oldCollection = v1.indexService.collection;
    const works = await v1.store.countArtworks({});
    await v1.close();

    // the tiny image model changes the embedding version
    const v2 = await openCore(configFor(dataDir, { VITRINE_MODEL_PATH: path.resolve("models/vit-mae-tiny.onnx") }), { log: silent });
    try {
      await v2.indexService.init();
      expect(v2.indexService.collection).not.toBe(oldCollection);
      expect(v2.indexService.isLive).toBe(false);
      expect(await v2.index.resolveAlias(v2.indexService.alias)).toBe(oldCollection);
      // readers keep working on the old version meanwhile
      const someone = (await v2.store.artworkIdsAfter(null, 1))[0];
      expect((await v2.similarity.similarTo(someone, { k: 5 })).hits).toHaveLength(5);
      expect(await v2.queue.counts()).toMatchObject({ PENDING: works });
      await v2.createWorker().drain();
      expect(v2.indexService.isLive).toBe(true);
      expect(await v2.index.resolveAlias(v2.indexService.alias)).toBe(v2.indexService.collection);
      expect(await v2.index.count(v2.indexService.collection)).toBe(works);
    } finally {
      await v2.close();
    }
  }, 120_000);

  it("should keep jobs waiting, never given up, while the vector index is unreachable", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-down-"));
    // Qdrant configured at a port nothing listens on: a real client, a real connection refusal
    const core = await openCore(configFor(dataDir, { QDRANT_URL: "http://127.0.0.1:9", VITRINE_WORKER_MAX_ATTEMPTS: "1" }), { log: silent });
    try {
      await core.importer.importFile(path.resolve("data/demo/catalogue.jsonl"), { defaultSource: "demo" });
      const queued = await core.queue.counts();
      expect(queued.PENDING).toBeGreaterThan(900);
      const pass = await core.createWorker().runOnce();
      expect(pass.failed).toBe(pass.claimed);
      const counts = await core.queue.counts();
      expect(counts.FAILED).toBe(0);
      expect(counts.PENDING).toBe(queued.PENDING);
      const job = await core.db.prisma.embeddingJob.findFirstOrThrow({ where: { attempts: { gt: 0 } } });
      expect(job.lastError).toMatch(/unreachable/i);
      expect(job.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await core.close();
    }
  }, 60_000);

  it("should back off exponentially with jitter, capped at ten minutes", () => {
    expect(backoffMs(1, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(30, () => 0.5)).toBe(600_000);
    expect(backoffMs(2, () => 0)).toBe(3000);
    expect(backoffMs(2, () => 1)).toBe(5000);
  });
});
