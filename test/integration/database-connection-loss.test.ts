/**
 * A connection PostgreSQL terminates inside an interactive transaction goes back to the pool (which
 * discards it), and the pool never hands out a dead one. Prisma's engine sends ROLLBACK on the dead
 * connection, that fails, and it would never release the connection: the pool of ten ran dry after ten
 * such transactions and every later query waited for ever (found by fault drill c).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openDatabase, type Database } from "../../src/adapters/prisma/database.ts";
import { isConnectionFailure } from "../../src/adapters/prisma/connection-failure.ts";
import { TEST_DATABASE_URL, freshPostgresDatabase } from "../support/databases.ts";

describe.skipIf(!TEST_DATABASE_URL)("PostgreSQL connections lost inside transactions", () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Database;
  let killer: pg.Client;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    db = await openDatabase({ url: database.url, embeddedDir: "unused" });
    killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
  });

  afterAll(async () => {
    await killer?.end();
    await db?.close();
    await database?.drop();
  });

  it("should fail each such transaction as a lost connection, then answer queries on fresh connections", async () => {
    // more transactions than the pool has connections: each would have kept one
    for (let i = 0; i < 12; i++) {
      const failure = await db.prisma
        .$transaction(async (tx) => {
          const [{ pid }] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
          await killer.query("SELECT pg_terminate_backend($1)", [pid]);
          await tx.$queryRaw`SELECT 1`;
        })
        .then(() => null, (e: unknown) => e);
      expect(isConnectionFailure(failure)).toBe(true);
    }
    const counts = await Promise.all(Array.from({ length: 20 }, () => db.prisma.artwork.count()));
    expect(counts).toEqual(Array(20).fill(0));
    await expect(db.prisma.$transaction(async (tx) => tx.artwork.count())).resolves.toBe(0);
  });

  it("should drop an idle connection the server terminated, and run the next transaction on another", async () => {
    const [{ pid }] = await db.prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    await killer.query("SELECT pg_terminate_backend($1)", [pid]); // an idle pooled connection dies
    await new Promise((r) => setTimeout(r, 200)); // the server's notice reaches the idle connection
    const artist = await db.prisma.$transaction(async (tx) => tx.artist.count());
    expect(artist).toBe(0);
  });
});
