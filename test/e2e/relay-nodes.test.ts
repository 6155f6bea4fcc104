/**
 * Relay lookups over HTTP: `nodes(ids:)` in order with nulls, and one rule for an id of the wrong
 * type everywhere: lookups answer null, operations that need the object answer NOT_FOUND naming the
 * argument (as for an unknown id of the right type).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type GraphQLResponse, type TestApp } from "../support/test-app.ts";

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";
const globalId = (type: string, uuid: string) => Buffer.from(`${type}:${uuid}`).toString("base64url");

describe.each(STORE_KINDS)("relay nodes and wrong-type ids (%s store)", (kind) => {
  let t: TestApp;
  let work: { id: string; internalID: string; title: string };
  let other: { id: string };
  let artist: { id: string; internalID: string; name: string };
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.drain();
    const r = await t.gql(`{ artworks(first: 2) { edges { node { id internalID title artists { artist { id internalID name } } } } } }`);
    expect(r.errors).toBeUndefined();
    const withArtist = r.data.artworks.edges.map((e: any) => e.node).find((n: any) => n.artists.some((a: any) => a.artist));
    work = withArtist;
    other = r.data.artworks.edges.map((e: any) => e.node).find((n: any) => n.id !== work.id);
    artist = withArtist.artists.find((a: any) => a.artist).artist;
  });
  afterAll(() => t?.stop());

  it("should answer nodes(ids:) in the order given, with null for unknown, wrong-looking and repeated ids in place", async () => {
    const ids = [artist.id, "nonsense", work.id, globalId("Artwork", UNKNOWN_UUID), work.id, other.id];
    const r = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Artwork { title } ... on Artist { name } } }`, { ids });
    expect(r.errors).toBeUndefined();
    expect(r.data.nodes).toHaveLength(6);
    expect(r.data.nodes[0]).toEqual({ __typename: "Artist", id: artist.id, name: artist.name });
    expect(r.data.nodes[1]).toBeNull();
    expect(r.data.nodes[2]).toEqual({ __typename: "Artwork", id: work.id, title: work.title });
    expect(r.data.nodes[3]).toBeNull();
    expect(r.data.nodes[4]).toEqual(r.data.nodes[2]);
    expect(r.data.nodes[5].id).toBe(other.id);
  });

  it("should refuse more than 1,000 ids with BAD_USER_INPUT naming ids", async () => {
    const r = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 1001 }, () => work.id) });
    expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "ids" });
    expect(r.data?.nodes ?? null).toBeNull();
  });

  it("should answer null from artwork(id:) given an artist's id and from artist(id:) given a work's id, as for unknown ids", async () => {
    const r = await t.gql(
      `query($artistId: ID!, $workId: ID!, $unknownWork: ID!, $unknownArtist: ID!) {
        wrongWork: artwork(id: $artistId) { id } wrongArtist: artist(id: $workId) { id }
        unknownWork: artwork(id: $unknownWork) { id } unknownArtist: artist(id: $unknownArtist) { id }
        rightWork: artwork(id: $workId) { id } rightArtist: artist(id: $artistId) { id }
      }`,
      { artistId: artist.id, workId: work.id, unknownWork: globalId("Artwork", UNKNOWN_UUID), unknownArtist: globalId("Artist", UNKNOWN_UUID) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ wrongWork: null, wrongArtist: null, unknownWork: null, unknownArtist: null, rightWork: { id: work.id }, rightArtist: { id: artist.id } });
  });

  // every operation that needs a work (or an artist) answers a wrong-type id as it answers an unknown one
  const operations: { name: string; query: string; variables: (wrong: string) => Record<string, unknown>; field: string }[] = [
    { name: "similarArtworks(id:)", query: `query($v: ID!) { similarArtworks(id: $v) { edges { node { id } } } }`, variables: (v) => ({ v }), field: "id" },
    { name: "recommendations(positive:)", query: `query($v: ID!) { recommendations(positive: [$v]) { edges { node { id } } } }`, variables: (v) => ({ v }), field: "positive.0" },
    { name: "explainSimilarity(b:)", query: `query($a: ID!, $v: ID!) { explainSimilarity(a: $a, b: $v) { score } }`, variables: (v) => ({ a: work.id, v }), field: "b" },
    { name: "similarProvenance(id:)", query: `query($v: ID!) { similarProvenance(id: $v) { score } }`, variables: (v) => ({ v }), field: "id" },
  ];
  for (const op of operations) {
    it(`should answer NOT_FOUND naming the argument from ${op.name} given an artist's id, as given an unknown work's id`, async () => {
      const wrong = await t.gql(op.query, op.variables(artist.id));
      expect(wrong.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: op.field });
      expect(wrong.errors?.[0].message).toContain("Artist");
      const unknown = await t.gql(op.query, op.variables(globalId("Artwork", UNKNOWN_UUID)));
      expect(unknown.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: op.field });
    });
  }

  it("should select nothing from a filter or exclusion given a work's id where an artist's belongs, as given an unknown artist's id", async () => {
    const count = `query($v: ID!) { artworks(filter: { artistIds: [$v] }) { totalCount } }`;
    const filtered = await t.gql(count, { v: work.id });
    expect(filtered.errors).toBeUndefined();
    expect(filtered.data.artworks.totalCount).toBe(0);
    expect((await t.gql(count, { v: globalId("Artist", UNKNOWN_UUID) })).data.artworks.totalCount).toBe(0);
    expect((await t.gql(count, { v: artist.id })).data.artworks.totalCount).toBeGreaterThan(0);

    const recommend = `query($w: ID!, $v: ID!) { recommendations(positive: [$w], first: 5, exclude: { artistIds: [$v] }) { edges { node { id } } } }`;
    const excludedWrong = await t.gql(recommend, { w: work.id, v: work.id });
    const excludedUnknown = await t.gql(recommend, { w: work.id, v: globalId("Artist", UNKNOWN_UUID) });
    expect(excludedWrong.errors).toBeUndefined();
    expect(excludedWrong.data.recommendations.edges).toEqual(excludedUnknown.data.recommendations.edges);
    expect(excludedWrong.data.recommendations.edges.length).toBeGreaterThan(0);
  });

  it("should answer BAD_USER_INPUT naming the argument for a string that is no id at all", async () => {
    const r = await t.gql(`query($v: ID!) { similarArtworks(id: $v) { edges { node { id } } } }`, { v: "not-an-id" });
    expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
  });

  it("should page an artist's works with artworksConnection (first/after, totalCount), earliest first, as artworks filtered by the artist", async () => {
    const artists = await t.gql(`{ artists(first: 100) { edges { node { id artworksConnection(first: 0) { totalCount } } } } }`);
    const prolific = artists.data.artists.edges.map((e: any) => e.node).sort((a: any, b: any) => b.artworksConnection.totalCount - a.artworksConnection.totalCount)[0];
    expect(prolific.artworksConnection.totalCount).toBeGreaterThan(2);
    const artist = prolific as { id: string };
    const listed = await t.gql(`query($id: ID!) { artworks(first: 100, filter: { artistIds: [$id] }, sort: { field: YEAR }) { totalCount edges { node { id } } } }`, { id: artist.id });
    const expected: string[] = listed.data.artworks.edges.map((e: any) => e.node.id);
    expect(expected.length).toBeGreaterThan(0);
    const PAGE = `query($id: ID!, $after: String) { artist(id: $id) { artworksConnection(first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 60; i++) {
      const r: GraphQLResponse = await t.gql(PAGE, { id: artist.id, after });
      expect(r.errors).toBeUndefined();
      const c: any = r.data.artist.artworksConnection;
      expect(c.totalCount).toBe(listed.data.artworks.totalCount);
      seen.push(...c.edges.map((e: any) => e.node.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    const tooMany = await t.gql(`query($id: ID!) { artist(id: $id) { artworksConnection(first: 101) { totalCount } } }`, { id: artist.id });
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });
});
