/**
 * Similar works, recommendations and explanations over HTTP on the demo catalogue (metadata-only
 * vectors: no image model is installed in these apps), with every queued work embedded first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { toGlobalId } from "../../src/graphql/relay.ts";

const BREAKDOWN = `score image metadata groups { artist medium time provenance size palette }`;
const SIMILAR = `query($id: ID!, $first: Int, $weights: SimilarityWeights, $filter: ArtworkFilter, $diversity: Float, $groupByArtist: Boolean) {
  similarArtworks(id: $id, first: $first, weights: $weights, filter: $filter, diversity: $diversity, groupByArtist: $groupByArtist) {
    embeddingVersion
    edges { score breakdown { ${BREAKDOWN} } node { id title mediumCategory department yearStart yearEnd artists { name artist { id } } } }
  }
}`;

interface Edge {
  score: number;
  breakdown: { score: number; image: number; metadata: number; groups: Record<string, number> };
  node: { id: string; title: string; mediumCategory: string | null; department: string | null; yearStart: number | null; yearEnd: number | null; artists: { name: string; artist: { id: string } }[] };
}

function expectPartsAddUp(edges: Edge[]): void {
  for (const e of edges) {
    expect(e.breakdown.score).toBeCloseTo(e.score, 6);
    expect(Math.abs(e.breakdown.image + e.breakdown.metadata - e.score)).toBeLessThan(1e-5);
    const groups = Object.values(e.breakdown.groups).reduce((a, b) => a + b, 0);
    expect(Math.abs(groups - e.breakdown.metadata)).toBeLessThan(1e-5);
  }
}

describe.each(STORE_KINDS)("similarity over HTTP (%s store, demo catalogue)", (kind) => {
  let t: TestApp;
  /** A work whose artist has several works in the demo catalogue. */
  let prolific: { id: string; artistId: string; artistName: string };

  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.drain();
    const rows = await t.app.db.prisma.artworkArtist.groupBy({ by: ["artistId"], _count: { artworkId: true }, orderBy: { _count: { artworkId: "desc" } }, take: 1 });
    const artist = await t.app.db.prisma.artist.findUniqueOrThrow({ where: { id: rows[0].artistId } });
    const credit = await t.app.db.prisma.artworkArtist.findFirstOrThrow({ where: { artistId: artist.id } });
    prolific = { id: toGlobalId("Artwork", credit.artworkId), artistId: artist.id, artistName: artist.name };
  }, 120_000);
  afterAll(() => t?.stop());

  it("should index every demo work and report the index live in /health", async () => {
    const health = await (await fetch(`${t.url}/health`)).json();
    const works = await t.app.db.prisma.artwork.count();
    expect(health.index).toMatchObject({ status: "ok", state: "LIVE", vectors: works, pendingJobs: 0 });
    expect(health.model.status).toBe("disabled");
    expect(health.model.message).toMatch(/vitrine model fetch/);
  });

  it("should return ten distinct similar works, never the work itself, best first, with parts adding up to the score", async () => {
    const r = await t.gql(SIMILAR, { id: prolific.id, first: 10 });
    expect(r.errors).toBeUndefined();
    const edges: Edge[] = r.data.similarArtworks.edges;
    expect(edges).toHaveLength(10);
    const ids = edges.map((e) => e.node.id);
    expect(new Set(ids).size).toBe(10);
    expect(ids).not.toContain(prolific.id);
    for (let i = 1; i < edges.length; i++) expect(edges[i - 1].score).toBeGreaterThanOrEqual(edges[i].score - 1e-9);
    expectPartsAddUp(edges);
    expect(r.data.similarArtworks.embeddingVersion).toMatch(/^v-[0-9a-f]{12}$/);
    // no image model: the image part is zero and metadata is the whole score
    expect(edges.every((e) => e.breakdown.image === 0)).toBe(true);
  });

  it("should give the same works and scores whether or not the breakdown is asked for, however it is asked for", async () => {
    const plain = await t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 10) { edges { score node { id } } } }`, { id: prolific.id });
    expect(plain.errors).toBeUndefined();
    const order = (edges: { node: { id: string } }[]) => edges.map((e) => e.node.id);
    const full = await t.gql(SIMILAR, { id: prolific.id, first: 10 });
    expect(order(plain.data.similarArtworks.edges)).toEqual(order(full.data.similarArtworks.edges));
    // the same to the precision of the index's f16 vectors (VITRINE_INDEX_VECTORS): a score from the parts and
    // the index's cosine round differently, by up to ~6e-5 (BENCHMARKS.md, memory); the order is the index's either way
    plain.data.similarArtworks.edges.forEach((e: Edge, i: number) => expect(Math.abs(e.score - full.data.similarArtworks.edges[i].score)).toBeLessThan(2e-4));
    // the parts are computed only when `breakdown` is selected: through a fragment, an alias and @include too
    const asked = await t.gql(
      `query($id: ID!, $why: Boolean!) {
        similarArtworks(id: $id, first: 10) { ...Why }
        diverse: similarArtworks(id: $id, first: 5, diversity: 0.5) { edges { node { id } ... on SimilarArtworkEdge { parts: breakdown @include(if: $why) { ${BREAKDOWN} } score } } }
      }
      fragment Why on SimilarArtworkConnection { edges { score node { id } breakdown { ${BREAKDOWN} } } }`,
      { id: prolific.id, why: true },
    );
    expect(asked.errors).toBeUndefined();
    expectPartsAddUp(asked.data.similarArtworks.edges);
    expectPartsAddUp(asked.data.diverse.edges.map((e: Edge & { parts: Edge["breakdown"] }) => ({ ...e, breakdown: e.parts })));
    const skipped = await t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 3) { edges { score breakdown @skip(if: true) { score } } } }`, { id: prolific.id });
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data.similarArtworks.edges.every((e: object) => !("breakdown" in e))).toBe(true);
  });

  it("should change the order when the weights change, and an artist-only weighting ranks the same artist first", async () => {
    const byArtist = await t.gql(SIMILAR, { id: prolific.id, first: 10, weights: { artist: 1, medium: 0, time: 0, provenance: 0, size: 0, palette: 0 } });
    const byTime = await t.gql(SIMILAR, { id: prolific.id, first: 10, weights: { artist: 0, medium: 0, time: 1, provenance: 0, size: 0, palette: 0 } });
    expect(byArtist.errors).toBeUndefined();
    expect(byTime.errors).toBeUndefined();
    const a: Edge[] = byArtist.data.similarArtworks.edges;
    const b: Edge[] = byTime.data.similarArtworks.edges;
    expect(a.map((e) => e.node.id)).not.toEqual(b.map((e) => e.node.id));
    const sameArtist = await t.app.db.prisma.artworkArtist.count({ where: { artistId: prolific.artistId } });
    const expectedSame = Math.min(10, sameArtist - 1);
    expect(a.slice(0, expectedSame).every((e) => e.node.artists.some((x) => x.name === prolific.artistName))).toBe(true);
    // with artist-only weights the score is the artist part alone
    for (const e of a) expect(Math.abs(e.score - e.breakdown.groups.artist)).toBeLessThan(1e-5);
    expectPartsAddUp([...a, ...b]);
  });

  it("should honour filters and still return k results when enough works pass", async () => {
    const cats = await t.gql(`{ mediumCategories { category count } }`);
    const counts: { category: string; count: number }[] = cats.data.mediumCategories;
    // a narrow category that still has more than ten works
    const narrow = counts.filter((c) => c.count > 11).sort((x, y) => x.count - y.count)[0];
    const r = await t.gql(SIMILAR, { id: prolific.id, first: 10, filter: { mediumCategories: [narrow.category] } });
    expect(r.errors).toBeUndefined();
    const edges: Edge[] = r.data.similarArtworks.edges;
    expect(edges).toHaveLength(10);
    expect(edges.every((e) => e.node.mediumCategory === narrow.category)).toBe(true);

    const years = await t.gql(SIMILAR, { id: prolific.id, first: 10, filter: { yearFrom: 1800, yearTo: 1850 } });
    const ye: Edge[] = years.data.similarArtworks.edges;
    expect(ye).toHaveLength(10);
    for (const e of ye) expect((e.node.yearEnd ?? e.node.yearStart)! >= 1800 && (e.node.yearStart ?? e.node.yearEnd)! <= 1850).toBe(true);

    // a filter fewer than k works pass gives exactly those works
    const tiny = counts.filter((c) => c.count >= 1 && c.count < 10)[0];
    if (tiny) {
      const few = await t.gql(SIMILAR, { id: prolific.id, first: 10, filter: { mediumCategories: [tiny.category] } });
      const expected = tiny.count - (few.data.similarArtworks.edges.some((e: Edge) => e.node.id === prolific.id) ? 1 : 0);
      expect(few.data.similarArtworks.edges.length).toBeGreaterThanOrEqual(expected - 1);
      expect(few.data.similarArtworks.edges.every((e: Edge) => e.node.mediumCategory === tiny.category)).toBe(true);
    }

    // text filters are resolved in the catalogue first
    const text = await t.gql(SIMILAR, { id: prolific.id, first: 5, filter: { text: prolific.artistName } });
    expect(text.errors).toBeUndefined();
    expect(text.data.similarArtworks.edges.length).toBeGreaterThan(0);
    const matching = new Set((await t.app.core.store.artworkIdsMatching({ text: prolific.artistName }, 20_000)).map((id) => toGlobalId("Artwork", id)));
    expect(text.data.similarArtworks.edges.every((e: Edge) => matching.has(e.node.id))).toBe(true);
  });

  it("should give at most one work per artist with groupByArtist, and varied results with diversity", async () => {
    const g = await t.gql(SIMILAR, { id: prolific.id, first: 10, groupByArtist: true });
    expect(g.errors).toBeUndefined();
    const edges: Edge[] = g.data.similarArtworks.edges;
    expect(edges).toHaveLength(10);
    const firstArtists = edges.map((e) => e.node.artists[0]?.artist.id ?? e.node.id);
    expect(new Set(firstArtists).size).toBe(10);
    expectPartsAddUp(edges);

    const plain = await t.gql(SIMILAR, { id: prolific.id, first: 10 });
    const varied = await t.gql(SIMILAR, { id: prolific.id, first: 10, diversity: 0.7 });
    expect(varied.errors).toBeUndefined();
    const v: Edge[] = varied.data.similarArtworks.edges;
    expect(v).toHaveLength(10);
    expect(new Set(v.map((e) => e.node.id)).size).toBe(10);
    expect(v.map((e) => e.node.id)).not.toEqual(plain.data.similarArtworks.edges.map((e: Edge) => e.node.id));
    const artistsOf = (es: Edge[]) => new Set(es.map((e) => e.node.artists[0]?.artist.id ?? e.node.id)).size;
    expect(artistsOf(v)).toBeGreaterThanOrEqual(artistsOf(plain.data.similarArtworks.edges));
  });

  it("should recommend from liked works while steering away from an excluded artist and never returning the liked works", async () => {
    const similar: Edge[] = (await t.gql(SIMILAR, { id: prolific.id, first: 3, weights: { artist: 1, medium: 0, time: 0, provenance: 0, size: 0, palette: 0 } })).data.similarArtworks.edges;
    const liked = [prolific.id, similar[0].node.id];
    const artistGlobal = similar[0].node.artists.find((a) => a.name === prolific.artistName)?.artist.id;
    expect(artistGlobal).toBeDefined();
    for (const strategy of ["AVERAGE_VECTOR", "BEST_SCORE"]) {
      const plain = await t.gql(`query($p: [ID!]!, $s: RecommendationStrategy) { recommendations(positive: $p, strategy: $s, first: 10) { edges { score breakdown { ${BREAKDOWN} } node { id artists { name artist { id } } } } } }`, { p: liked, s: strategy });
      expect(plain.errors).toBeUndefined();
      const pe: Edge[] = plain.data.recommendations.edges;
      expect(pe).toHaveLength(10);
      expect(pe.some((e) => e.node.artists.some((a) => a.artist.id === artistGlobal))).toBe(true); // the artist dominates without the exclusion
      const r = await t.gql(
        `query($p: [ID!]!, $s: RecommendationStrategy, $x: ID!) { recommendations(positive: $p, strategy: $s, first: 10, exclude: { artistIds: [$x] }) { edges { score breakdown { ${BREAKDOWN} } node { id artists { name artist { id } } } } } }`,
        { p: liked, s: strategy, x: artistGlobal },
      );
      expect(r.errors).toBeUndefined();
      const edges: Edge[] = r.data.recommendations.edges;
      expect(edges).toHaveLength(10);
      expect(edges.some((e) => e.node.artists.some((a) => a.artist.id === artistGlobal))).toBe(false);
      expect(edges.some((e) => liked.includes(e.node.id))).toBe(false);
      expectPartsAddUp(edges);
    }
  });

  it("should explain any pair with parts that add up, and a work against itself scores 1", async () => {
    const other: Edge = (await t.gql(SIMILAR, { id: prolific.id, first: 1 })).data.similarArtworks.edges[0];
    const r = await t.gql(`query($a: ID!, $b: ID!) { explainSimilarity(a: $a, b: $b) { ${BREAKDOWN} } }`, { a: prolific.id, b: other.node.id });
    expect(r.errors).toBeUndefined();
    // the list's score is the index's cosine over its f16 rows, the pair's the weighted cosine: ≤ 6e-5 apart
    expect(r.data.explainSimilarity.score).toBeCloseTo(other.score, 3);
    const self = await t.gql(`query($a: ID!) { explainSimilarity(a: $a, b: $a) { score } }`, { a: prolific.id });
    expect(self.data.explainSimilarity.score).toBeCloseTo(1, 5);
  });

  it("should never return a deleted work, before and after the worker removes its vector", async () => {
    const before: Edge[] = (await t.gql(SIMILAR, { id: prolific.id, first: 10 })).data.similarArtworks.edges;
    const victim = before[0].node.id;
    const del = await t.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id }) { deletedId } }`, { id: victim });
    expect(del.errors).toBeUndefined();
    const soon: Edge[] = (await t.gql(SIMILAR, { id: prolific.id, first: 10 })).data.similarArtworks.edges;
    expect(soon.map((e) => e.node.id)).not.toContain(victim);
    const vectorsBefore = await t.app.core.index.count(t.app.core.indexService.collection);
    await t.drain();
    expect(await t.app.core.index.count(t.app.core.indexService.collection)).toBe(vectorsBefore - 1);
    const after: Edge[] = (await t.gql(SIMILAR, { id: prolific.id, first: 10 })).data.similarArtworks.edges;
    expect(after).toHaveLength(10);
    expect(after.map((e) => e.node.id)).not.toContain(victim);
    const gone = await t.gql(SIMILAR, { id: victim, first: 10 });
    expect(gone.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "id" });
  });

  it("should find similar works for a new work whose vector is still queued, the same as once it is indexed", async () => {
    const created = await t.admin(`mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id } } }`, {
      a: { title: "Study after the prolific artist", yearStart: 1900, mediumCategory: "PAINTING", artists: [{ artistId: toGlobalId("Artist", prolific.artistId) }] },
    });
    expect(created.errors).toBeUndefined();
    const id: string = created.data.createArtwork.artwork.id;
    const queued = await t.gql(SIMILAR, { id, first: 10 });
    expect(queued.errors).toBeUndefined();
    const edges: Edge[] = queued.data.similarArtworks.edges;
    expect(edges).toHaveLength(10);
    expect(edges.map((e) => e.node.id)).not.toContain(id);
    expectPartsAddUp(edges);
    await t.drain();
    const indexed = await t.gql(SIMILAR, { id, first: 10 });
    // the same ranking: the stored vector is the fresh one rounded to the index's f16 rows, so only works
    // whose scores tie within that rounding (≤ 2e-4) may trade places
    const after: Edge[] = indexed.data.similarArtworks.edges;
    expect(after).toHaveLength(10);
    after.forEach((e, i) => expect(Math.abs(e.score - edges[i].score)).toBeLessThan(2e-4));
    // (a near-tie at the tenth place may bring in the eleventh)
    expect(after.filter((e) => edges.some((x) => x.node.id === e.node.id)).length).toBeGreaterThanOrEqual(9);
  });

  it("should serve repeated similar-work lists from remembered rows, and show an edit at once", async () => {
    const first = await t.gql(SIMILAR, { id: prolific.id, first: 10 });
    t.sql.reset();
    const again = await t.gql(SIMILAR, { id: prolific.id, first: 10 });
    expect(t.sql.count).toBe(0);
    expect(again.data).toEqual(first.data);
    const target: Edge = first.data.similarArtworks.edges[1];
    const upd = await t.admin(`mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { title: "Renamed by the registrar" } }) { artwork { title } } }`, { id: target.node.id });
    expect(upd.errors).toBeUndefined();
    const after = await t.gql(SIMILAR, { id: prolific.id, first: 10 });
    expect(after.data.similarArtworks.edges.find((e: Edge) => e.node.id === target.node.id)?.node.title).toBe("Renamed by the registrar");
  });

  it("should answer client mistakes with coded errors", async () => {
    const zero = await t.gql(SIMILAR, { id: prolific.id, first: 0 });
    expect(zero.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const many = await t.gql(SIMILAR, { id: prolific.id, first: 101 });
    expect(many.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const div = await t.gql(SIMILAR, { id: prolific.id, diversity: 2 });
    expect(div.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const neg = await t.gql(SIMILAR, { id: prolific.id, weights: { artist: -1 } });
    expect(neg.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(neg.errors?.[0].extensions?.field).toMatch(/weights/);
    const wrongType = await t.gql(SIMILAR, { id: toGlobalId("Artist", "00000000-0000-4000-8000-000000000000") });
    // an id of the wrong type is answered as an unknown work (relay.ts: one rule everywhere)
    expect(wrongType.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "id" });
    const noImage = await t.gql(`{ searchByImage(image: { base64: "iVBORw0KGgo=" }) { edges { score } } }`);
    expect(noImage.errors?.[0].extensions?.code).toMatch(/SERVICE_UNAVAILABLE|BAD_USER_INPUT/);
    const both = await t.gql(`{ searchByImage(image: { base64: "iVBORw0KGgo=", url: "https://example.org/a.jpg" }) { edges { score } } }`);
    expect(both.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "image" });
    const noLikes = await t.gql(`{ recommendations(positive: []) { edges { score } } }`);
    expect(noLikes.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "positive" });
    // an unknown work is NOT_FOUND, naming the argument that holds it
    const nobody = toGlobalId("Artwork", "00000000-0000-4000-8000-000000000000");
    const unknownLike = await t.gql(`query($p: [ID!]!, $n: [ID!]) { recommendations(positive: $p, negative: $n) { edges { score } } }`, { p: [nobody], n: [prolific.id] });
    expect(unknownLike.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "positive.0" });
    const unknownDislike = await t.gql(`query($p: [ID!]!, $n: [ID!]) { recommendations(positive: $p, negative: $n) { edges { score } } }`, { p: [prolific.id], n: [nobody] });
    expect(unknownDislike.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "negative.0" });
    const unknownPair = await t.gql(`query($a: ID!, $b: ID!) { explainSimilarity(a: $a, b: $b) { score } }`, { a: prolific.id, b: nobody });
    expect(unknownPair.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "b" });
    for (const r of [zero, many, div, neg, wrongType, noImage, both, noLikes, unknownLike, unknownDislike, unknownPair]) expect(r.raw).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+|SELECT /);
  });
});
