/**
 * Fault drill (b), issue 16 item 5: `vitrine import` is killed with SIGKILL halfway through a file and
 * run again. Real child processes on PostgreSQL: the second run creates exactly the works the first did
 * not commit and finds the others unchanged; `vitrine worker --once` then embeds each work once into
 * the embedded index, and `vitrine reconcile` finds the catalogue and the index equal. Runs only with
 * TEST_DATABASE_URL (the embedded store belongs to one process).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL, freshPostgresDatabase } from "../support/databases.ts";
import { runVitrine, spawnVitrine, tallyCatalogue, writeCatalogue } from "../support/vitrine-process.ts";

const ROWS = 600;

describe.skipIf(!TEST_DATABASE_URL)("fault drill: an import killed halfway and run again", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("should import every row exactly once and index every work once", async () => {
    const database = await freshPostgresDatabase();
    cleanup.push(database.drop);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-drill-kill-"));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const file = path.join(dataDir, "catalogue.jsonl");
    await writeCatalogue(file, ROWS);
    const env = { DATABASE_URL: database.url, VITRINE_DATA_DIR: dataDir };
    await runVitrine(["apikey", "list"], env); // migrates the database, so the count below can be read at once

    const importing = spawnVitrine(["import", file], env);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    let before = 0;
    for (;;) {
      before = Number((await db.query(`SELECT count(*) AS n FROM "Artwork"`)).rows[0].n);
      if (before >= ROWS / 4 || importing.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    importing.child.kill("SIGKILL");
    expect(await importing.exited).toMatchObject({ signal: "SIGKILL" });
    const committed = Number((await db.query(`SELECT count(*) AS n FROM "Artwork"`)).rows[0].n);
    const queued = Number((await db.query(`SELECT count(*) AS n FROM "EmbeddingJob"`)).rows[0].n);
    await db.end();
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(ROWS); // killed halfway, not after the end
    expect(queued).toBe(committed); // a work and its embedding job commit together

    const again = await runVitrine(["import", file], env);
    expect(again).toContain(`created ${ROWS - committed}, updated 0, unchanged ${committed}, rejected 0`);

    const worker = await runVitrine(["worker", "--once"], { ...env, VITRINE_IMAGE_INGEST: "0" });
    expect(worker).toContain(`embedded ${ROWS}, removed 0, failed 0; 0 waiting for a retry`);
    const reconcile = await runVitrine(["reconcile"], env);
    expect(reconcile).toMatch(new RegExp(`${ROWS} works, ${ROWS} vectors in \\S+: 0 works without a vector, 0 vectors of deleted works`));

    const tally = await tallyCatalogue(database.url);
    expect(tally).toMatchObject({ works: ROWS, duplicateWorks: 0, embeddedTwice: 0, jobs: { DONE: ROWS, FAILED: 0, PENDING: 0, RUNNING: 0 } });
  }, 180_000);
});
