/**
 * A model outage is never a bad image (issue 12, item 4): the ONNX thread dies in the middle of a
 * batch (real onnxruntime on the tiny model, real PGlite, and PostgreSQL when TEST_DATABASE_URL is
 * set; the embedded index). While the model cannot
 * come back (its file is gone) the batch's jobs wait, never given up and never DONE with a
 * metadata-only vector; once the file is back the encoder starts a new thread by itself and every work
 * of the batch ends with its image part. Fault drill (d) of issue 16 item 5 adds a damaged file: while
 * the model cannot be loaded again the API answers over HTTP, and once the good file is copied back
 * (a new file, the same bytes) the jobs finish without a restart of vitrine.
 */
import { copyFile, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { OnnxImageEncoder } from "../../src/adapters/onnx/onnx-image-encoder.ts";
import { loadConfig } from "../../src/config/config.ts";
import { createApp, openCore, type Core } from "../../src/main.ts";
import { STORE_KINDS, freshPostgresDatabase } from "../support/databases.ts";
import { photoLikeRgb, toPng } from "../support/images.ts";

const silent = pino({ level: "silent" });
const WORKS = 10;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(STORE_KINDS)("a model outage during an embedding batch (%s store)", (kind) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("should keep the batch's jobs waiting while the model is down, then end every work with its image part once it is back", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-outage-"));
    const modelPath = path.join(dataDir, "vit-mae-tiny.onnx");
    await copyFile(path.resolve("models/vit-mae-tiny.onnx"), modelPath);
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const encoder = await OnnxImageEncoder.open(modelPath, { batchSize: 4 }); // 10 images → 3 model runs per batch
    const database = kind === "postgresql" ? await freshPostgresDatabase() : null;
    if (database) cleanup.push(() => database.drop());
    const config = loadConfig({
      ...(database ? { DATABASE_URL: database.url } : {}),
      NODE_ENV: "test",
      VITRINE_DATA_DIR: dataDir,
      VITRINE_DEMO: "0",
      VITRINE_INPROCESS_WORKER: "0",
      VITRINE_WORKER_BATCH: "32",
      VITRINE_WORKER_MAX_ATTEMPTS: "1", // a work's own failure would be given up at once: an outage must not be
    });
    const core: Core = await openCore(config, { log: silent, imageEncoder: encoder });
    cleanup.push(() => core.close());
    await core.indexService.init();
    const collection = core.indexService.collection;

    const ids: string[] = [];
    for (let i = 0; i < WORKS; i++) {
      const id = await core.catalogue.createArtwork({ title: `Study ${i}`, mediumCategory: "painting", yearStart: 1650 + i, yearEnd: 1650 + i });
      const png = await toPng(photoLikeRgb(96, 72, 300 + i));
      await core.images.attach(id, { base64: Buffer.from(png).toString("base64") });
      ids.push(id);
    }
    const worker = core.createWorker();
    const image = core.embedder.layout.parts.find((p) => p.name === "image")!;

    // The thread dies with the batch's first model run in flight, and the file is gone, so it cannot restart.
    encoder.crashOnNextRun();
    await rename(modelPath, `${modelPath}.away`);
    const down = await worker.runOnce();
    expect(down.claimed).toBeGreaterThanOrEqual(WORKS);
    expect(down.failed).toBe(down.claimed);
    expect(await core.index.count(collection)).toBe(0); // nothing stored with a metadata-only vector
    const waiting = await core.queue.counts();
    expect(waiting).toMatchObject({ FAILED: 0, PENDING: down.claimed });
    expect(await core.queue.count("DONE")).toBe(0);
    const failures = await core.queue.failures(100);
    expect(failures.every((f) => /image model/i.test(f.lastError ?? ""))).toBe(true);
    expect(encoder.restarts).toBe(0);

    // The model is back: the retried jobs succeed, each work with its image part.
    await rename(`${modelPath}.away`, modelPath);
    await until(async () => {
      await worker.drain();
      const c = await core.queue.counts();
      return c.PENDING + c.RUNNING === 0;
    }, 60_000);
    expect(await core.queue.counts()).toMatchObject({ FAILED: 0, PENDING: 0, RUNNING: 0 });
    expect(encoder.restarts).toBe(1);
    const points = await core.index.get(collection, ids);
    expect(points).toHaveLength(WORKS);
    for (const p of points) {
      expect(p.payload.hasImage).toBe(true);
      const part = p.vector.subarray(image.offset, image.offset + image.length);
      expect(part.some((x) => x !== 0)).toBe(true);
    }

    // A crash with the file in place: the encoder comes back within the same pass and nothing fails.
    await core.queue.enqueue(ids, "REINDEX");
    encoder.crashOnNextRun();
    const crashed = await worker.runOnce();
    expect(crashed).toMatchObject({ claimed: WORKS, upserted: WORKS, failed: 0 });
    expect(encoder.restarts).toBe(2);
    for (const p of await core.index.get(collection, ids)) expect(p.payload.hasImage).toBe(true);
  }, 120_000);

  it("should answer over HTTP while the model file is damaged, and finish the jobs once the good file is copied back", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-outage-"));
    const modelPath = path.join(dataDir, "vit-mae-tiny.onnx");
    const good = await readFile(path.resolve("models/vit-mae-tiny.onnx"));
    await writeFile(modelPath, good);
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const encoder = await OnnxImageEncoder.open(modelPath, { batchSize: 4 });
    const database = kind === "postgresql" ? await freshPostgresDatabase() : null;
    if (database) cleanup.push(() => database.drop());
    const config = loadConfig({
      ...(database ? { DATABASE_URL: database.url } : {}),
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      VITRINE_DATA_DIR: dataDir,
      VITRINE_DEMO: "0",
      VITRINE_INPROCESS_WORKER: "0",
      VITRINE_WORKER_MAX_ATTEMPTS: "1",
    });
    const app = await createApp(config, { log: silent, imageEncoder: encoder, onBootstrapKey: () => {} });
    cleanup.push(() => app.stop());
    const url = await app.listen();
    const core = app.core;
    const ids: string[] = [];
    for (let i = 0; i < WORKS; i++) {
      const id = await core.catalogue.createArtwork({ title: `Sketch ${i}`, mediumCategory: "drawing", yearStart: 1700 + i, yearEnd: 1700 + i });
      await core.images.attach(id, { base64: Buffer.from(await toPng(photoLikeRgb(80, 60, 500 + i))).toString("base64") });
      ids.push(id);
    }
    const worker = core.createWorker();

    // the thread dies with the file damaged in place: it cannot be loaded again, and the jobs wait
    encoder.crashOnNextRun();
    await writeFile(modelPath, good.subarray(0, good.length >> 1));
    const down = await worker.runOnce();
    expect(down.claimed).toBeGreaterThanOrEqual(WORKS);
    expect(down.failed).toBe(down.claimed);
    expect(await core.queue.counts()).toMatchObject({ FAILED: 0, PENDING: down.claimed });

    // the API stays up and answers from the catalogue meanwhile
    const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ artworks(first: 3) { totalCount edges { node { title } } } }" }) });
    const body = await res.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.artworks.totalCount).toBe(WORKS);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    // the good file is copied back (a new file: another mtime, the same bytes): the jobs finish by themselves
    await writeFile(`${modelPath}.restored`, good);
    await rename(`${modelPath}.restored`, modelPath);
    await until(async () => {
      await worker.drain();
      const c = await core.queue.counts();
      return c.PENDING + c.RUNNING === 0;
    }, 60_000);
    expect(encoder.restarts).toBe(1);
    expect(await core.queue.counts()).toMatchObject({ FAILED: 0, PENDING: 0, RUNNING: 0 });
    expect(await core.index.count(core.indexService.collection)).toBe(await core.store.countArtworks({}));
    for (const p of await core.index.get(core.indexService.collection, ids)) expect(p.payload.hasImage).toBe(true);
  }, 120_000);
});
