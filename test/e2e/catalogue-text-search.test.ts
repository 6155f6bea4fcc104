/** Full-text search and folded ordering over HTTP: accents, punctuation, prefixes, no substring hits, literal wildcards, relevance, A to Z. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const LIST = `query($f: ArtworkFilter, $s: ArtworkSort, $first: Int, $after: String) {
  artworks(filter: $f, sort: $s, first: $first, after: $after) { totalCount edges { cursor node { title } } pageInfo { hasNextPage endCursor } }
}`;

describe.each(STORE_KINDS)("catalogue text search (%s store)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false });
    const artist = async (name: string) => (await t.admin(`mutation($n: String!) { createArtist(input: { artist: { name: $n } }) { artist { id } } }`, { n: name })).data.createArtist.artist.id;
    const cassatt = await artist("Mary Cassatt");
    const manet = await artist("Édouard Manet");
    await artist("edgar degas");
    const works = [
      { title: "Écuelle (covered bowl)", medium: "soft-paste porcelain" },
      { title: "Growth of Spring", artists: [{ artistId: manet }] },
      { title: "A Row of Houses" },
      { title: "Woman after the Bath", artists: [{ artistId: cassatt }] },
      { title: "Woman Looking at a Mirror" },
      { title: "Apple 100% pure" },
      { title: "Morning", description: "Painted en plein air on a spring morning." },
      { title: "Portrait of a Dealer", provenance: [{ text: "Sold to Paul Durand-Ruel, Paris, 1891", owner: "Durand-Ruel" }] },
      { title: "under_score" },
    ];
    for (const a of works) expect((await t.admin(`mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id } } }`, { a })).errors).toBeUndefined();
  });
  afterAll(() => t?.stop());

  const titles = async (filter: Record<string, unknown>, sort?: Record<string, unknown>) => {
    const r = await t.gql(LIST, { f: filter, s: sort, first: 50 });
    expect(r.errors).toBeUndefined();
    return r.data.artworks.edges.map((e: any) => e.node.title) as string[];
  };
  const sorted = (list: string[]) => [...list].sort();

  it("should find words whatever their accents, case and surrounding punctuation", async () => {
    expect(await titles({ text: "ecuelle" })).toEqual(["Écuelle (covered bowl)"]);
    expect(await titles({ text: "ÉCUELLE" })).toEqual(["Écuelle (covered bowl)"]);
    expect(await titles({ text: "covered bowl" })).toEqual(["Écuelle (covered bowl)"]);
    expect(await titles({ text: "(bowl)!" })).toEqual(["Écuelle (covered bowl)"]);
    expect(await titles({ text: "porcelain soft-paste" })).toEqual(["Écuelle (covered bowl)"]);
    expect(await titles({ text: "edouard manet" })).toEqual(["Growth of Spring"]);
    expect(await titles({ text: "durand ruel" })).toEqual(["Portrait of a Dealer"]);
    expect(await titles({ text: "Durand-Ruel, Paris" })).toEqual(["Portrait of a Dealer"]);
  });

  it("should match the last word as a prefix and English word forms, never a substring inside a word", async () => {
    expect(await titles({ text: "row" })).toEqual(["A Row of Houses"]);
    expect(await titles({ text: "rowth" })).toEqual([]);
    expect(await titles({ text: "cass" })).toEqual(["Woman after the Bath"]);
    expect(await titles({ text: "woman bath" })).toEqual(["Woman after the Bath"]);
    expect(await titles({ text: "paintings" })).toEqual(["Morning"]);
    expect(await titles({ text: "houses row" })).toEqual(["A Row of Houses"]);
  });

  it("should treat % and _ as plain characters: no wildcard matches every work", async () => {
    expect(await titles({ text: "%" })).toEqual([]);
    expect(await titles({ text: "_" })).toEqual([]);
    expect(await titles({ text: "100%" })).toEqual(["Apple 100% pure"]);
    // odd input is a search like any other, never an error
    for (const text of ["\u0301", "'", "a:*", "!&|", "\\", "x'y", "ʼ", "½", "ﷺ", "a".repeat(200)]) {
      const r = await t.gql(LIST, { f: { text }, first: 5 });
      expect(r.errors, text).toBeUndefined();
    }
    expect(await titles({ provenanceOwner: "%" })).toEqual([]);
    expect(await titles({ provenanceOwner: "_" })).toEqual([]);
    expect(await titles({ provenanceOwner: "durand" })).toEqual(["Portrait of a Dealer"]);
    const artists = await t.gql(`query($n: String) { artists(filter: { name: $n }) { totalCount } }`, { n: "%" });
    expect(artists.data.artists.totalCount).toBe(0);
    const some = await t.gql(`query($n: String) { artists(filter: { name: $n }) { totalCount } }`, { n: "cass" });
    expect(some.data.artists.totalCount).toBe(1);
    const accents = await t.gql(`query($n: String) { artists(filter: { name: $n }) { edges { node { name } } } }`, { n: "EDOUARD" });
    expect(accents.data.artists.edges.map((e: any) => e.node.name)).toEqual(["Édouard Manet"]);
  });

  it("should rank title matches above description matches, by default and with sort RELEVANCE, and page through the ranking", async () => {
    expect(await titles({ text: "spring" })).toEqual(["Growth of Spring", "Morning"]);
    expect(await titles({ text: "spring" }, { field: "RELEVANCE" })).toEqual(["Growth of Spring", "Morning"]);
    expect(await titles({ text: "spring" }, { field: "RELEVANCE", direction: "DESC" })).toEqual(["Morning", "Growth of Spring"]);
    expect(await titles({ text: "spring" }, { field: "TITLE" })).toEqual(["Growth of Spring", "Morning"]);
    const all = await titles({ text: "woman" }, { field: "RELEVANCE" });
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const r = await t.gql(LIST, { f: { text: "woman" }, s: { field: "RELEVANCE" }, first: 1, after });
      expect(r.errors).toBeUndefined();
      paged.push(...r.data.artworks.edges.map((e: any) => e.node.title));
      expect(r.data.artworks.totalCount).toBe(2);
      if (!r.data.artworks.pageInfo.hasNextPage) break;
      after = r.data.artworks.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
    // and backwards from the last one
    const edges = (await t.gql(LIST, { f: { text: "woman" }, s: { field: "RELEVANCE" }, first: 5 })).data.artworks.edges;
    const back = await t.gql(`query($b: String) { artworks(filter: { text: "woman" }, sort: { field: RELEVANCE }, last: 5, before: $b) { edges { node { title } } } }`, { b: edges[1].cursor });
    expect(back.data.artworks.edges.map((e: any) => e.node.title)).toEqual([all[0]]);
    expect(sorted(all)).toEqual(["Woman Looking at a Mirror", "Woman after the Bath"]);
    const noText = await t.gql(LIST, { s: { field: "RELEVANCE" } });
    expect(noText.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "sort.field" });
  });

  it("should order titles and artists A to Z ignoring case and accents, and page with cursors in that order", async () => {
    const expected = [
      "A Row of Houses",
      "Apple 100% pure",
      "Écuelle (covered bowl)",
      "Growth of Spring",
      "Morning",
      "Portrait of a Dealer",
      "under_score",
      "Woman after the Bath",
      "Woman Looking at a Mirror",
    ];
    expect(await titles({})).toEqual(expected);
    expect(await titles({}, { field: "TITLE", direction: "DESC" })).toEqual([...expected].reverse());
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const r = await t.gql(LIST, { first: 2, after });
      paged.push(...r.data.artworks.edges.map((e: any) => e.node.title));
      if (!r.data.artworks.pageInfo.hasNextPage) break;
      after = r.data.artworks.pageInfo.endCursor;
    }
    expect(paged).toEqual(expected);
    const growth = (await t.gql(LIST, { first: 50 })).data.artworks.edges.find((e: any) => e.node.title === "Growth of Spring").cursor;
    const back = await t.gql(`query($before: String) { artworks(last: 2, before: $before) { edges { node { title } } } }`, { before: growth });
    expect(back.data.artworks.edges.map((e: any) => e.node.title)).toEqual(["Apple 100% pure", "Écuelle (covered bowl)"]);
    const artists = await t.gql(`{ artists { edges { node { name } } } }`);
    expect(artists.data.artists.edges.map((e: any) => e.node.name)).toEqual(["edgar degas", "Édouard Manet", "Mary Cassatt"]);
  });
});
