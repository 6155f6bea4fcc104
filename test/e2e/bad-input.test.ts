/**
 * Inputs that used to end in INTERNAL_SERVER_ERROR (or worse) each get a coded client error, and the
 * server stays unharmed (issue 13, item 6); error fields are paths in the client's own request (item
 * 7; test-app.ts checks every error of every e2e request against its request with error-paths.ts).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { fieldProblem } from "../support/error-paths.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const SIMILAR = `query($id: ID!) { similarArtworks(id: $id, first: 20) { edges { node { id } } } }`;

describe.each(STORE_KINDS)("bad input gets a coded client error (%s store)", (kind) => {
  let t: TestApp;
  let images: http.Server;
  let other: http.Server;
  let imagesPort = 0;
  let otherPort = 0;

  beforeAll(async () => {
    // an allow-listed image host on one port, which redirects to the same host's other port
    other = http.createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(100, 1)));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    otherPort = (other.address() as AddressInfo).port;
    images = http.createServer((req, res) => {
      if (req.url === "/photo.png") return res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/internal.png` }).end();
      res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(100, 1));
    });
    await new Promise<void>((r) => images.listen(0, "127.0.0.1", r));
    imagesPort = (images.address() as AddressInfo).port;
    t = await startTestApp(kind, { env: { VITRINE_IMAGE_FETCH_ALLOW: `127.0.0.1:${imagesPort}` } });
    await t.drain();
  });
  afterAll(async () => {
    await t?.stop();
    for (const s of [images, other]) {
      s?.closeAllConnections();
      await new Promise((r) => s?.close(r));
    }
  });

  /** The server still answers an ordinary query. */
  async function stillServing(): Promise<void> {
    const r = await t.gql(`{ artworks(first: 1) { totalCount } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.artworks.totalCount).toBeGreaterThan(0);
  }

  async function someWorkIds(n: number): Promise<string[]> {
    const r = await t.gql(`query($n: Int) { artworks(first: $n) { edges { node { id } } } }`, { n });
    return r.data.artworks.edges.map((e: { node: { id: string } }) => e.node.id);
  }

  it("should stop parsing a query with too many tokens (GRAPHQL_PARSE_FAILED), however it is nested", async () => {
    const flat = await t.gql(`{ ${"__typename ".repeat(200_000)} }`);
    expect(flat.status).toBe(400);
    expect(flat.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(flat.errors?.[0].message).toMatch(/tokens/);
    const deep = await t.gql(`${"{ a: __typename ".repeat(1)}${"{".repeat(300_000)}${"}".repeat(300_000)}`);
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const deepList = await t.gql(`query($x: [[ID]]) { artworks(first: 1, filter: { artistIds: ${"[".repeat(50_000)}${"]".repeat(50_000)} }) { totalCount } }`);
    expect(deepList.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    await stillServing();
  });

  it("should refuse deeply nested variables without running anything", async () => {
    const query = JSON.stringify(`query($ids: [ID!]) { artworks(first: 1, filter: { artistIds: $ids }) { totalCount } }`);
    for (const depth of [1_000, 1_000_000]) {
      const body = `{"query":${query},"variables":{"ids":${"[".repeat(depth)}"x"${"]".repeat(depth)}}}`;
      const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect(res.status).toBe(400);
      const r = await res.json();
      expect(["BAD_USER_INPUT", "BAD_REQUEST"]).toContain(r.errors?.[0].extensions?.code);
    }
    await stillServing();
  });

  it("should report a fragment cycle as a validation error before the depth and cost limits walk it", async () => {
    const cycle = await t.gql(`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`);
    expect(cycle.status).toBe(400);
    expect(cycle.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(cycle.errors?.map((e) => e.message).join(" ")).toMatch(/Cannot spread fragment "A" within itself/);
    const self = await t.gql(`{ artworks(first: 1) { edges { node { ...W } } } } fragment W on Artwork { title artists { artist { artworks(first: 1) { ...W } } } }`);
    expect(self.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const unknown = await t.gql(`{ ...Missing }`);
    expect(unknown.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(unknown.errors?.[0].message).toMatch(/Unknown fragment "Missing"/);
    await stillServing();
  });

  it("should refuse strings no store can hold (NUL, lone surrogates) and operations the schema has no root for", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [`query($t: String) { artworks(first: 2, filter: { text: $t }) { totalCount } }`, { t: "a\u0000b" }, "filter.text"],
      [`query($t: String!) { artworks(first: 2, filter: { departments: ["ok", $t] }) { totalCount } }`, { t: "\ud800" }, "filter.departments.1"],
      [`query($t: String) { artists(first: 2, filter: { name: $t }) { totalCount } }`, { t: "\udc00x" }, "filter.name"],
    ];
    for (const [query, variables, field] of cases) {
      const r = await t.gql(query, variables);
      expect(r.errors?.[0].extensions, query).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const created = await t.admin(`mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id } } }`, { a: { title: "T", provenance: [{ text: "ok" }, { text: "x\u0000" }] } });
    expect(created.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artwork.provenance.1.text" });
    // a well-formed pair (an emoji) is fine
    expect((await t.gql(`{ artworks(first: 1, filter: { text: "🎨" }) { totalCount } }`)).errors).toBeUndefined();
    const forged = Buffer.from(JSON.stringify(["a\u0000", "00000000-0000-4000-8000-000000000000"])).toString("base64url");
    const cursor = await t.gql(`query($c: String) { artworks(first: 2, after: $c) { totalCount } }`, { c: forged });
    expect(cursor.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    const subscription = await t.gql(`subscription { artworks { totalCount } }`);
    expect(subscription.status).toBe(400);
    expect(subscription.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(subscription.errors?.[0].message).toMatch(/no subscription/);
    await stillServing();
  });

  it("should answer CONFLICT when an update would give a work another work's source and sourceId", async () => {
    const make = (sourceId: string) => t.admin(`mutation($s: String) { createArtwork(input: { artwork: { title: "Pair", source: "probe", sourceId: $s } }) { artwork { id } } }`, { s: sourceId });
    await make("one");
    const second = (await make("two")).data.createArtwork.artwork.id;
    const r = await t.admin(`mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { sourceId: "one" } }) { artwork { id } } }`, { id: second });
    expect(r.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.artwork.sourceId" });
    const same = await t.admin(`mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { source: "probe", sourceId: "two" } }) { artwork { id } } }`, { id: second });
    expect(same.errors).toBeUndefined();
  });

  it("should check a cursor against the sort it is used with (BAD_USER_INPUT naming after or before)", async () => {
    const byYear = await t.gql(`{ artworks(first: 2, sort: { field: YEAR }) { pageInfo { endCursor } } }`);
    const yearCursor = byYear.data.artworks.pageInfo.endCursor;
    const underTitle = await t.gql(`query($c: String) { artworks(first: 2, after: $c) { totalCount } }`, { c: yearCursor });
    expect(underTitle.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect(underTitle.errors?.[0].message).toMatch(/sort/);
    const before = await t.gql(`query($c: String) { artworks(last: 2, before: $c, sort: { field: CREATED_AT }) { totalCount } }`, { c: yearCursor });
    expect(before.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "before" });
    const forge = (value: unknown, id: unknown) => Buffer.from(JSON.stringify([value, id])).toString("base64url");
    const cases: [string, string][] = [
      ["TITLE", forge("Mona", "not-a-uuid")],
      ["TITLE", forge("Mona", "00000000-0000-0000-0000-00000000000g")],
      ["CREATED_AT", forge("yesterday", "00000000-0000-4000-8000-000000000000")],
      ["CREATED_AT", forge("2024-13-45T99:99:99Z", "00000000-0000-4000-8000-000000000000")],
      ["YEAR", forge(1e300, "00000000-0000-4000-8000-000000000000")],
      ["YEAR", forge(2 ** 40, "00000000-0000-4000-8000-000000000000")],
      ["TITLE", forge(null, "00000000-0000-4000-8000-000000000000")],
      ["TITLE", forge({ gt: "" }, "00000000-0000-4000-8000-000000000000")],
      ["TITLE", Buffer.from("[1,2,3]").toString("base64url")],
    ];
    for (const [field, c] of cases) {
      const r = await t.gql(`query($c: String, $s: ArtworkSortField!) { artworks(first: 2, after: $c, sort: { field: $s }) { totalCount } }`, { c, s: field });
      expect(r.errors?.[0].extensions, `${field} ${c}`).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
    // a cursor of the same sort still pages
    const next = await t.gql(`query($c: String) { artworks(first: 2, after: $c, sort: { field: YEAR }) { edges { node { id } } } }`, { c: yearCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data.artworks.edges).toHaveLength(2);
  });

  it("should refuse 100,000 artist ids before anything reaches the database, naming the list", async () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    t.sql.reset();
    const r = await t.gql(`query($ids: [ID!]) { artworks(first: 1, filter: { artistIds: $ids }) { totalCount } }`, { ids });
    expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.artistIds" });
    expect(r.errors?.[0].message).toMatch(/1000/);
    expect(t.sql.count).toBe(0);
    const [work] = await someWorkIds(1);
    const rec = await t.gql(`query($p: [ID!]!, $x: [ID!]) { recommendations(positive: $p, exclude: { artworkIds: $x }) { edges { score } } }`, { p: [work], x: ids.slice(0, 1001) });
    expect(rec.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "exclude.artworkIds" });
    const likes = await t.gql(`query($p: [ID!]!) { recommendations(positive: $p) { edges { score } } }`, { p: ids.slice(0, 51) });
    expect(likes.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "positive" });
    // the caps are in the schema's descriptions
    const described = await t.gql(`{ __type(name: "ArtworkFilter") { inputFields { name description } } }`);
    const artistIds = described.data.__type.inputFields.find((f: { name: string }) => f.name === "artistIds");
    expect(artistIds.description).toMatch(/At most 1000/);
    await stillServing();
  });

  it("should never show a deleted work once deleteArtwork has answered (its vector still in the index)", async () => {
    const [query] = await someWorkIds(1);
    const before = await t.gql(SIMILAR, { id: query });
    const victim: string = before.data.similarArtworks.edges[0].node.id;
    const deleted = await t.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id }) { deletedId } }`, { id: victim });
    expect(deleted.errors).toBeUndefined();
    // no drain: the worker has not removed the vector yet
    const after = await t.gql(SIMILAR, { id: query });
    const ids = after.data.similarArtworks.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).not.toContain(victim);
    expect(ids).toHaveLength(20);
    const rec = await t.gql(`query($p: [ID!]!) { recommendations(positive: $p, first: 20) { edges { node { id } } } }`, { p: [query] });
    expect(rec.errors).toBeUndefined();
    expect(rec.data.recommendations.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(victim);
    const explain = await t.gql(`query($a: ID!, $b: ID!) { explainSimilarity(a: $a, b: $b) { score } }`, { a: query, b: victim });
    expect(explain.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "b" });
    const ofVictim = await t.gql(SIMILAR, { id: victim });
    expect(ofVictim.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "id" });
    const liked = await t.gql(`query($p: [ID!]!) { recommendations(positive: $p) { edges { score } } }`, { p: [query, victim] });
    expect(liked.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "positive.1" });
  });

  it("should not follow a redirect to another port of an allow-listed host", async () => {
    const r = await t.gql(`query($u: String) { searchByImage(image: { url: $u }) { embeddingVersion } }`, { u: `http://127.0.0.1:${imagesPort}/photo.png` });
    expect(r.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "image.url" });
    expect(r.errors?.[0].message).toMatch(/internal address/);
    // the allowed port itself is fetched (the bytes are no image: refused later, for that reason)
    const allowed = await t.gql(`query($u: String) { searchByImage(image: { url: $u }) { embeddingVersion } }`, { u: `http://127.0.0.1:${imagesPort}/plain.png` });
    expect(allowed.errors?.[0].message).not.toMatch(/internal address/);
    const direct = await t.gql(`query($u: String) { searchByImage(image: { url: $u }) { embeddingVersion } }`, { u: `http://127.0.0.1:${otherPort}/internal.png` });
    expect(direct.errors?.[0].message).toMatch(/internal address/);
  });

  it("should scale huge weights instead of claiming they are 0", async () => {
    const [id] = await someWorkIds(1);
    const r = await t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 3, weights: { image: 1e308, metadata: 1e308, artist: 1e308 }) { edges { score } } }`, { id });
    expect(r.errors).toBeUndefined();
    expect(r.data.similarArtworks.edges).toHaveLength(3);
    const zero = await t.gql(`query($id: ID!) { similarArtworks(id: $id, weights: { image: 0, metadata: 0 }) { edges { score } } }`, { id });
    expect(zero.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "weights" });
    expect(zero.errors?.[0].message).toMatch(/both 0/);
  });

  it("should name errors by their path in the request: argument, input fields and list indices joined with dots", async () => {
    const [work] = await someWorkIds(1);
    const cases: { query: string; variables?: Record<string, unknown>; admin?: boolean; field: string }[] = [
      { query: `mutation { createArtwork(input: { artwork: { title: "T", webUrl: "not a url" } }) { artwork { id } } }`, admin: true, field: "input.artwork.webUrl" },
      { query: `mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id } } }`, variables: { a: { title: "T", artists: [{ artistId: "00000000-0000-4000-8000-000000000001" }, { artistId: "nope" }] } }, admin: true, field: "input.artwork.artists.1.artistId" },
      { query: `mutation { createArtwork(input: { artwork: { title: "T", provenance: [{ text: "a" }, { text: " " }] } }) { artwork { id } } }`, admin: true, field: "input.artwork.provenance.1.text" },
      { query: `mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { webUrl: "ftp:/x" } }) { artwork { id } } }`, variables: { id: work }, admin: true, field: "input.artwork.webUrl" },
      { query: `query($f: ArtworkFilter) { artworks(first: 1, filter: $f) { totalCount } }`, variables: { f: { artistIds: ["00000000-0000-4000-8000-000000000001", "bad"] } }, field: "filter.artistIds.1" },
      { query: `query($f: ArtworkFilter) { artworks(first: 1, filter: $f) { totalCount } }`, variables: { f: { departments: ["ok", "d".repeat(201)] } }, field: "filter.departments" },
      { query: `query($p: [ID!]!) { recommendations(positive: $p) { edges { score } } }`, variables: { p: [work, "x"] }, field: "positive.1" },
      { query: `{ recommendations(positive: ["${work}"], exclude: { artistIds: ["x"] }) { edges { score } } }`, field: "exclude.artistIds.0" },
      { query: `query($id: ID!) { similarArtworks(id: $id, weights: { artist: -1 }) { edges { score } } }`, variables: { id: work }, field: "weights.artist" },
    ];
    for (const c of cases) {
      const r = c.admin ? await t.admin(c.query, c.variables) : await t.gql(c.query, c.variables);
      expect(r.errors?.[0].extensions, c.query).toMatchObject({ code: "BAD_USER_INPUT", field: c.field });
      expect(fieldProblem(c.query, c.variables, undefined, r.errors![0] as never)).toBeNull();
    }
  });

  it("should tell a field that is not in the request from one that is (the contract's own check)", () => {
    const q = `query($f: ArtworkFilter) { a: artworks(first: 1, filter: $f) { totalCount } }`;
    const at = (field: string, variables: Record<string, unknown> = { f: { artistIds: ["x", "y"] } }) => fieldProblem(q, variables, undefined, { message: "", path: ["a"], extensions: { field } });
    expect(at("filter.artistIds.1")).toBeNull();
    expect(at("filter.text")).toBeNull(); // a value left out of an input object the request holds
    expect(at("filter.artistIds.2")).not.toBeNull();
    expect(at("filter.artistIds[1]")).not.toBeNull();
    expect(at("artistIds")).not.toBeNull();
    expect(at("webUrl")).not.toBeNull();
  });
});
