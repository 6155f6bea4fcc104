/**
 * No request holds the server hostage (issue #14 item 4): the similar-works features are priced by
 * what they cost, a batch's operations share one budget, and a request's rankings stop with
 * QUERY_TOO_EXPENSIVE when its time budget is spent, while other requests are answered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const WEIGHTS = "{ image: 0.3, metadata: 0.7, artist: 0.5, medium: 0.1, time: 0.2, provenance: 0.1, size: 0.05, palette: 0.05 }";

/** The request of the issue: 10 operations, each 20 aliases of the costliest similar-works form. */
function hostageBatch(id: string): string {
  const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: similarArtworks(id: "${id}", first: 100, diversity: 0.9, groupByArtist: true, weights: ${WEIGHTS}) { edges { score } }`).join(" ");
  return JSON.stringify(Array.from({ length: 10 }, () => ({ query: `{ ${aliases} }` })));
}

async function postBatch(t: TestApp, body: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: res.status, json: await res.json() };
}

describe("request budgets (embedded store, demo catalogue)", () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    // the default limits, but a ranking budget no diverse ranking can meet
    t = await startTestApp("embedded", { env: { VITRINE_RANKING_BUDGET_MS: "1" } });
    await t.drain();
    id = (await t.gql(`{ artworks(first: 1) { edges { node { id } } } }`)).data.artworks.edges[0].node.id;
  }, 180_000);
  afterAll(() => t?.stop());

  it("should refuse the issue's hostage batch whole with QUERY_TOO_EXPENSIVE naming the shared budget", async () => {
    const r = await postBatch(t, hostageBatch(id));
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions.code).toBe("QUERY_TOO_EXPENSIVE");
    expect(r.json.errors[0].message).toMatch(/10 operations of this batch would cost \d+ points together; the limit is 5000 per request/);
    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBe(200);
  });

  it("should count a batch's operations against one budget, though each alone is within it", async () => {
    // 2 × (10 + 100 × 7) = 1420 points each: three together are within 5000, four are not
    const op = `{ a: similarArtworks(id: "${id}", first: 100) { edges { score node { id title artists { name } } } } b: similarArtworks(id: "${id}", first: 100) { edges { score node { id title artists { name } } } } }`;
    const batch = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ query: op })));
    const refused = await postBatch(t, batch(4));
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].extensions.code).toBe("QUERY_TOO_EXPENSIVE");
    expect(refused.json.errors[0].message).toMatch(/4 operations of this batch would cost 5680 points together; the limit is 5000 per request, shared by a batch's operations/);
    const answered = await postBatch(t, batch(3));
    expect(answered.status).toBe(200);
    expect(answered.json).toHaveLength(3);
    expect(answered.json.every((r: any) => !r.errors && r.data.a.edges.length > 0)).toBe(true);
  });

  it("should price weights given as a variable by whether they are given, not as free", async () => {
    // six lists of 100: 4260 points without weights, 6660 with them (400 each)
    const list = (alias: string) => `${alias}: similarArtworks(id: $id, first: 100, weights: $w) { edges { score node { id title artists { name } } } }`;
    const query = `query($id: ID!, $w: SimilarityWeights) { ${["a", "b", "c", "d", "e", "f"].map(list).join(" ")} }`;
    expect((await t.gql(query, { id, w: null })).errors).toBeUndefined();
    const weighted = await t.gql(query, { id, w: { image: 0.2 } });
    expect(weighted.errors?.[0].extensions?.code).toBe("QUERY_TOO_EXPENSIVE");
    expect(weighted.errors?.[0].message).toMatch(/would cost 6660 points; the limit is 5000/);
    // and again without: the estimate remembered for the text is per presence of the weights
    expect((await t.gql(query, { id, w: null })).errors).toBeUndefined();
  });

  it("should stop a diverse ranking that outlasts the request's time budget with QUERY_TOO_EXPENSIVE, and still answer plain requests", async () => {
    const diverse = await t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 5, diversity: 0.8) { edges { score } } }`, { id });
    expect(diverse.errors?.[0].extensions?.code).toBe("QUERY_TOO_EXPENSIVE");
    expect(diverse.errors?.[0].message).toMatch(/budget of 1 ms/);
    const plain = await t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 5) { edges { score } } }`, { id });
    expect(plain.errors).toBeUndefined();
    expect(plain.data.similarArtworks.edges.length).toBeGreaterThan(0);
  });
});
