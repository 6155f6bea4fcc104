/**
 * Applies pending migrations from prisma/migrations at start, on the embedded store and on PostgreSQL
 * alike, without the Prisma CLI (which would need a second process on the embedded folder).
 * Book-keeping is Prisma's own `_prisma_migrations` table with the same checksum (SHA-256 of
 * migration.sql), so `prisma migrate status` and `migrate deploy` agree with what ran here.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The two things the migrator needs from a connection: run a script (several statements) and a parameterised query. */
export interface MigrationConnection {
  exec(script: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface MigrationResult {
  readonly applied: string[];
  readonly alreadyApplied: number;
}

/** Folder of the committed migrations. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../prisma/migrations");

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Applies every migration not yet finished, in name order, each in its own transaction. */
export async function migrate(conn: MigrationConnection, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  // one migrator at a time across API replicas (a no-op cost on the embedded store)
  await conn.query("SELECT pg_advisory_lock(727274)");
  try {
    await conn.exec(BOOKKEEPING);
    const done = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const finished = new Map(done.filter((d) => d.finished_at).map((d) => [d.migration_name, d.checksum]));
    const failed = done.filter((d) => !d.finished_at).map((d) => d.migration_name);
    if (failed.length > 0) {
      throw new Error(`Migration ${failed.join(", ")} failed earlier and was not rolled back; resolve it with \`prisma migrate resolve\` before starting.`);
    }
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const applied: string[] = [];
    for (const name of names) {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const previous = finished.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`Migration ${name} was changed after it was applied (checksum differs).`);
        continue;
      }
      const id = randomUUID();
      await conn.exec("BEGIN");
      try {
        await conn.exec(sql);
        await conn.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
          [id, checksum, name],
        );
        await conn.exec("COMMIT");
      } catch (e) {
        await conn.exec("ROLLBACK");
        throw e;
      }
      applied.push(name);
    }
    return { applied, alreadyApplied: finished.size };
  } finally {
    await conn.query("SELECT pg_advisory_unlock(727274)");
  }
}
