/**
 * Facet counts on both stores: the first 300 demo works (CMOA rows) imported, two given an image;
 * every facet compared with counting the works by hand (in JavaScript, from the loaded works), with
 * and without a filter, and each facet's total equal to what `artworks` counts for the same filter.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/adapters/prisma/database.ts";
import { PrismaCatalogueStore } from "../../src/adapters/prisma/prisma-catalogue-store.ts";
import type { Artwork } from "../../src/domain/artwork.ts";
import { DEMO_CATALOGUE } from "../../src/main.ts";
import type { ArtworkFacetName, ArtworkFilter, FacetBucket } from "../../src/ports/catalogue-store.port.ts";
import { CatalogueImportService } from "../../src/services/catalogue-import.service.ts";
import { openTestDatabase, STORE_KINDS } from "../support/databases.ts";

/** The facet value of one work, worked out by hand from its fields (a list for NATIONALITY). */
function valuesOf(w: Artwork, facet: ArtworkFacetName): (string | null)[] {
  switch (facet) {
    case "MEDIUM_CATEGORY":
      return [w.mediumCategory];
    case "DEPARTMENT":
      return [w.department];
    case "CLASSIFICATION":
      return [w.classification];
    case "HAS_IMAGE":
      return [String(w.image !== null)];
    case "PERIOD": {
      const y = w.yearStart ?? w.yearEnd;
      if (y === null) return [null];
      return [String(y >= 1400 ? Math.floor(y / 10) * 10 : Math.floor(y / 100) * 100)];
    }
    case "NATIONALITY": {
      const n = [...new Set(w.artists.map((a) => a.artist.nationality).filter((x): x is string => x !== null))];
      return n.length ? n : [null];
    }
    case "ACQUISITION_METHOD":
      return [w.provenance.at(-1)?.method ?? null];
  }
}

function countByHand(works: readonly Artwork[], facet: ArtworkFacetName): Map<string | null, number> {
  const counts = new Map<string | null, number>();
  for (const w of works) for (const v of valuesOf(w, facet)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

const FACETS: readonly ArtworkFacetName[] = ["MEDIUM_CATEGORY", "DEPARTMENT", "CLASSIFICATION", "PERIOD", "NATIONALITY", "ACQUISITION_METHOD", "HAS_IMAGE"];

describe.each(STORE_KINDS)("artwork facets (%s store)", (kind) => {
  let db: Database;
  let store: PrismaCatalogueStore;
  let works: Artwork[];
  let textMatches: Set<string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await openTestDatabase(kind, "facets"));
    store = new PrismaCatalogueStore(db.prisma);
    const lines = readFileSync(DEMO_CATALOGUE, "utf8").split("\n").slice(0, 300);
    await new CatalogueImportService(store).importLines(lines, { defaultSource: "demo" });
    const ids = await store.artworkIdsAfter(null, 1000);
    for (const id of ids.slice(0, 2)) {
      await store.setArtworkImage(id, { sha256: "0".repeat(64), sizeBytes: 1, mime: "image/png", width: 1, height: 1, storageKey: "x", sourceUrl: null }, []);
    }
    works = await store.loadArtworks(ids);
    expect(works).toHaveLength(300);
    textMatches = new Set(await store.artworkIdsMatching({ text: "portrait" }, 1000));
    expect(textMatches.size).toBeGreaterThan(0);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  const filters: [string, ArtworkFilter, (w: Artwork) => boolean][] = [
    ["no filter", {}, () => true],
    ["Fine Arts from 1800 on", { departments: ["Fine Arts"], yearFrom: 1800 }, (w) => w.department === "Fine Arts" && (w.yearEnd ?? w.yearStart ?? -Infinity) >= 1800],
    ["with an image", { hasImage: true }, (w) => w.image !== null],
    ["a gift entry", { provenance: { methods: ["gift"] } }, (w) => w.provenance.some((p) => p.method === "gift")],
    // text is full-text search (catalogue-text-search.test.ts checks what it matches): facets count the works `artworks` lists
    ["text words", { text: "portrait" }, (w) => textMatches.has(w.id)],
    [
      "an owner named Museum holding it by 1950",
      { provenance: { owner: "museum", heldTo: 1950 } },
      (w) => w.provenance.some((p) => (p.owner ?? "").toLowerCase().includes("museum") && (p.yearStart !== null || p.yearEnd !== null) && (p.yearStart === null || p.yearStart <= 1950)),
    ],
  ];

  it.each(filters)("should count every facet as counting by hand does (%s)", async (_name, filter, matches) => {
    const matching = works.filter(matches);
    expect(matching.length).toBeGreaterThan(0);
    expect(await store.countArtworks(filter)).toBe(matching.length);
    for (const facet of FACETS) {
      const buckets: FacetBucket[] = await store.artworkFacet(filter, facet, 1000);
      const got = new Map(buckets.map((b) => [b.value, b.count]));
      expect(got, facet).toEqual(countByHand(matching, facet));
      // largest first
      expect(buckets.map((b) => b.count)).toEqual([...buckets.map((b) => b.count)].sort((a, b) => b - a));
      if (facet !== "NATIONALITY") expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(matching.length);
    }
  });

  it("should keep at most `limit` values, the largest", async () => {
    const all = await store.artworkFacet({}, "CLASSIFICATION", 1000);
    const top = await store.artworkFacet({}, "CLASSIFICATION", 3);
    expect(all.length).toBeGreaterThan(3);
    expect(top).toEqual(all.slice(0, 3));
  });
});
