/**
 * Fault drill (e): a reindex killed halfway and resumed. A real `vitrine reindex --drain` child process
 * builds a new embedding generation (the tiny image model changes the version) over a PostgreSQL
 * catalogue and the embedded index folder, and is SIGKILLed when about half of its jobs are done.
 * Readers never see the building generation before it is complete: the alias (aliases.json, written
 * by write-then-rename) names the old generation throughout, and similar-works answers come from it
 * after the kill. A second run resumes (nothing is queued again), moves the alias, drops the old
 * generation; the catalogue count equals the indexed count, and no work is indexed twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { openCore } from "../../src/main.ts";
import { freshPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";

const silent = pino({ level: "silent" });
const BIN = path.resolve("bin/vitrine.js");
const TINY = path.resolve("models/vit-mae-tiny.onnx");
/** Short enough that the second run takes over the jobs the killed one held. */
const LEASE_SECONDS = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!TEST_DATABASE_URL)("fault drill: a reindex killed halfway and resumed (PostgreSQL + embedded index)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it("should keep readers on the live generation until the resumed build completes, then hold every work once", async () => {
    const database = await freshPostgresDatabase();
    cleanups.push(database.drop);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-drill-reindex-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const baseEnv = { NODE_ENV: "test", VITRINE_DATA_DIR: dataDir, DATABASE_URL: database.url, VITRINE_MODEL_PATH: path.join(dataDir, "no-model.onnx") };
    const newEnv = { ...baseEnv, VITRINE_MODEL_PATH: TINY, VITRINE_WORKER_BATCH: "8", VITRINE_WORKER_LEASE_SECONDS: String(LEASE_SECONDS) };

    // generation 1: metadata only, complete and live
    const v1 = await openCore(loadConfig(baseEnv), { log: silent });
    await v1.importer.importFile(path.resolve("data/demo/catalogue.jsonl"), { defaultSource: "demo" });
    await v1.indexService.init();
    await v1.createWorker().drain();
    const oldGeneration = v1.indexService.live();
    const works = await v1.store.countArtworks({});
    expect(await oldGeneration.count()).toBe(works);
    const probe = (await v1.store.artworkIdsAfter(null, 1))[0];
    const before = await v1.similarity.similarTo(probe, { k: 10 });
    await v1.close();

    const aliasTarget = () => (JSON.parse(readFileSync(path.join(dataDir, "vectors", "aliases.json"), "utf8")) as Record<string, string>).artworks;
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    cleanups.push(() => sql.end());
    const doneFor = async (notGeneration: string) =>
      Number((await sql.query(`SELECT count(*)::int AS n FROM "EmbeddingJob" WHERE status = 'DONE' AND generation IS NOT NULL AND generation <> $1`, [notGeneration])).rows[0].n);

    // run 1: killed when about half of the new generation's jobs are done
    const first = spawnReindex(newEnv);
    let aliasDuringRun = new Set<string>();
    let done = 0;
    for (;;) {
      aliasDuringRun.add(aliasTarget());
      done = await doneFor(oldGeneration.collection);
      if (done >= works / 2) break;
      if (first.child.exitCode !== null) throw new Error(`the reindex finished before it could be killed (${done} of ${works} done):\n${first.output()}`);
      await sleep(20);
    }
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(done).toBeLessThan(works);
    expect([...aliasDuringRun]).toEqual([oldGeneration.collection]);
    expect(aliasTarget()).toBe(oldGeneration.collection);

    // readers after the kill (the new version's server, as an API would start now): the live generation
    const reader = await openCore(loadConfig(newEnv), { log: silent });
    let building: string;
    try {
      await reader.indexService.init();
      expect(reader.indexService.isLive).toBe(false);
      const answer = await reader.similarity.similarTo(probe, { k: 10 });
      expect(answer.embeddingVersion).toBe(oldGeneration.versionKey);
      expect(answer.hits.map((h) => h.artworkId)).toEqual(before.hits.map((h) => h.artworkId));
      const generations = await reader.indexService.generations();
      expect(generations.live).toMatchObject({ collection: oldGeneration.collection, vectors: works });
      expect(generations.building!.vectors).toBeGreaterThan(0);
      expect(generations.building!.vectors).toBeLessThan(works);
      building = generations.building!.collection;
      // the interrupted build is resumed, not queued again: one REINDEX job per work for it
      const jobs = await sql.query(`SELECT count(*)::int AS n, count(DISTINCT "artworkId")::int AS d FROM "EmbeddingJob" WHERE generation = $1`, [building]);
      expect(jobs.rows[0]).toEqual({ n: works, d: works });
    } finally {
      await reader.close();
    }
    await sleep(LEASE_SECONDS * 1000 + 500); // the killed run's leases run out

    // run 2: completes, moves the alias, drops the old generation
    const second = spawnReindex(newEnv);
    aliasDuringRun = new Set<string>();
    while (second.child.exitCode === null && second.child.signalCode === null) {
      aliasDuringRun.add(aliasTarget());
      await sleep(20);
    }
    await second.exited;
    expect(second.child.exitCode, second.output()).toBe(0);
    expect(second.output()).toContain(`readers now use ${building}`);
    expect(second.output()).toContain(`${oldGeneration.collection} is dropped`);
    // the alias names one generation or the other, never anything else, and the new one at the end
    expect([...aliasDuringRun].every((c) => c === oldGeneration.collection || c === building)).toBe(true);
    expect(aliasTarget()).toBe(building);
    expect(existsSync(path.join(dataDir, "vectors", oldGeneration.collection))).toBe(false);

    const after = await openCore(loadConfig(newEnv), { log: silent });
    try {
      await after.indexService.init();
      expect(after.indexService.isLive).toBe(true);
      const live = after.indexService.live();
      expect(live.collection).toBe(building);
      const ids: string[] = [];
      for (let page = await live.ids(null, 500); page.length; page = await live.ids(page.at(-1)!, 500)) ids.push(...page);
      expect(await after.store.countArtworks({})).toBe(works);
      expect(await live.count()).toBe(works);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(works);
      expect(await after.queue.generationCounts(building)).toEqual({ PENDING: 0, RUNNING: 0, FAILED: 0 });
      expect((await after.similarity.similarTo(probe, { k: 10 })).embeddingVersion).toBe(live.versionKey);
      expect(await after.index.listCollections()).toEqual([building]);
    } finally {
      await after.close();
    }
  }, 600_000);
});

/** `vitrine reindex --drain` as a child process, its output collected. */
function spawnReindex(env: Record<string, string>): { child: ChildProcess; exited: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, [BIN, "reindex", "--drain"], { env: { PATH: process.env.PATH, ...env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, output: () => output };
}
