/**
 * Fault drill (a), issue 16 item 5: the vector index is unavailable while `vitrine import` (a child
 * process, PostgreSQL) brings in a catalogue, then comes back. The embedding worker runs meanwhile;
 * its jobs wait (never FAILED, even with VITRINE_WORKER_MAX_ATTEMPTS=1) and finish once the index is
 * back, each work embedded once.
 *
 * How the index fails:
 * - embedded: a decorator around the real threaded usearch index whose calls reject, while "down", with
 *   the UnavailableError the VectorIndex port promises for an outage (the Qdrant adapter's). The real
 *   ways to break it are no drill: the tests run as root, so an unwritable folder still takes writes,
 *   and the index thread, once killed, cannot start again in that process (threaded-vector-index.ts).
 * - Qdrant (only with QDRANT_URL): the real adapter talks to Qdrant through a TCP relay that the test
 *   cuts (open connections destroyed, new ones refused) and restores.
 */
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { UnavailableError } from "../../src/domain/errors.ts";
import { openCore } from "../../src/main.ts";
import type { VectorIndex } from "../../src/ports/vector-index.port.ts";
import { EmbeddingWorker } from "../../src/worker/embedding.worker.ts";
import { VectorIndexService } from "../../src/services/vector-index.service.ts";
import { TEST_DATABASE_URL, freshPostgresDatabase } from "../support/databases.ts";
import { runVitrine, tallyCatalogue, until, writeCatalogue } from "../support/vitrine-process.ts";

const WORKS = 200;
const silent = pino({ level: "silent" });

/** A switch that takes the index down and brings it back. */
interface Outage {
  down(): Promise<void>;
  up(): Promise<void>;
}

/** The real index behind a switch: while down, every call rejects as an unreachable index does. */
function switchable(real: VectorIndex): { index: VectorIndex; outage: Outage } {
  let isDown = false;
  const index = new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function" || key === "close") return value;
      return (...args: unknown[]) => (isDown ? Promise.reject(new UnavailableError("The vector index is unreachable.")) : value.apply(target, args));
    },
  });
  return { index, outage: { down: async () => void (isDown = true), up: async () => void (isDown = false) } };
}

/** A TCP relay to `target` (host:port) on 127.0.0.1; cutting it destroys its connections and refuses new ones. */
async function relay(target: URL): Promise<{ url: string; outage: Outage; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let isDown = false;
  const server = net.createServer((client) => {
    if (isDown) return void client.destroy();
    const upstream = net.connect(Number(target.port || 80), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  const cut = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    outage: { down: async () => ((isDown = true), cut()), up: async () => void (isDown = false) },
    close: () => (cut(), new Promise<void>((r) => server.close(() => r()))),
  };
}

const KINDS = process.env.QDRANT_URL ? (["embedded", "qdrant"] as const) : (["embedded"] as const);

describe.skipIf(!TEST_DATABASE_URL).each(KINDS)("fault drill: the vector index (%s) unavailable during an import", (kind) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("should keep the jobs waiting while the index is down and index every work once when it is back", async () => {
    const database = await freshPostgresDatabase();
    cleanup.push(database.drop);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-drill-index-"));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const proxy = kind === "qdrant" ? await relay(new URL(process.env.QDRANT_URL!)) : null;
    if (proxy) cleanup.push(proxy.close);
    const config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: database.url,
      VITRINE_DATA_DIR: dataDir,
      VITRINE_DEMO: "0",
      VITRINE_MODEL_PATH: path.resolve("models/vit-mae-tiny.onnx"),
      VITRINE_INPROCESS_WORKER: "0",
      VITRINE_WORKER_POLL_MS: "200",
      VITRINE_WORKER_MAX_ATTEMPTS: "1", // a work's own failure is given up at once: an outage must not be
      ...(proxy ? { QDRANT_URL: proxy.url, QDRANT_COLLECTION_PREFIX: `drill_${Date.now().toString(36)}` } : {}),
    });
    const core = await openCore(config, { log: silent });
    cleanup.push(() => core.close());
    await core.indexService.init();
    const collection = core.indexService.collection;
    if (proxy) cleanup.push(() => core.index.dropCollection(collection).catch(() => {}));
    const { index, outage } = proxy ? { index: core.index, outage: proxy.outage } : switchable(core.index);
    // the worker fills the same generation through the index the test can take down
    const target = proxy ? core.indexService : new VectorIndexService(index, core.embedder, core.store, core.queue, core.indexService.alias, silent);
    if (!proxy) await target.init();
    const worker = new EmbeddingWorker(core.queue, core.store, core.embedder, target, config.worker, silent);

    await outage.down();
    worker.start();
    cleanup.push(() => worker.stop());
    const file = path.join(dataDir, "catalogue.jsonl");
    await writeCatalogue(file, WORKS);
    const imported = await runVitrine(["import", file], { DATABASE_URL: database.url, VITRINE_DATA_DIR: dataDir });
    expect(imported).toContain(`created ${WORKS}, updated 0, unchanged 0, rejected 0`);

    // the worker tried while the index was down: nothing failed for good, nothing indexed
    await until("the worker to meet the outage", async () => (await core.db.prisma.embeddingJob.count({ where: { lastError: { not: null } } })) > 0, 30_000);
    expect((await core.queue.counts()).FAILED).toBe(0);
    expect(await core.queue.count("DONE")).toBe(0);
    await outage.up();

    await until("every job done", async () => {
      const c = await core.queue.counts();
      return c.PENDING + c.RUNNING + c.FAILED === 0;
    }, 90_000);
    await worker.stop();
    expect(await core.index.count(collection)).toBe(WORKS);
    const tally = await tallyCatalogue(database.url);
    expect(tally).toMatchObject({ works: WORKS, duplicateWorks: 0, embeddedTwice: 0, jobs: { DONE: WORKS, FAILED: 0, PENDING: 0, RUNNING: 0 } });
  }, 180_000);
});
