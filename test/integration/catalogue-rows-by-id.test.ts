/**
 * The store's row loads by id (one SQL statement with an array of ids, not Prisma's `in` list), on both
 * stores: rows in the order asked, null for an id with no work (or that cannot be one), credits and
 * provenance in their order with every field, images where there are some.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaCatalogueStore } from "../../src/adapters/prisma/prisma-catalogue-store.ts";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

describe.each(STORE_KINDS)("rows by id (%s store)", (kind) => {
  let t: TestApp;
  let store: PrismaCatalogueStore;
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false });
    store = new PrismaCatalogueStore(t.app.db.prisma);
    const ada = await t.app.services.catalogue.createArtist({ name: "Ada Second", birthYear: 1860, nationality: "French" });
    const berthe = await t.app.services.catalogue.createArtist({ name: "Berthe First" });
    a = await t.app.services.catalogue.createArtwork({
      title: "Two Figures",
      yearStart: 1910,
      yearEnd: 1912,
      widthCm: 40.5,
      medium: "Oil on canvas",
      artists: [{ artistId: ada, role: "after" }, { artistId: berthe }],
      provenance: [{ owner: "First Owner", yearStart: 1920, method: "sale", text: "First Owner, Paris, 1920" }, { text: "Gift to the museum, 1950" }],
    });
    b = await t.app.services.catalogue.createArtwork({ title: "Untitled" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("should give each id's row in the order asked, with null for an id with no work or one that is not a UUID", async () => {
    const rows = await store.artworksByIds([b, "not-an-id", a, "00000000-0000-4000-8000-000000000000", a]);
    expect(rows.map((r) => r?.id ?? null)).toEqual([b, null, a, null, a]);
    expect(rows[2]).toMatchObject({ title: "Two Figures", yearStart: 1910, yearEnd: 1912, widthCm: 40.5, medium: "Oil on canvas", depthCm: null, palette: [] });
    expect(rows[2]?.createdAt).toBeInstanceOf(Date);
    expect(await store.artworksByIds(["nope"])).toEqual([null]);
    expect(await store.artworksByIds([])).toEqual([]);
  });

  it("should give each work's credits in credit order with their artists, and images where there are some", async () => {
    const credits = await store.creditsByArtworkIds([a, b, "nope"]);
    expect(credits[0].map((c) => [c.artist.name, c.role, c.position])).toEqual([
      ["Ada Second", "after", 0],
      ["Berthe First", null, 1],
    ]);
    expect(credits[0][0].artist).toMatchObject({ key: expect.any(String), name: "Ada Second", birthYear: 1860, nationality: "French", deathYear: null });
    expect(credits.slice(1)).toEqual([[], []]);
    expect(await store.imagesByArtworkIds([a, "nope"])).toEqual([null, null]);
    const provenance = await store.provenanceByArtworkIds([b, a, "nope"]);
    expect(provenance[0]).toEqual([]);
    expect(provenance[1]).toMatchObject([
      { position: 0, owner: "First Owner", yearStart: 1920, yearEnd: null, method: "sale", text: "First Owner, Paris, 1920" },
      { position: 1, owner: null, text: "Gift to the museum, 1950" },
    ]);
    expect(provenance[2]).toEqual([]);
  });
});
