/** Reading the catalogue over HTTP, on the embedded store and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

describe.each(STORE_KINDS)("catalogue queries (%s store)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t?.stop());

  it("should return real demo works with artists, provenance and dimensions on the first query", async () => {
    const r = await t.gql(`{ artworks(first: 5) { totalCount edges { cursor node { id internalID title artists { name role artist { id nationality } } provenance { position owner text } dimensions { text heightCm } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.artworks.totalCount).toBe(1002);
    expect(r.data.artworks.edges).toHaveLength(5);
    const titles = r.data.artworks.edges.map((e: any) => e.node.title);
    expect([...titles].sort((a, b) => a.localeCompare(b))).toEqual(titles.slice().sort((a: string, b: string) => a.localeCompare(b)));
    const withProvenance = r.data.artworks.edges.find((e: any) => e.node.provenance.length > 1);
    if (withProvenance) expect(withProvenance.node.provenance.map((p: any) => p.position)).toEqual([...withProvenance.node.provenance.keys()]);
  });

  it("should page forwards and backwards through the same items without gaps or repeats", async () => {
    const q = `query($first: Int, $after: String, $last: Int, $before: String) {
      artworks(first: $first, after: $after, last: $last, before: $before, sort: { field: YEAR, direction: DESC }, filter: { mediumCategories: [GLASS] }) {
        totalCount edges { cursor node { internalID yearStart } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const all: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const r = await t.gql(q, { first: 10, after });
      expect(r.errors).toBeUndefined();
      all.push(...r.data.artworks.edges.map((e: any) => e.node.internalID));
      pages++;
      if (!r.data.artworks.pageInfo.hasNextPage) break;
      after = r.data.artworks.pageInfo.endCursor;
    }
    const total = (await t.gql(q, { first: 1 })).data.artworks.totalCount;
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 10));
    // years descending, works without a year last
    const years = (await t.gql(q, { first: 100 })).data.artworks.edges.map((e: any) => e.node.yearStart);
    const dated = years.filter((y: number | null) => y !== null);
    expect(dated).toEqual([...dated].sort((a, b) => b - a));
    expect(years.slice(dated.length).every((y: number | null) => y === null)).toBe(true);
    // the 10 items before page 2's last item: page 1's last item, then page 2 but its last
    const p1 = await t.gql(q, { first: 10 });
    const p2 = await t.gql(q, { first: 10, after: p1.data.artworks.pageInfo.endCursor });
    const back = await t.gql(q, { last: 10, before: p2.data.artworks.pageInfo.endCursor });
    expect(back.data.artworks.edges.map((e: any) => e.node.internalID)).toEqual([
      ...p1.data.artworks.edges.slice(9).map((e: any) => e.node.internalID),
      ...p2.data.artworks.edges.slice(0, 9).map((e: any) => e.node.internalID),
    ]);
    expect(back.data.artworks.pageInfo.hasPreviousPage).toBe(true);
  });

  it("should honour every filter", async () => {
    const ids = async (filter: object) => {
      const r = await t.gql(`query($f: ArtworkFilter) { artworks(first: 100, filter: $f) { totalCount edges { node { title department yearStart yearEnd mediumCategory artists { name artist { id } } provenance { owner } } } } }`, { f: filter });
      expect(r.errors).toBeUndefined();
      return r.data.artworks;
    };
    const paintings = await ids({ mediumCategories: ["PAINTING"], departments: ["Fine Arts"] });
    expect(paintings.totalCount).toBeGreaterThan(0);
    expect(paintings.edges.every((e: any) => e.node.mediumCategory === "PAINTING" && e.node.department === "Fine Arts")).toBe(true);

    const c19 = await ids({ yearFrom: 1800, yearTo: 1850 });
    expect(c19.totalCount).toBeGreaterThan(0);
    for (const { node } of c19.edges) {
      expect((node.yearEnd ?? node.yearStart) >= 1800).toBe(true);
      expect((node.yearStart ?? node.yearEnd) <= 1850).toBe(true);
    }

    const owner = await ids({ provenanceOwner: "macbeth" });
    expect(owner.totalCount).toBeGreaterThan(0);
    expect(owner.edges.every((e: any) => e.node.provenance.some((p: any) => /macbeth/i.test(p.owner ?? "")))).toBe(true);

    const first = paintings.edges[0].node;
    const byArtist = await ids({ artistIds: [first.artists[0].artist.id] });
    expect(byArtist.edges.every((e: any) => e.node.artists.some((a: any) => a.artist.id === first.artists[0].artist.id))).toBe(true);

    const word = first.artists[0].name.split(" ").at(-1);
    const text = await ids({ text: word });
    expect(text.edges.some((e: any) => e.node.title === first.title)).toBe(true);
    expect(text.edges.every((e: any) => e.node.title.toLowerCase().includes(word.toLowerCase()) || e.node.artists.some((a: any) => a.name.toLowerCase().includes(word.toLowerCase())))).toBe(true);

    const noImage = await ids({ hasImage: true });
    expect(noImage.totalCount).toBe(0); // the demo ships no image files
  });

  it("should fetch a work by global id, by internalID and through node, and null for unknown ids", async () => {
    const first = (await t.gql(`{ artworks(first: 1) { edges { node { id internalID title } } } }`)).data.artworks.edges[0].node;
    const r = await t.gql(
      `query($id: ID!, $iid: ID!) { a: artwork(id: $id) { title } b: artwork(id: $iid) { title } n: node(id: $id) { id ... on Artwork { title } } missing: artwork(id: "QXJ0d29yazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA") { title } junk: artwork(id: "nope") { title } }`,
      { id: first.id, iid: first.internalID },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ a: { title: first.title }, b: { title: first.title }, n: { id: first.id, title: first.title }, missing: null, junk: null });
  });

  it("should list artists by name and nationality, with their works", async () => {
    const r = await t.gql(`{ artists(first: 5, filter: { nationalities: ["French"] }) { totalCount edges { node { id name nationality artworks(first: 3) { title } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.artists.totalCount).toBeGreaterThan(5);
    for (const { node } of r.data.artists.edges) {
      expect(node.nationality).toBe("French");
      expect(node.artworks.length).toBeGreaterThan(0);
    }
    const names = r.data.artists.edges.map((e: any) => e.node.name);
    const one = await t.gql(`query($id: ID!) { artist(id: $id) { name } node(id: $id) { ... on Artist { name } } }`, { id: r.data.artists.edges[0].node.id });
    expect(one.data).toEqual({ artist: { name: names[0] }, node: { name: names[0] } });
  });

  it("should count works per medium category", async () => {
    const r = await t.gql(`{ mediumCategories { category name count } }`);
    expect(r.data.mediumCategories[0]).toEqual({ category: "PAINTING", name: "painting", count: 153 });
    expect(r.data.mediumCategories.reduce((s: number, c: any) => s + c.count, 0)).toBe(1002);
  });

  it("should run a bounded number of SQL statements for a 50-row page with artists and provenance", async () => {
    const q = `query($n: Int) { artworks(first: $n) { edges { node { title artists { name } provenance { owner } } } } }`;
    t.sql.reset();
    const r50 = await t.gql(q, { n: 50 });
    const at50 = t.sql.count;
    t.sql.reset();
    // other works than the first page's (remembered rows would need no SQL at all)
    await t.gql(`query { artworks(last: 5) { edges { node { title artists { name } provenance { owner } } } } }`);
    const at5 = t.sql.count;
    expect(r50.data.artworks.edges).toHaveLength(50);
    expect(at50).toBeLessThanOrEqual(6);
    expect(at50).toBe(at5); // the count does not grow with the page
  });
});
