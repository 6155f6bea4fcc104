/**
 * Fault drill (c), issue 16 item 5: PostgreSQL terminates the API's connections under load. A real
 * `vitrine serve` (child process, PostgreSQL, embedded index, in-process worker) answers GraphQL over
 * HTTP from four clients while the test calls pg_terminate_backend on every other connection to the
 * database, ten times a second, for four seconds. While it lasts every answer is data or a coded
 * SERVICE_UNAVAILABLE error (never INTERNAL_SERVER_ERROR, never a driver's message); once it stops
 * every request succeeds, so no pool is left holding dead connections. Runs only with TEST_DATABASE_URL.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL, freshPostgresDatabase } from "../support/databases.ts";
import { runVitrine, startServe, tallyCatalogue, until, writeCatalogue, type ServeProcess } from "../support/vitrine-process.ts";

const WORKS = 120;
const TERMINATE_FOR_MS = 4000;

const QUERIES = [
  `{ artworks(first: 10, filter: { mediumCategories: [PAINTING] }) { totalCount edges { node { id title artists { name } } } } }`,
  `{ artists(first: 5) { edges { node { name } } } }`,
  `query($q: String!) { artworks(first: 5, filter: { text: $q }) { edges { node { title } } } }`,
];

describe.skipIf(!TEST_DATABASE_URL)("fault drill: PostgreSQL connections terminated under load", () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  let serve: ServeProcess;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-drill-pg-"));
    const file = path.join(dataDir, "catalogue.jsonl");
    await writeCatalogue(file, WORKS);
    const env = { DATABASE_URL: database.url, VITRINE_DATA_DIR: dataDir };
    await runVitrine(["import", file], env);
    serve = await startServe({ ...env, VITRINE_WORKER_POLL_MS: "200" });
    await until("every work indexed", async () => {
      const h = await serve.health();
      return h.index.vectors === WORKS && h.index.pendingJobs === 0;
    }, 60_000);
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("should answer with data or SERVICE_UNAVAILABLE while connections are terminated, and fully after", async () => {
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    let terminated = 0;
    let stop = false;
    const answers = { data: 0, unavailable: 0 };
    const wrong: string[] = [];

    const client = async (n: number) => {
      for (let i = n; !stop; i++) {
        const r = await serve.gql(QUERIES[i % QUERIES.length], { q: "study" }).catch((e: Error) => ({ status: 0, body: null, raw: `${e.message}: ${String(e.cause)}` }));
        const errors: any[] = r.body?.errors ?? [];
        if (r.body?.data && errors.length === 0) answers.data++;
        else if (errors.length > 0 && errors.every((e) => e.extensions?.code === "SERVICE_UNAVAILABLE" && !/prisma|postgres|terminat|connection/i.test(e.message))) answers.unavailable++;
        else wrong.push(`${r.status} ${r.raw.slice(0, 300)}`);
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    const end = Date.now() + TERMINATE_FOR_MS;
    while (Date.now() < end) {
      const r = await killer.query(`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
      terminated += Number(r.rows[0].n);
      await new Promise((r) => setTimeout(r, 100));
    }
    stop = true;
    await Promise.all(clients);
    await killer.end();

    if (serve.child.exitCode !== null || serve.child.signalCode !== null) throw new Error(`vitrine serve died:\n${serve.output().slice(-6000)}`);
    expect(wrong).toEqual([]);
    expect(terminated).toBeGreaterThan(0);
    expect(answers.unavailable).toBeGreaterThan(0); // the drill reached requests in flight
    expect(answers.data).toBeGreaterThan(0);

    // after: every request succeeds, one after another and many at once
    for (let i = 0; i < 10; i++) {
      const r = await serve.gql(QUERIES[i % QUERIES.length], { q: "study" });
      expect(r.body.errors).toBeUndefined();
    }
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => serve.gql(QUERIES[i % QUERIES.length], { q: "study" })));
    expect(burst.filter((r) => r.body?.errors)).toEqual([]);
    expect(burst[0].body.data.artworks.totalCount).toBe(WORKS / 3);

    const health = await serve.health();
    expect(health.store.status).toBe("ok");
    const tally = await tallyCatalogue(database.url);
    expect(tally).toMatchObject({ works: WORKS, duplicateWorks: 0, embeddedTwice: 0, jobs: { FAILED: 0, PENDING: 0, RUNNING: 0 } });
    expect(health.index).toMatchObject({ vectors: tally.works, failedJobs: 0 });
  }, 120_000);
});
