/** The HTTP edge: limits, coded errors that leak nothing, GraphiQL without a CDN, /health, /metrics. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leakIn } from "../support/leaks.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { MAX_OPERATION_NAMES } from "../../src/graphql/plugins/observability.plugin.ts";

function expectNoLeak(raw: string) {
  expect(leakIn(raw), raw).toBeNull();
}

describe("HTTP limits and errors", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("embedded", {
      config: undefined,
      env: { NODE_ENV: "production", VITRINE_MAX_BODY_BYTES: "65536", VITRINE_MAX_DEPTH: "8", VITRINE_MAX_ALIASES: "5", VITRINE_MAX_BATCH: "3", VITRINE_MAX_COMPLEXITY: "3000" },
    });
  });
  afterAll(() => t?.stop());

  it("should refuse pages larger than 100 as BAD_USER_INPUT on `first`", async () => {
    const r = await t.gql(`{ artworks(first: 101) { totalCount } }`);
    expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
    const both = await t.gql(`{ artworks(first: 1, last: 1) { totalCount } }`);
    expect(both.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "last" });
  });

  it("should refuse a malformed cursor as BAD_USER_INPUT on `after`", async () => {
    const r = await t.gql(`{ artworks(first: 1, after: "not-a-cursor") { totalCount } }`);
    expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });

  it("should refuse a year range that ends before it starts", async () => {
    const r = await t.gql(`{ artworks(first: 1, filter: { yearFrom: 1900, yearTo: 1800 }) { totalCount } }`);
    expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.yearTo" });
  });

  it("should check the limits of inputs nested in arguments (filters, weights, images), naming the path", async () => {
    const long = "x".repeat(201);
    const works = await t.gql(`query($f: ArtworkFilter) { artworks(first: 1, filter: $f) { totalCount } }`, { f: { text: long } });
    expect(works.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.text" });
    expect(works.errors?.[0].message).toMatch(/200/);
    const artists = await t.gql(`query($f: ArtistFilter) { artists(first: 1, filter: $f) { totalCount } }`, { f: { name: long } });
    expect(artists.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.name" });
    const id = (await t.gql(`{ artworks(first: 1) { edges { node { id } } } }`)).data.artworks.edges[0].node.id;
    const similar = await t.gql(`query($id: ID!, $f: ArtworkFilter) { similarArtworks(id: $id, filter: $f) { embeddingVersion } }`, { id, f: { provenanceOwner: long } });
    expect(similar.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.provenanceOwner" });
    const weights = await t.gql(`query($id: ID!) { similarArtworks(id: $id, weights: { time: -0.5 }) { embeddingVersion } }`, { id });
    expect(weights.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "weights.time" });
    const image = await t.gql(`query($u: String) { searchByImage(image: { url: $u }) { embeddingVersion } }`, { u: `https://example.org/${"a".repeat(4100)}.jpg` });
    expect(image.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "image.url" });
  });

  it("should refuse queries that are too deep, too costly or use too many aliases", async () => {
    const deep = await t.gql(`{ artworks(first: 1) { edges { node { artists { artist { artworks(first: 1) { artists { artist { artworks(first: 1) { title } } } } } } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(deep.errors?.[0].message).toMatch(/depth/);

    const costly = await t.gql(`{ artworks(first: 100) { edges { node { artists { artist { artworks(first: 100) { title } } } } } } }`);
    expect(costly.errors?.[0].extensions?.code).toBe("QUERY_TOO_EXPENSIVE");
    expect(costly.errors?.[0].message).toMatch(/cost .* the limit is 3000/);

    const nested = `query($n: Int) { artworks(first: $n) { edges { node { artists { artist { artworks(first: $n) { title } } } } } } }`;
    const viaVariables = await t.gql(nested, { n: 100 });
    expect(viaVariables.errors?.[0].message).toMatch(/limit is 3000/);
    // the same query text with other values: each is judged by its own (estimates are remembered per value)
    expect((await t.gql(nested, { n: 2 })).errors).toBeUndefined();
    expect((await t.gql(nested, { n: 100 })).errors?.[0].message).toMatch(/limit is 3000/);
    const optional = `query($n: Int, $deep: Boolean!) { artworks(first: $n) { edges { node { title artists @include(if: $deep) { artist { artworks(first: $n) { title } } } } } } }`;
    expect((await t.gql(optional, { n: 100, deep: false })).errors).toBeUndefined();
    expect((await t.gql(optional, { n: 100, deep: true })).errors?.[0].message).toMatch(/limit is 3000/);
    expect((await t.gql(optional, { n: 100, deep: false })).errors).toBeUndefined();

    const aliases = await t.gql(`{ a: mediumCategories { count } b: mediumCategories { count } c: mediumCategories { count } d: mediumCategories { count } e: mediumCategories { count } f: mediumCategories { count } }`);
    expect(aliases.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(aliases.errors?.[0].message).toMatch(/aliases; the limit is 5/);
  });

  it("should answer batches up to the limit and refuse larger ones", async () => {
    const post = (n: number) =>
      fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(Array.from({ length: n }, () => ({ query: "{ mediumCategories { count } }" }))) });
    const ok = await post(3);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveLength(3);
    const tooMany = await post(4);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("should refuse a body over the cap with 413 PAYLOAD_TOO_LARGE", async () => {
    const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ artworks(filter: { text: "${"x".repeat(70_000)}" }) { totalCount } }` }) });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("should code parse errors, unknown fields and bad JSON without leaking internals", async () => {
    const parse = await t.gql(`{ artworks(first: `);
    expect(parse.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    expectNoLeak(parse.raw);
    const unknown = await t.gql(`{ artworks { edges { node { qdrantPointId } } } }`);
    expect(unknown.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expectNoLeak(unknown.raw);
    const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(400);
    const raw = await res.text();
    expect(JSON.parse(raw).errors[0].extensions.code).toBe("BAD_REQUEST");
    expectNoLeak(raw);
  });

  it("should mask an unexpected failure as INTERNAL_SERVER_ERROR with no stack, SQL or path", async () => {
    // a database failure no client can cause: the store is closed under the server
    const other = await startTestApp("embedded", { demo: false, env: { NODE_ENV: "production" } });
    await other.app.db.prisma.$executeRawUnsafe(`ALTER TABLE "Artwork" RENAME TO "Artwork_gone"`);
    const r = await other.gql(`{ artworks(first: 1) { totalCount } }`);
    await other.app.db.prisma.$executeRawUnsafe(`ALTER TABLE "Artwork_gone" RENAME TO "Artwork"`);
    await other.stop();
    expect(r.errors?.[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(r.errors?.[0].message).toMatch(/went wrong on our side/);
    expectNoLeak(r.raw);
    expect(r.raw).not.toMatch(/Artwork_gone|relation|does not exist/);
  });

  it("should serve GraphiQL to a browser from local assets, and queries over GET", async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/graphiql/graphiql.js");
    // no CDN: every script, style sheet and link the page loads is served here (example queries may name image URLs)
    const assets = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(a, a).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/import\s*\(\s*["']https?:|fetch\(\s*["']https?:/);
    for (const asset of ["graphiql.js", "graphiql.css", "react.js", "react-dom.js"]) {
      const res = await fetch(`${t.url}/graphiql/${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent("{ mediumCategories { count } }")}`, { headers: { "apollo-require-preflight": "1" } });
    expect(get.status).toBe(200);
    expect((await get.json()).data.mediumCategories.length).toBeGreaterThan(5);
  });

  it("should report health and Prometheus metrics", async () => {
    const health = await (await fetch(`${t.url}/health`)).json();
    expect(health.store).toEqual({ status: "ok", kind: "embedded" });
    expect(health).toHaveProperty("index.status");
    expect(health).toHaveProperty("model.status");
    await t.gql(`query Named { mediumCategories { count } }`);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/vitrine_graphql_operations_total\{operation="Named",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/vitrine_sql_queries_total \d+/);
    expect(metrics).toMatch(/vitrine_http_request_duration_seconds_bucket/);
  });

  it("should keep /metrics bounded however many operation names clients make up", async () => {
    for (let i = 0; i < MAX_OPERATION_NAMES + 50; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => t.gql(`query Made${i + j}Up { __typename }`)));
    }
    await t.gql(`query ${"L".repeat(5000)} { __typename }`);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const names = new Set([...metrics.matchAll(/^vitrine_graphql_operations_total\{operation="([^"]*)"/gm)].map((m) => m[1]));
    expect(names.size).toBe(MAX_OPERATION_NAMES + 2); // + "anonymous" and "other"
    expect(metrics).toMatch(/vitrine_graphql_operations_total\{operation="other",outcome="ok"\} \d+/);
    expect(metrics).not.toContain("L".repeat(200));
  });
});
