/**
 * The embedding outbox under competing workers, on both stores: every job is taken exactly once, and
 * two workers never hold jobs of the same work at the same time (the later write must not be
 * overtaken by an older read).
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { openCore, type Core } from "../../src/main.ts";
import { freshPostgresDatabase, STORE_KINDS } from "../support/databases.ts";

describe.each(STORE_KINDS)("embedding job queue (%s store)", (kind) => {
  let core: Core;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-queue-"));
    const pg = kind === "postgresql" ? await freshPostgresDatabase() : null;
    drop = pg?.drop;
    core = await openCore(loadConfig({ NODE_ENV: "test", VITRINE_DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) }), { log: pino({ level: "silent" }) });
    await core.importer.importFile(path.resolve("data/demo/catalogue.jsonl"), { defaultSource: "demo" });
    await core.queue.enqueue(await core.store.artworkIdsAfter(null, 10_000), "REINDEX"); // a second job for every work
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await drop?.();
  });

  it("should hand every job out once and never let two workers hold the same work", async () => {
    const total = (await core.queue.counts()).PENDING;
    const works = await core.store.countArtworks({});
    expect(total).toBe(2 * works);
    let taken = 0;
    const seen = new Set<string>();
    for (let round = 0; round < 200 && taken < total; round++) {
      const [a, b, c] = await Promise.all(["w-a", "w-b", "w-c"].map((w) => core.queue.claim(40, w, 60_000, core.indexService.collection)));
      const holders = new Map<string, string>();
      for (const [worker, jobs] of [["a", a], ["b", b], ["c", c]] as const) {
        for (const job of jobs) {
          expect(seen.has(job.id)).toBe(false);
          seen.add(job.id);
          const other = holders.get(job.artworkId);
          expect(other === undefined || other === worker).toBe(true);
          holders.set(job.artworkId, worker);
        }
      }
      await core.queue.complete([...a, ...b, ...c].map((j) => j.id));
      taken += a.length + b.length + c.length;
    }
    expect(taken).toBe(total);
    expect(await core.queue.counts()).toEqual({ PENDING: 0, RUNNING: 0, FAILED: 0 });
    expect(await core.queue.count("DONE")).toBe(total);
  }, 120_000);

  it("should page through jobs by status, oldest first, and prune DONE jobs past their retention in bounded passes", async () => {
    const done = await core.queue.count("DONE");
    expect(done).toBeGreaterThan(1000);
    // pages join up without gaps or repeats
    const seen: string[] = [];
    let after = null;
    for (;;) {
      const page = await core.queue.list("DONE", 500, after);
      seen.push(...page.map((j) => j.id));
      if (page.length < 500) break;
      const last = page.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen).toHaveLength(done);
    expect(new Set(seen).size).toBe(done);
    // some jobs still open are never pruned, whatever their age
    const [w1, w2] = await core.store.artworkIdsAfter(null, 2);
    await core.queue.enqueue([w1, w2], "REINDEX");
    await core.db.prisma.embeddingJob.updateMany({ where: { status: "DONE" }, data: { updatedAt: new Date(Date.now() - 48 * 3_600_000) } });
    const recent = (await core.queue.list("DONE", 10, null)).map((j) => j.id);
    await core.db.prisma.embeddingJob.updateMany({ where: { id: { in: recent } }, data: { updatedAt: new Date() } });
    const cutoff = new Date(Date.now() - 24 * 3_600_000);
    expect(await core.queue.pruneDone(cutoff, 1000)).toBe(1000);
    let removed = 1000;
    for (let n = await core.queue.pruneDone(cutoff, 1000); n > 0; n = await core.queue.pruneDone(cutoff, 1000)) removed += n;
    expect(removed).toBe(done - 10);
    expect((await core.queue.list("DONE", 100, null)).map((j) => j.id).sort()).toEqual([...recent].sort());
    expect(await core.queue.counts()).toMatchObject({ PENDING: 2 });
  }, 120_000);
});
