/**
 * Similar works, search by image and recommendations as Relay connections over HTTP: edge cursors,
 * pageInfo, `first`/`after` through the ranked list (page 2 continues page 1), and cursors refused
 * (BAD_USER_INPUT naming `after`) when they come from another list or past the depth.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { photoLikeRgb, toPng } from "../support/images.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const PAGE = `edges { cursor score node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } embeddingVersion`;
const SIMILAR = `query($id: ID!, $first: Int, $after: String, $weights: SimilarityWeights, $diversity: Float) {
  similarArtworks(id: $id, first: $first, after: $after, weights: $weights, diversity: $diversity) { ${PAGE} } }`;
const RECOMMEND = `query($p: [ID!]!, $first: Int, $after: String, $strategy: RecommendationStrategy) {
  recommendations(positive: $p, first: $first, after: $after, strategy: $strategy) { ${PAGE} } }`;
const SEARCH = `query($image: ImageInput!, $first: Int, $after: String) { searchByImage(image: $image, first: $first, after: $after) { ${PAGE} } }`;

interface Page {
  edges: { cursor: string; score: number; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe.each(STORE_KINDS)("ranked connections (%s store)", (kind) => {
  let t: TestApp;
  let works: string[];
  let total: number;
  beforeAll(async () => {
    t = await startTestApp(kind, { env: { VITRINE_MODEL_PATH: path.resolve("models/vit-mae-tiny.onnx") } });
    await t.drain();
    const r = await t.gql(`{ artworks(first: 100) { totalCount edges { node { id } } } }`);
    works = r.data.artworks.edges.map((e: { node: { id: string } }) => e.node.id);
    total = r.data.artworks.totalCount;
    expect(works.length).toBeGreaterThan(12);
  });
  afterAll(() => t?.stop());

  /** Pages of `size` through a ranked query until hasNextPage is false; checks each page's pageInfo. */
  async function pageThrough(query: string, field: string, variables: Record<string, unknown>, size: number): Promise<Page[]> {
    const pages: Page[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const r = await t.gql(query, { ...variables, first: size, after });
      expect(r.errors).toBeUndefined();
      const page: Page = r.data[field];
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      pages.push(page);
      if (!page.pageInfo.hasNextPage) return pages;
      expect(page.edges).toHaveLength(size);
      after = page.pageInfo.endCursor;
    }
    throw new Error("more than 50 pages");
  }

  const ids = (pages: Page[]) => pages.flatMap((p) => p.edges.map((e) => e.node.id));

  for (const [name, extra] of [
    ["the index's order", {}],
    ["re-weighted and diversified scores", { weights: { image: 0.2, metadata: 0.8, artist: 1 }, diversity: 0.4 }],
  ] as const) {
    it(`should page similar works (${name}) so that page 2 continues page 1 without repeats or gaps, to the end of the list`, async () => {
      const vars = { id: works[0], ...extra };
      const whole = await t.gql(SIMILAR, { ...vars, first: 100 });
      expect(whole.errors).toBeUndefined();
      const all: string[] = whole.data.similarArtworks.edges.map((e: { node: { id: string } }) => e.node.id);
      // every other work, down to rank 200 at most
      const depth = Math.min(total - 1, 200);
      expect(all.length).toBe(Math.min(depth, 100));
      expect(whole.data.similarArtworks.pageInfo.hasNextPage).toBe(depth > 100);

      const pages = await pageThrough(SIMILAR, "similarArtworks", vars, 15);
      expect(pages.length).toBeGreaterThan(2);
      expect(ids(pages).length).toBe(depth);
      expect(ids(pages).slice(0, all.length)).toEqual(all);
      expect(new Set(ids(pages)).size).toBe(depth);
      // scores go down across page boundaries too (MMR trades score for variety)
      if (!("diversity" in extra)) {
        const scores = pages.flatMap((p) => p.edges.map((e) => e.score));
        scores.slice(1).forEach((s, i) => expect(s).toBeLessThanOrEqual(scores[i] + 1e-9));
      }
      // every cursor names its own rank: continuing after the 3rd edge gives the 4th onwards
      const third = pages[0].edges[2].cursor;
      const fromThird = await t.gql(SIMILAR, { ...vars, first: 4, after: third });
      expect(fromThird.data.similarArtworks.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(all.slice(3, 7));
    });
  }

  it("should page recommendations (both strategies) and search by image the same way", async () => {
    for (const strategy of ["AVERAGE_VECTOR", "BEST_SCORE"]) {
      const vars = { p: [works[1], works[2]], strategy };
      const whole = await t.gql(RECOMMEND, { ...vars, first: 100 });
      expect(whole.errors, JSON.stringify(whole.errors)).toBeUndefined();
      const pages = await pageThrough(RECOMMEND, "recommendations", vars, 30);
      expect(pages.length).toBeGreaterThan(2);
      expect(ids(pages).slice(0, 100)).toEqual(whole.data.recommendations.edges.map((e: { node: { id: string } }) => e.node.id));
      expect(new Set(ids(pages)).size).toBe(ids(pages).length);
    }
    const image = { base64: Buffer.from(await toPng(photoLikeRgb(64, 48, 7))).toString("base64") };
    const whole = await t.gql(SEARCH, { image, first: 100 });
    expect(whole.errors).toBeUndefined();
    const pages = await pageThrough(SEARCH, "searchByImage", { image }, 40);
    expect(pages.length).toBeGreaterThan(1);
    expect(ids(pages).slice(0, 100)).toEqual(whole.data.searchByImage.edges.map((e: { node: { id: string } }) => e.node.id));
    expect(new Set(ids(pages)).size).toBe(ids(pages).length);
  });

  it("should refuse with BAD_USER_INPUT naming `after` a cursor from another list, of another kind, not a cursor, or past rank 200", async () => {
    const first = await t.gql(SIMILAR, { id: works[0], first: 3 });
    const cursor: string = first.data.similarArtworks.pageInfo.endCursor;
    const otherWork = await t.gql(SIMILAR, { id: works[1], first: 3, after: cursor });
    expect(otherWork.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect(otherWork.errors?.[0].message).toMatch(/another list/);
    const otherWeights = await t.gql(SIMILAR, { id: works[0], first: 3, after: cursor, weights: { image: 1 } });
    expect(otherWeights.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    const otherQuery = await t.gql(RECOMMEND, { p: [works[0]], first: 3, after: cursor });
    expect(otherQuery.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });

    const catalogueCursor = (await t.gql(`{ artworks(first: 1) { pageInfo { endCursor } } }`)).data.artworks.pageInfo.endCursor;
    for (const after of [catalogueCursor, "garbage", ""]) {
      const r = await t.gql(SIMILAR, { id: works[0], first: 3, after });
      expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
    // the same list's key, at rank 201
    const [, key] = Buffer.from(cursor, "base64url").toString("utf8").split(":");
    const deep = await t.gql(SIMILAR, { id: works[0], first: 3, after: Buffer.from(`rank:${key}:200`).toString("base64url") });
    expect(deep.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect(deep.errors?.[0].message).toMatch(/top 200 ranks/);
    // the id written as internalID is the same list
    const internal = (await t.gql(`query($id: ID!) { artwork(id: $id) { internalID } }`, { id: works[0] })).data.artwork.internalID;
    const same = await t.gql(SIMILAR, { id: internal, first: 3, after: cursor });
    expect(same.errors).toBeUndefined();
    expect(same.data.similarArtworks.pageInfo.hasPreviousPage).toBe(true);
  });
});
