/**
 * The stores tests run against: always the embedded one; PostgreSQL when TEST_DATABASE_URL names a
 * server (`.ci/run` sets it), each test file on a fresh database dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../../src/adapters/prisma/database.ts";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export type StoreKind = "embedded" | "postgresql";

export const STORE_KINDS: readonly StoreKind[] = TEST_DATABASE_URL ? ["embedded", "postgresql"] : ["embedded"];

if (!TEST_DATABASE_URL) {
  console.warn("PostgreSQL tests skipped: set TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres to run them (.ci/run does).");
}

/** Creates an empty database on the test server; returns its URL and a function that drops it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `vitrine_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A migrated catalogue database of `kind` for one test file: an embedded store in a temporary
 * folder, or a fresh PostgreSQL database; after `db.close()`, `cleanup` removes the folder or database.
 */
export async function openTestDatabase(kind: StoreKind, label: string): Promise<{ db: Database; cleanup: () => Promise<void> }> {
  if (kind === "postgresql") {
    const pgDb = await freshPostgresDatabase();
    const db = await openDatabase({ url: pgDb.url, embeddedDir: "" });
    return { db, cleanup: pgDb.drop };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), `vitrine-${label}-`));
  const db = await openDatabase({ embeddedDir: dir });
  return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
