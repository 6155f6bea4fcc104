/** Bulk import on both stores: bad rows are reported by line, good rows go in, re-import is idempotent. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/adapters/prisma/database.ts";
import { PrismaCatalogueStore } from "../../src/adapters/prisma/prisma-catalogue-store.ts";
import { CatalogueImportService } from "../../src/services/catalogue-import.service.ts";
import { freshPostgresDatabase, STORE_KINDS } from "../support/databases.ts";

const good = (id: string, extra: object = {}) =>
  JSON.stringify({
    sourceId: id,
    source: "test",
    title: `Work ${id}`,
    artists: [{ name: "Anna Example", nationality: "Dutch", birthYear: 1850, sourceArtistId: "artist-anna" }],
    medium: "oil on panel",
    mediumCategory: "painting",
    yearStart: 1880,
    yearEnd: 1885,
    dimensionsInches: { height: 10, width: 20 },
    provenance: [{ text: "Dealer X, Paris, by 1900", owner: "Dealer X", yearStart: 1900 }, { text: "gift to the Museum, 1950", owner: "the Museum", method: "gift" }],
    ...extra,
  });

describe.each(STORE_KINDS)("catalogue import (%s store)", (kind) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (kind === "postgresql") {
      const pg = await freshPostgresDatabase();
      db = await openDatabase({ url: pg.url, embeddedDir: "" });
      cleanup = pg.drop;
    } else {
      const dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-import-"));
      db = await openDatabase({ embeddedDir: dir });
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  it("should import good rows, report each bad row with its line and reason, and keep going", async () => {
    const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma));
    const lines = [
      good("a"),
      "{ not json",
      good("b", { yearStart: 1900, yearEnd: 1800 }),
      JSON.stringify({ sourceId: "c" }),
      "",
      good("d", { artists: [{ name: "" }] }),
      good("a"),
      good("f", { mediumCategory: "paintings" }),
      good("e", { artists: [{ name: "Anna Example", sourceArtistId: "artist-anna" }, { name: "Ben Other" }] }),
    ];
    const summary = await importer.importLines(lines, { batchSize: 2 });
    expect(summary.created).toBe(2);
    expect(summary.rejected.map((r) => [r.line, r.code, r.field])).toEqual([
      [2, "BAD_USER_INPUT", null],
      [3, "BAD_USER_INPUT", "yearEnd"],
      [4, "BAD_USER_INPUT", "title"],
      [6, "BAD_USER_INPUT", "artists[0].name"],
      [7, "CONFLICT", "sourceId"],
      [8, "BAD_USER_INPUT", "mediumCategory"],
    ]);
    const store = new PrismaCatalogueStore(db.prisma);
    const [work] = await store.loadArtworks([(await store.findArtworkIdBySource("test", "a"))!]);
    expect(work).toMatchObject({ title: "Work a", heightCm: 25.4, widthCm: 50.8, yearStart: 1880 });
    expect(work.provenance.map((p) => [p.position, p.owner, p.method])).toEqual([[0, "Dealer X", null], [1, "the Museum", "gift"]]);
    expect(await db.prisma.artist.count({ where: { key: "artist-anna" } })).toBe(1); // matched by key, not duplicated
    expect(await db.prisma.embeddingJob.count({ where: { reason: "IMPORTED" } })).toBe(2);
  });

  it("should update rather than duplicate on a second import of the same rows", async () => {
    const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma));
    const summary = await importer.importLines([good("a", { title: "Work a, retitled" }), good("e")]);
    expect(summary).toEqual({ created: 0, updated: 2, rejected: [] });
    expect(await db.prisma.artwork.count()).toBe(2);
    const a = await db.prisma.artwork.findFirst({ where: { sourceId: "a" }, include: { provenance: true, artists: true } });
    expect(a?.title).toBe("Work a, retitled");
    expect(a?.provenance).toHaveLength(2);
    expect(a?.artists).toHaveLength(1);
  });

  it("should apply migrations once and record them where `prisma migrate status` looks", async () => {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(`SELECT migration_name, checksum FROM "_prisma_migrations"`);
    expect(rows.map((r) => r.migration_name)).toContain("20261124000000_catalogue");
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });
});
