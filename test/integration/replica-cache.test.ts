/**
 * Several API processes on one PostgreSQL catalogue, each with its own row cache: a work retitled or
 * deleted through one shows changed through the others within a second (change notices,
 * src/adapters/prisma/catalogue-changes.ts), and a dropped listening connection recovers and forgets
 * everything it may have missed. Runs only with TEST_DATABASE_URL (the embedded store is one process).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { freshPostgresDatabase, TEST_DATABASE_URL } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

/** Polls `probe` until it returns true or `ms` have passed; resolves with the last answer. */
async function within(ms: number, probe: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const READ = `query($a: ID!, $b: ID!) { a: artwork(id: $a) { id title } b: artwork(id: $b) { id title } }`;
const RETITLE = `mutation($id: ID!, $title: String!) { updateArtwork(input: { id: $id, artwork: { title: $title } }) { artwork { id title } } }`;

describe.skipIf(!TEST_DATABASE_URL)("row caches of two API processes on one PostgreSQL catalogue", () => {
  let database: { url: string; drop: () => Promise<void> };
  let first: TestApp;
  let second: TestApp;
  let a: string;
  let b: string;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    // the first imports the demo catalogue; the second opens the same database
    first = await startTestApp("embedded", { env: { DATABASE_URL: database.url } });
    second = await startTestApp("embedded", { env: { DATABASE_URL: database.url } });
    const page = await first.gql(`{ artworks(first: 2) { edges { node { id } } } }`);
    [a, b] = page.data.artworks.edges.map((e: any) => e.node.id);
  }, 120_000);
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await database?.drop();
  });

  it("a work retitled and another deleted through the first shows changed through the second within a second", async () => {
    const before = await first.gql(READ, { a, b });
    expect(before.data.a.title).toBeTruthy();
    expect((await second.gql(READ, { a, b })).data).toEqual(before.data);
    // the second now answers from its cache
    second.sql.reset();
    expect((await second.gql(READ, { a, b })).data).toEqual(before.data);
    expect(second.sql.count).toBe(0);

    const title = `${before.data.a.title} (retitled on the first replica)`;
    const retitled = await first.admin(RETITLE, { id: a, title });
    expect(retitled.errors).toBeUndefined();
    const deleted = await first.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id }) { deletedId } }`, { id: b });
    expect(deleted.errors).toBeUndefined();

    let seen: any;
    const agreed = await within(1000, async () => {
      seen = (await second.gql(READ, { a, b })).data;
      return seen.a?.title === title && seen.b === null;
    });
    expect(seen).toEqual({ a: { id: a, title }, b: null });
    expect(agreed).toBe(true);
  });

  it("a dropped listening connection reconnects, forgets every remembered row, and passes changes on again", async () => {
    const listener = second.app.core.changes!;
    const pid = listener.pid;
    expect(pid).toBeTypeOf("number");
    const read = `query($a: ID!) { artwork(id: $a) { title } }`;
    const before = (await second.gql(read, { a })).data.artwork.title;
    second.sql.reset();
    await second.gql(read, { a });
    expect(second.sql.count).toBe(0);

    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const killed = await admin.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [pid]);
      expect(killed.rows[0].ok).toBe(true);
    } finally {
      await admin.end();
    }
    expect(await within(10_000, () => listener.pid !== null && listener.pid !== pid)).toBe(true);

    // listening again: the remembered row was forgotten (it is read from the database)
    second.sql.reset();
    expect((await second.gql(read, { a })).data.artwork.title).toBe(before);
    expect(second.sql.count).toBeGreaterThan(0);

    const title = `${before} (after the reconnect)`;
    expect((await first.admin(RETITLE, { id: a, title })).errors).toBeUndefined();
    expect(await within(1000, async () => (await second.gql(read, { a })).data.artwork.title === title)).toBe(true);
  });
});
