/**
 * The image-fetch outbox and its worker on both stores: no host gets more than its share of running
 * fetches (across workers), a fetch whose worker died is taken again when its lease expires, a host
 * that hangs holds up only its own works, and the fetcher reports the status and Retry-After it got.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuardedImageFetcher } from "../../src/adapters/http/guarded-image-fetcher.ts";
import { loadConfig } from "../../src/config/config.ts";
import { openCore, type Core } from "../../src/main.ts";
import { ImageFetchError } from "../../src/ports/image-source.port.ts";
import { freshPostgresDatabase, STORE_KINDS } from "../support/databases.ts";
import { startImageHost, type ImageHost } from "../support/image-host.ts";
import { photoLikeRgb, toPng } from "../support/images.ts";

const row = (sourceId: string, imageUrl: string) => JSON.stringify({ sourceId, source: "q", title: `Work ${sourceId}`, imageUrl });

describe.each(STORE_KINDS)("image fetch queue (%s store)", (kind) => {
  let core: Core;
  let dataDir: string;
  let drop: (() => Promise<void>) | undefined;
  let fast: ImageHost;
  let hanging: ImageHost;
  let release: () => void = () => {};
  let drained: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-image-queue-"));
    const pg = kind === "postgresql" ? await freshPostgresDatabase() : null;
    drop = pg?.drop;
    core = await openCore(
      loadConfig({
        NODE_ENV: "test",
        VITRINE_DATA_DIR: dataDir,
        VITRINE_IMAGE_FETCH_ALLOW: "127.0.0.1",
        VITRINE_IMAGE_FETCH_PER_HOST: "2",
        VITRINE_IMAGE_FETCH_CONCURRENCY: "6",
        VITRINE_IMAGE_FETCH_TIMEOUT_MS: "60000",
        ...(pg ? { DATABASE_URL: pg.url } : {}),
      }),
      { log: pino({ level: "silent" }) },
    );
    // one image for every work: stored by hash, the same blob written by several fetches at once
    const body = await toPng(photoLikeRgb(64, 48, 3, 10));
    const gate = new Promise<void>((resolve) => (release = resolve));
    fast = await startImageHost(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`/f${i}.png`, { body }])));
    hanging = await startImageHost(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/h${i}.png`, { body, gate }])));
  }, 120_000);
  afterAll(async () => {
    release();
    await drained.catch(() => undefined);
    await core?.close();
    await fast?.close();
    await hanging?.close();
    await drop?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("should hand no host more than its share of running fetches, across workers, and take back expired leases", async () => {
    await core.importer.importLines([
      ...Array.from({ length: 5 }, (_, i) => row(`a${i}`, `http://a.example/${i}.png`)),
      ...Array.from({ length: 3 }, (_, i) => row(`b${i}`, `http://b.example/${i}.png`)),
      ...Array.from({ length: 3 }, (_, i) => JSON.stringify({ sourceId: `c${i}`, source: "q", title: "Local", imagePath: `c${i}.png` })),
    ]);
    const first = await core.imageQueue.claim(20, 2, "w-1", 60_000);
    // local files (read from the image store) have no host to spare: they are not limited
    expect(first.map((j) => j.host).sort()).toEqual(["a.example", "a.example", "b.example", "b.example", "local", "local", "local"]);
    expect(await core.imageQueue.claim(10, 2, "w-2", 60_000)).toEqual([]); // both hosts are at their limit
    // w-1 dies: once its lease is over, its jobs are taken again (and count as attempts)
    await core.db.prisma.imageFetchJob.updateMany({ where: { lockedBy: "w-1" }, data: { lockedAt: new Date(Date.now() - 120_000) } });
    const again = await core.imageQueue.claim(10, 2, "w-2", 60_000);
    expect(again.map((j) => j.artworkId).sort()).toEqual(first.map((j) => j.artworkId).sort());
    expect(again.every((j) => j.attempts === 2)).toBe(true);
    await core.db.prisma.artwork.deleteMany({}); // the works go, and their fetch jobs with them
    expect(await core.imageQueue.counts()).toEqual({ PENDING: 0, RUNNING: 0 });
  });

  it("should keep fetching other hosts' images while one host hangs", async () => {
    await core.importer.importLines([
      ...Array.from({ length: 5 }, (_, i) => row(`h${i}`, `${hanging.url}/h${i}.png`)),
      ...Array.from({ length: 8 }, (_, i) => row(`f${i}`, `${fast.url}/f${i}.png`)),
    ]);
    const worker = core.createImageWorker();
    const drain = worker.drain();
    drained = drain;
    // every fast-host work becomes READY while the hanging host has not answered a single request
    for (let i = 0; i < 400; i++) {
      const counts = await core.store.imageStatusCounts();
      if (counts.READY === 8) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await core.store.imageStatusCounts()).toMatchObject({ READY: 8, PENDING: 5 });
    expect(hanging.requests.length).toBe(2); // the per-host limit: only two of its works are held up
    release();
    expect(await drain).toMatchObject({ READY: 13, FAILED: 0 });
    expect(await core.store.imageStatusCounts()).toMatchObject({ READY: 13, PENDING: 0 });
  });

  it("should report the HTTP status and Retry-After of a refused fetch", async () => {
    const host = await startImageHost({ "/busy": { status: 503, headers: { "retry-after": "Wed, 21 Oct 2026 07:28:00 GMT" } }, "/gone": { status: 410 } });
    const fetcher = new GuardedImageFetcher({ maxBytes: 1000, maxPixels: 1e6, fetchTimeoutMs: 2000, fetchAllowList: ["127.0.0.1"] });
    try {
      const busy = await fetcher.fetch(`${host.url}/busy`, "imageUrl").catch((e: unknown) => e);
      expect(busy).toBeInstanceOf(ImageFetchError);
      expect(busy).toMatchObject({ status: 503, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT", transient: true, code: "BAD_USER_INPUT" });
      const gone = await fetcher.fetch(`${host.url}/gone`, "imageUrl").catch((e: unknown) => e);
      expect(gone).toMatchObject({ status: 410, retryAfter: null, transient: false });
    } finally {
      await fetcher.close();
      await host.close();
    }
  });
});
