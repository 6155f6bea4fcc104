/**
 * Bulk import on both stores: bad rows are reported by line, good rows go in, re-import is idempotent
 * and unchanged rows write and queue nothing, a batch the database refuses is retried row by row,
 * text no store can hold is refused by field, and CSV goes in through a column mapping.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/adapters/prisma/database.ts";
import { PrismaCatalogueStore } from "../../src/adapters/prisma/prisma-catalogue-store.ts";
import { CatalogueImportService } from "../../src/services/catalogue-import.service.ts";
import { openTestDatabase, STORE_KINDS } from "../support/databases.ts";

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
    ({ db, cleanup } = await openTestDatabase(kind, "import"));
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
    expect(summary).toEqual({ created: 0, updated: 2, unchanged: 0, rejected: [] });
    expect(await db.prisma.artwork.count()).toBe(2);
    const a = await db.prisma.artwork.findFirst({ where: { sourceId: "a" }, include: { provenance: true, artists: true } });
    expect(a?.title).toBe("Work a, retitled");
    expect(a?.provenance).toHaveLength(2);
    expect(a?.artists).toHaveLength(1);
  });

  it("should neither write nor queue rows equal to their last import, and write a changed one", async () => {
    const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma));
    const rows = [good("u1"), good("u2"), good("u3")];
    expect(await importer.importLines(rows)).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    const jobs = await db.prisma.embeddingJob.count();
    const stamp = await db.prisma.artwork.findFirstOrThrow({ where: { sourceId: "u1" }, select: { updatedAt: true } });
    expect(await importer.importLines(rows)).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: [] });
    expect(await db.prisma.embeddingJob.count()).toBe(jobs);
    expect((await db.prisma.artwork.findFirstOrThrow({ where: { sourceId: "u1" }, select: { updatedAt: true } })).updatedAt).toEqual(stamp.updatedAt);
    // one row changed: only it is written and queued
    const summary = await importer.importLines([good("u1"), good("u2", { title: "Work u2, retitled" }), good("u3")], { collectResults: true });
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(summary.results?.map((r) => [r.line, r.outcome])).toEqual([[1, "UNCHANGED"], [2, "UPDATED"], [3, "UNCHANGED"]]);
    expect(await db.prisma.embeddingJob.count()).toBe(jobs + 1);
    // a work edited by hand since is written again by the next import of its row
    const store = new PrismaCatalogueStore(db.prisma);
    await store.updateArtwork((await store.findArtworkIdBySource("test", "u3"))!, { fields: { title: "Edited by hand" } }, null);
    expect(await importer.importLines([good("u3")])).toMatchObject({ updated: 1, unchanged: 0 });
    expect((await db.prisma.artwork.findFirstOrThrow({ where: { sourceId: "u3" } })).title).toBe("Work u3");
  });

  it("should refuse NUL characters and lone surrogates by field before they reach the database", async () => {
    const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma));
    const summary = await importer.importLines([
      good("n1", { title: "A\u0000B" }),
      good("n2", { artists: [{ name: "Half \ud83d" }] }),
      good("n3", { description: "Moon 🌙" }),
    ]);
    expect(summary.created).toBe(1);
    expect(summary.rejected.map((r) => [r.line, r.code, r.field])).toEqual([
      [1, "BAD_USER_INPUT", "title"],
      [2, "BAD_USER_INPUT", "artists[0].name"],
    ]);
  });

  it("should retry a batch the database refuses row by row and reject only the row at fault", async () => {
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION vitrine_test_refuse() RETURNS trigger AS $$ BEGIN IF NEW.title = 'poison' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER vitrine_test_refuse BEFORE INSERT OR UPDATE ON "Artwork" FOR EACH ROW EXECUTE FUNCTION vitrine_test_refuse()`);
    try {
      const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma));
      const reported: number[] = [];
      const summary = await importer.importLines([good("p1"), good("p2", { title: "poison" }), good("p3"), good("p4")], { batchSize: 10, onRejected: (p) => void reported.push(p.line) });
      expect(summary.created).toBe(3);
      expect(summary.rejected).toHaveLength(1);
      expect(summary.rejected[0]).toMatchObject({ line: 2, code: "BAD_USER_INPUT" });
      expect(summary.rejected[0].message).toMatch(/database refused/);
      expect(summary.rejected[0].row).toMatchObject({ sourceId: "p2", title: "poison" });
      expect(reported).toEqual([2]);
      expect(await db.prisma.artwork.count({ where: { sourceId: { in: ["p1", "p2", "p3", "p4"] } } })).toBe(3);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER vitrine_test_refuse ON "Artwork"`);
      await db.prisma.$executeRawUnsafe(`DROP FUNCTION vitrine_test_refuse()`);
    }
  });

  it("should import CSV through a column mapping, nested artist columns included, and report malformed records", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-csv-"));
    const file = path.join(dir, "works.csv");
    await writeFile(
      file,
      [
        "Object ID,Title,Maker,Maker born,Begin,End,Width (in),Images",
        'c1,"Harbour, evening",Cora Csv,1850,1880,1885,20,https://example.org/a.jpg|https://example.org/b.jpg',
        "c2,Too,many,cells,,,,,,,,,,,",
        "c3,Untitled,,,1900,1800,,",
        "c4,Study,Ben Other,,1901,,,",
        "",
      ].join("\n"),
    );
    const mapping = { "Object ID": "sourceId", Title: "title", Maker: "artists[0].name", "Maker born": "artists[0].birthYear", Begin: "yearStart", End: "yearEnd", "Width (in)": "dimensionsInches.width", Images: "imageUrls" };
    try {
      const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma));
      const summary = await importer.importFile(file, { defaultSource: "csv" }, { kind: "csv", mapping });
      expect(summary.created).toBe(2);
      expect(summary.rejected.map((r) => [r.line, r.code, r.field])).toEqual([
        [3, "BAD_USER_INPUT", null],
        [4, "BAD_USER_INPUT", "yearEnd"],
      ]);
      const store = new PrismaCatalogueStore(db.prisma);
      const [c1] = await store.loadArtworks([(await store.findArtworkIdBySource("csv", "c1"))!]);
      expect(c1).toMatchObject({ title: "Harbour, evening", yearStart: 1880, yearEnd: 1885, widthCm: 50.8, imageUrls: ["https://example.org/a.jpg", "https://example.org/b.jpg"] });
      expect(c1.artists.map((a) => [a.artist.name, a.artist.birthYear])).toEqual([["Cora Csv", 1850]]);
      const [c4] = await store.loadArtworks([(await store.findArtworkIdBySource("csv", "c4"))!]);
      expect(c4.artists.map((a) => a.artist.name)).toEqual(["Ben Other"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("should apply migrations once and record them where `prisma migrate status` looks", async () => {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(`SELECT migration_name, checksum FROM "_prisma_migrations"`);
    expect(rows.map((r) => r.migration_name)).toContain("20261124000000_catalogue");
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });
});
