/**
 * Migration 20261201030000 on a catalogue written before it: name-derived artist keys are derived
 * again (with life dates), colliding duplicates keep theirs, re-keyed artists' works are queued for
 * re-embedding, search documents are filled, and SQL folds names as artist-identity.ts does.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR, type MigrationConnection } from "../../src/adapters/prisma/migrator.ts";
import { nameKeyOf } from "../../src/domain/artist-identity.ts";
import { freshPostgresDatabase, STORE_KINDS } from "../support/databases.ts";

const FIRST = "20261124000000_catalogue";

describe.each(STORE_KINDS)("artist key migration (%s store)", (kind) => {
  let conn: MigrationConnection;
  let close: () => Promise<void>;
  let firstOnly: string;

  beforeAll(async () => {
    firstOnly = await mkdtemp(path.join(os.tmpdir(), "vitrine-migrations-"));
    await cp(path.join(MIGRATIONS_DIR, FIRST), path.join(firstOnly, FIRST), { recursive: true });
    if (kind === "embedded") {
      const db = await PGlite.create({ extensions: { unaccent } });
      conn = { exec: async (sql) => void (await db.exec(sql)), query: async (sql, params) => (await db.query(sql, params)).rows as never[] };
      close = () => db.close();
    } else {
      const database = await freshPostgresDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      conn = { exec: async (sql) => void (await client.query(sql)), query: async (sql, params) => (await client.query(sql, params)).rows };
      close = async () => {
        await client.end();
        await database.drop();
      };
    }
  });
  afterAll(async () => {
    await close?.();
    await rm(firstOnly, { recursive: true, force: true });
  });

  it("should re-derive name keys, leave source keys and colliding duplicates, and queue the re-keyed artists' works", async () => {
    await migrate(conn, firstOnly);
    await conn.exec(`
      INSERT INTO "Artist" (id, key, name, "birthYear", "createdAt", "updatedAt") VALUES
        ('00000000-0000-4000-8000-000000000001', 'name:mary cassatt', 'Mary Cassatt', NULL, '2026-01-01', now()),
        ('00000000-0000-4000-8000-000000000002', 'name:mary cassatt:1a2b3c4d', 'Mary  Cassatt', NULL, '2026-01-02', now()),
        ('00000000-0000-4000-8000-000000000003', 'name:john smith', 'John Smith', 1900, '2026-01-03', now()),
        ('00000000-0000-4000-8000-000000000004', 'name:john smith:9f8e7d6c', 'John Smith', NULL, '2026-01-04', now()),
        ('00000000-0000-4000-8000-000000000005', 'cmoa:77', 'Édouard Manet', 1832, '2026-01-05', now());
      INSERT INTO "Artwork" (id, source, "sourceId", title, description, "updatedAt") VALUES
        ('10000000-0000-4000-8000-000000000001', 's', '1', 'Écuelle', 'A covered bowl', now()),
        ('10000000-0000-4000-8000-000000000002', 's', '2', 'Olympia', NULL, now());
      INSERT INTO "ArtworkArtist" ("artworkId", "artistId", position) VALUES
        ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 0),
        ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000005', 0);
    `);
    const result = await migrate(conn);
    expect(result.applied).toContain("20261201030000_artist_keys_text_search");

    const keys = await conn.query<{ id: string; key: string }>(`SELECT id::text, key FROM "Artist" ORDER BY id`);
    expect(keys.map((k) => k.key)).toEqual([
      "name:mary cassatt", // already derived: stays
      "name:mary cassatt:1a2b3c4d", // a duplicate of the first: keeps its key until mergeArtists
      "name:john smith:1900-", // dates now part of the key
      "name:john smith", // the undated one takes the plain name key the dated one left
      "cmoa:77", // a source's id: untouched
    ]);
    const jobs = await conn.query<{ artworkId: string; reason: string }>(`SELECT "artworkId"::text AS "artworkId", reason FROM "EmbeddingJob"`);
    expect(jobs).toEqual([{ artworkId: "10000000-0000-4000-8000-000000000001", reason: "UPDATED" }]);

    const found = await conn.query<{ title: string }>(
      `SELECT title FROM "Artwork" WHERE "searchDocument" @@ (plainto_tsquery('simple', vitrine_fold('ecuelle')) && plainto_tsquery('simple', 'smith'))`,
    );
    expect(found.map((f) => f.title)).toEqual(["Écuelle"]);
  });

  it("should fold names in SQL as artist-identity.ts does in TypeScript", async () => {
    const names = ["  Édouard  MANET. ", "Cassatt, Mary", "Jean-Baptiste-Siméon Chardin", "Georgia O’Keeffe", "Asger Jørn", "Ælfric «the» Œuvre", "葛飾 北斎", "Zoë—Smith"];
    const rows = await conn.query<{ key: string }>(`SELECT vitrine_name_key(n) AS key FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i) ORDER BY i`, [names]);
    expect(rows.map((r) => r.key)).toEqual(names.map(nameKeyOf));
  });
});
