/**
 * The stores tests run against: always the embedded one; PostgreSQL when TEST_DATABASE_URL names a
 * server (`.ci/run` sets it), each test file on a fresh database dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

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
