/**
 * Inputs that used to end in INTERNAL_SERVER_ERROR (or worse) each get a coded client error, and the
 * server stays unharmed (issue 13, item 6); error fields are paths in the client's own request (item
 * 7; test-app.ts checks every error of every e2e request against its request with error-paths.ts).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, STORE_KINDS } from "../support/databases.ts";
import { fieldProblem } from "../support/error-paths.ts";
import { pngDeclaring, startImageHost, type ImageHost } from "../support/image-host.ts";
import { solidRgb, toPng } from "../support/images.ts";
import { leakIn } from "../support/leaks.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const run = promisify(execFile);
const BIN = path.resolve("bin/vitrine.js");
const TINY_MODEL = path.resolve("models/vit-mae-tiny.onnx");

const SIMILAR = `query($id: ID!) { similarArtworks(id: $id, first: 20) { edges { node { id } } } }`;

describe.each(STORE_KINDS)("bad input gets a coded client error (%s store)", (kind) => {
  let t: TestApp;
  let images: ImageHost;
  let other: http.Server;
  let imagesPort = 0;
  let otherPort = 0;

  beforeAll(async () => {
    // an allow-listed image host on one port, which redirects to the same host's other port (and into other places)
    other = http.createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(100, 1)));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    otherPort = (other.address() as AddressInfo).port;
    const png = await toPng(solidRgb(32, 24, [180, 40, 40]));
    const redirect = (location: string) => ({ status: 302, headers: { location } });
    images = await startImageHost({
      "/photo.png": redirect(`http://127.0.0.1:${otherPort}/internal.png`),
      "/plain.png": { headers: { "content-type": "image/png" }, body: Buffer.alloc(100, 1) },
      "/ok.png": { headers: { "content-type": "image/png" }, body: png },
      "/to-file": redirect("file:///etc/passwd"),
      "/to-data": redirect(`data:image/png;base64,${Buffer.from(png).toString("base64")}`),
      "/to-v6": redirect(`http://[::1]:${otherPort}/internal.png`),
      "/to-localhost": redirect(`http://localhost:${otherPort}/internal.png`),
      "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
      "/loop": redirect("/loop"),
      "/page.html": { headers: { "content-type": "text/html" }, body: "<html><body>not an image</body></html>" },
      "/huge.png": { headers: { "content-type": "image/png", "content-length": String(30 * 1024 * 1024) }, body: png },
      "/bomb.png": { headers: { "content-type": "image/png" }, body: pngDeclaring(png, 100_000, 100_000) },
    });
    imagesPort = Number(new URL(images.url).port);
    t = await startTestApp(kind, { env: { VITRINE_IMAGE_FETCH_ALLOW: `127.0.0.1:${imagesPort}`, VITRINE_MODEL_PATH: TINY_MODEL } });
    await t.drain();
  });
  afterAll(async () => {
    await t?.stop();
    await images?.close();
    other?.closeAllConnections();
    await new Promise((r) => other?.close(r));
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
  describe("60 crafted requests, each answered with a coded error (or a rejected row) and nothing internal", () => {
    const SEARCH_URL = `query($u: String) { searchByImage(image: { url: $u }, first: 2) { embeddingVersion } }`;
    const SEARCH_IMAGE = `query($i: ImageInput!) { searchByImage(image: $i, first: 2) { embeddingVersion } }`;
    const ATTACH = `mutation($id: ID!, $i: ImageInput!) { attachArtworkImage(input: { id: $id, image: $i }) { artwork { id } } }`;
    const CREATE = `mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id title } } }`;
    const IMPORT = `mutation($rows: [ArtworkImportRowInput!]!) { importArtworks(input: { rows: $rows }) { created { index } rejected { index code field message } } }`;
    const SAFE_ROW = { sourceId: "safe", source: "bad-input", title: "Safe row" };
    const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");
    let work = "";
    let artist = "";
    let readerKey = "";
    let png: Uint8Array = new Uint8Array();
    let rssBefore = 0;

    /** One answer: HTTP status, the errors and the body as text. */
    interface Answer {
      readonly status: number;
      readonly errors?: { message: string; extensions?: { code?: string; field?: string } }[];
      readonly data?: any;
      readonly raw: string;
    }
    /** A request sent as raw HTTP (bodies and headers gql would not send). */
    async function post(body: string | Uint8Array, headers: Record<string, string> = { "content-type": "application/json" }): Promise<Answer> {
      const res = await fetch(`${t.url}/graphql`, { method: "POST", headers, body: body as BodyInit });
      const raw = await res.text();
      let parsed: { errors?: Answer["errors"]; data?: unknown } = {};
      try {
        parsed = JSON.parse(raw);
      } catch {
        // not JSON: the checks below fail on the missing code
      }
      return { status: res.status, errors: parsed.errors, data: parsed.data, raw };
    }
    const url = (u: string) => () => t.gql(SEARCH_URL, { u });
    const at = (p: string) => `http://127.0.0.1:${imagesPort}${p}`;
    /** An importArtworks call whose second row is at fault; the first goes in. */
    const importRow = (extra: Record<string, unknown>) => () => t.admin(IMPORT, { rows: [{ ...SAFE_ROW, sourceId: `safe-${Math.random()}` }, { sourceId: `bad-${Math.random()}`, title: "Bad row", ...extra }] });

    interface BadCase {
      /** What is sent. */
      readonly name: string;
      readonly send: () => Promise<Answer>;
      /** HTTP status expected (200 unless said). */
      readonly status?: number;
      /** extensions.code of the first error; for an import, the code of the rejected row. */
      readonly code: string;
      /** extensions.field (or the rejected row's field) when an input is at fault. */
      readonly field?: string;
      readonly message?: RegExp;
      /** The answer is an importArtworks payload: the bad row comes back as data. */
      readonly row?: boolean;
    }
    const bodyWithoutImage = (bytes: number) => JSON.stringify({ query: `query($t: [String!]) { artworks(first: 1, filter: { departments: $t }) { totalCount } }`, variables: { t: Array.from({ length: Math.ceil(bytes / 6) }, () => "abc") } });

    const CASES: BadCase[] = [
      // HTTP: bodies and content types
      { name: "malformed JSON", send: () => post(`{"query": "{ artworks { totalCount } }"`), status: 400, code: "BAD_REQUEST" },
      { name: "JSON that is not an object (a number)", send: () => post("42"), status: 400, code: "BAD_REQUEST" },
      { name: "JSON null", send: () => post("null"), status: 400, code: "BAD_REQUEST" },
      { name: "a query that is not a string", send: () => post(JSON.stringify({ query: 42 })), status: 400, code: "BAD_REQUEST" },
      { name: "variables that are a string", send: () => post(JSON.stringify({ query: "{ __typename }", variables: "x" })), status: 400, code: "BAD_REQUEST" },
      { name: "an empty body", send: () => post(""), status: 400, code: "BAD_REQUEST" },
      { name: "text/plain body (a cross-site form)", send: () => post(JSON.stringify({ query: "{ __typename }" }), { "content-type": "text/plain" }), status: 400, code: "BAD_REQUEST" },
      { name: "form-encoded body", send: () => post("query=%7B__typename%7D", { "content-type": "application/x-www-form-urlencoded" }), status: 400, code: "BAD_REQUEST" },
      { name: "multipart upload", send: () => post("--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{}\r\n--x--", { "content-type": "multipart/form-data; boundary=x" }), status: 400, code: "BAD_REQUEST" },
      { name: "JSON in a non-UTF-8 charset with invalid bytes", send: () => post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { "content-type": "application/json; charset=latin1" }), status: 400, code: "BAD_REQUEST" },
      { name: "a 5 MB JSON body without an image (well under the image cap)", send: () => post(bodyWithoutImage(5 * 1024 * 1024)), status: 413, code: "PAYLOAD_TOO_LARGE", message: /without an image/ },
      { name: "a body over the image cap", send: () => post(JSON.stringify({ query: SEARCH_IMAGE, variables: { i: { base64: "A".repeat(29 * 1024 * 1024) } } })), status: 413, code: "PAYLOAD_TOO_LARGE" },
      { name: "an unknown persisted-query hash", send: () => post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } })), status: 200, code: "PERSISTED_QUERY_NOT_FOUND" },
      // GraphQL documents
      { name: "an alias bomb (300 aliases)", send: () => t.gql(`{ ${Array.from({ length: 300 }, (_, i) => `a${i}: mediumCategories { count }`).join(" ")} }`), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: /aliases/ },
      { name: "an alias bomb through a fragment spread under many aliases", send: () => t.gql(`{ ${Array.from({ length: 60 }, (_, i) => `x${i}: artworks(first: 1) { ...F }`).join(" ")} } fragment F on ArtworkConnection { ${Array.from({ length: 60 }, (_, i) => `t${i}: totalCount`).join(" ")} }`), status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
      { name: "a query nested past the depth limit", send: () => t.gql(`{ ${"artworks(first: 1) { edges { node { artists { artist { ".repeat(4)}id${" } } } } }".repeat(4)} }`), status: 400, code: "GRAPHQL_VALIDATION_FAILED", message: /depth/ },
      { name: "an introspection query nested 60 levels (ofType)", send: () => t.gql(`{ __schema { types { ${"fields { type { ".repeat(30)}name${" } }".repeat(30)} } } }`), status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
      { name: "one directive repeated 500 times", send: () => t.gql(`{ __typename ${"@include(if: true) ".repeat(500)}}`), status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
      { name: "a batch of 50 operations", send: () => post(JSON.stringify(Array.from({ length: 50 }, () => ({ query: "{ __typename }" })))), status: 400, code: "BAD_REQUEST", message: /batch/ },
      { name: "a batch with an unauthenticated mutation", send: async () => { const a = await post(JSON.stringify([{ query: "{ __typename }" }, { query: `mutation { deleteArtwork(input: { id: "${work}" }) { deletedId } }` }])); const list = JSON.parse(a.raw); return { ...a, errors: list[1].errors }; }, code: "UNAUTHENTICATED" },
      { name: "an empty batch", send: () => post("[]"), status: 400, code: "BAD_REQUEST" },
      { name: "two operations and no operationName", send: () => t.gql(`query A { __typename } query B { __typename }`), status: 400, code: "OPERATION_RESOLUTION_FAILURE" },
      // page sizes and numbers
      { name: "first: 101, one past the page cap", send: () => t.gql(`{ artworks(first: 101) { totalCount } }`), code: "BAD_USER_INPUT", field: "first", message: /100/ },
      { name: "first: 1000000 (the page cap named, not a cost)", send: () => t.gql(`{ artworks(first: 1000000) { totalCount } }`), code: "BAD_USER_INPUT", field: "first", message: /100/ },
      { name: "similarArtworks first: 1000000 with diversity", send: () => t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 1000000, diversity: 0.9) { embeddingVersion } }`, { id: work }), code: "BAD_USER_INPUT", field: "first" },
      { name: "first: -1", send: () => t.gql(`{ artworks(first: -1) { totalCount } }`), code: "BAD_USER_INPUT", field: "first" },
      { name: "first: 2^31 as a literal (not an Int)", send: () => t.gql(`{ artworks(first: 2147483648) { totalCount } }`), status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
      { name: "first: 1e12 through a variable", send: () => t.gql(`query($n: Int) { artworks(first: $n) { totalCount } }`, { n: 1e12 }), status: 400, code: "BAD_USER_INPUT" },
      { name: "similarArtworks first: 101", send: () => t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 101) { embeddingVersion } }`, { id: work }), code: "BAD_USER_INPUT", field: "first" },
      { name: "a year of 10^15 in a filter", send: () => t.gql(`query($y: Int) { artworks(first: 1, filter: { yearFrom: $y }) { totalCount } }`, { y: 1e15 }), status: 400, code: "BAD_USER_INPUT" },
      { name: "NaN weights (as a string)", send: () => t.gql(`query($id: ID!, $w: Float) { similarArtworks(id: $id, weights: { image: $w }) { embeddingVersion } }`, { id: work, w: "NaN" }), status: 400, code: "BAD_USER_INPUT" },
      // ids
      { name: "similarArtworks of a malformed id", send: () => t.gql(`{ similarArtworks(id: "not an id") { embeddingVersion } }`), code: "BAD_USER_INPUT", field: "id" },
      { name: "similarArtworks of an artist's id (foreign type)", send: () => t.gql(`query($id: ID!) { similarArtworks(id: $id) { embeddingVersion } }`, { id: artist }), code: "NOT_FOUND", field: "id", message: /id of an Artist/ },
      { name: "updateArtwork of an unknown well-formed id", send: () => t.admin(`mutation { updateArtwork(input: { id: "00000000-0000-4000-8000-000000000000", artwork: { title: "x" } }) { artwork { id } } }`), code: "NOT_FOUND", field: "input.id" },
      { name: "deleteArtwork of a global id with SQL in it", send: () => t.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id }) { deletedId } }`, { id: b64(`Artwork:'; DROP TABLE "Artwork"; --`) }), code: "BAD_USER_INPUT", field: "input.id" },
      { name: "explainSimilarity with a NUL in an id", send: () => t.gql(`query($a: ID!, $b: ID!) { explainSimilarity(a: $a, b: $b) { score } }`, { a: work, b: "a\u0000b" }), code: "BAD_USER_INPUT", field: "b" },
      // strings
      { name: "SQL in a text filter (answered as data)", send: () => t.gql(`query($t: String) { artworks(first: 1, filter: { text: $t }) { totalCount } }`, { t: `' OR 1=1; DROP TABLE "Artwork"; --` }), code: "", message: /^$/ },
      { name: "LIKE wildcards and backslashes in a name filter (answered as data)", send: () => t.gql(`query($t: String) { artists(first: 1, filter: { name: $t }) { totalCount } }`, { t: "%_\\\\%" }), code: "" },
      { name: "a script tag as a title (stored as text)", send: () => t.admin(CREATE, { a: { title: `<script>alert("x")</script>'; DROP TABLE "Artwork"; --` } }), code: "" },
      { name: "NUL in an artist's name", send: () => t.admin(`mutation($n: String!) { createArtist(input: { artist: { name: $n } }) { artist { id } } }`, { n: "Ada\u0000" }), code: "BAD_USER_INPUT", field: "input.artist.name" },
      { name: "a lone surrogate in a title", send: () => t.admin(CREATE, { a: { title: "x\udfff" } }), code: "BAD_USER_INPUT", field: "input.artwork.title" },
      { name: "a lone surrogate escape in the query text", send: () => t.gql(`{ artworks(first: 1, filter: { text: "\\ud800" }) { totalCount } }`), status: 400, code: "GRAPHQL_PARSE_FAILED" },
      // images as bytes
      { name: "a truncated PNG", send: () => t.gql(SEARCH_IMAGE, { i: { base64: b64(png.subarray(0, 60)) } }), code: "BAD_USER_INPUT", field: "image.base64" },
      { name: "a polyglot: JPEG magic, then HTML", send: () => t.gql(SEARCH_IMAGE, { i: { base64: b64(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("<html><script>alert(1)</script></html>")])) } }), code: "BAD_USER_INPUT", field: "image.base64" },
      { name: "a decompression bomb (PNG declaring 100,000 × 100,000 pixels)", send: () => t.gql(SEARCH_IMAGE, { i: { base64: b64(pngDeclaring(png, 100_000, 100_000)) } }), code: "PAYLOAD_TOO_LARGE", field: "image.base64" },
      { name: "an SVG", send: () => t.gql(SEARCH_IMAGE, { i: { base64: b64(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>`) } }), code: "UNSUPPORTED_MEDIA_TYPE", field: "image.base64" },
      { name: "base64 that is not base64", send: () => t.gql(SEARCH_IMAGE, { i: { base64: "!!!! not base64 ????" } }), code: "BAD_USER_INPUT", field: "image.base64" },
      { name: "an image with both url and base64", send: () => t.gql(SEARCH_IMAGE, { i: { url: at("/ok.png"), base64: b64(png) } }), code: "BAD_USER_INPUT", field: "image" },
      { name: "a data: URL of an SVG as base64", send: () => t.admin(ATTACH, { id: work, i: { base64: `data:image/svg+xml;base64,${b64(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)}` } }), code: "UNSUPPORTED_MEDIA_TYPE", field: "input.image.base64" },
      // image URLs
      { name: "a loopback URL (another port of the allowed host)", send: url(`http://127.0.0.1:${1}/x.png`), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "link-local metadata address", send: url("http://169.254.169.254/latest/meta-data/"), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "private ranges 10/8", send: url("http://10.1.2.3/x.png"), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "private range 192.168/16 through attachArtworkImage", send: () => t.admin(ATTACH, { id: work, i: { url: "http://192.168.0.1/x.png" } }), code: "BAD_USER_INPUT", field: "input.image.url", message: /internal address/ },
      { name: "0.0.0.0", send: url("http://0.0.0.0/x.png"), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "loopback written as a decimal number", send: url("http://2130706433/x.png"), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "IPv6 loopback [::1]", send: url(`http://[::1]:${otherPort}/x.png`), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "IPv4-mapped IPv6 [::ffff:127.0.0.1]", send: url("http://[::ffff:127.0.0.1]/x.png"), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "IPv6 unique-local [fd00::1] and NAT64 of loopback", send: async () => { const a = await t.gql(SEARCH_URL, { u: "http://[fd00::1]/x.png" }); expect(a.errors?.[0].message).toMatch(/internal address/); return t.gql(SEARCH_URL, { u: "http://[64:ff9b::7f00:1]/x.png" }); }, code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "a file: URL", send: url("file:///etc/passwd"), code: "BAD_USER_INPUT", field: "image.url", message: /http/ },
      { name: "a data: URL", send: url(`data:image/png;base64,${b64(png)}`), code: "BAD_USER_INPUT", field: "image.url" },
      { name: "a URL with credentials", send: url(`http://user:secret@127.0.0.1:${imagesPort}/ok.png`), code: "BAD_USER_INPUT", field: "image.url" },
      { name: "a redirect to file:", send: () => t.gql(SEARCH_URL, { u: at("/to-file") }), code: "BAD_USER_INPUT", field: "image.url" },
      { name: "a redirect to data:", send: () => t.gql(SEARCH_URL, { u: at("/to-data") }), code: "BAD_USER_INPUT", field: "image.url" },
      { name: "a redirect to [::1]", send: () => t.gql(SEARCH_URL, { u: at("/to-v6") }), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "a redirect to localhost", send: () => t.gql(SEARCH_URL, { u: at("/to-localhost") }), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "a redirect to the metadata address, through attachArtworkImage", send: () => t.admin(ATTACH, { id: work, i: { url: at("/to-metadata") } }), code: "BAD_USER_INPUT", field: "input.image.url", message: /internal address/ },
      { name: "a redirect loop", send: () => t.gql(SEARCH_URL, { u: at("/loop") }), code: "BAD_USER_INPUT", field: "image.url", message: /redirected/ },
      { name: "DNS name resolving to loopback (localhost, /etc/hosts)", send: url(`http://localhost:${otherPort}/x.png`), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "a *.localhost name (loopback by rule, whatever DNS says)", send: url(`http://images.localhost:${otherPort}/x.png`), code: "BAD_USER_INPUT", field: "image.url", message: /internal address/ },
      { name: "an HTML page from an allowed host", send: () => t.gql(SEARCH_URL, { u: at("/page.html") }), code: "UNSUPPORTED_MEDIA_TYPE", field: "image.url" },
      { name: "an image URL declaring 30 MB", send: () => t.gql(SEARCH_URL, { u: at("/huge.png") }), code: "PAYLOAD_TOO_LARGE", field: "image.url" },
      { name: "a decompression bomb by URL", send: () => t.gql(SEARCH_URL, { u: at("/bomb.png") }), code: "PAYLOAD_TOO_LARGE", field: "image.url" },
      // credentials
      { name: "a mutation without a key", send: () => t.gql(CREATE, { a: { title: "anonymous" } }), code: "UNAUTHENTICATED" },
      { name: "a mutation with a made-up key", send: () => t.gql(CREATE, { a: { title: "forged" } }, { authorization: "Bearer vk_not_a_real_key" }), code: "UNAUTHENTICATED" },
      { name: "a mutation with a Basic authorization header", send: () => t.gql(CREATE, { a: { title: "basic" } }, { authorization: `Basic ${b64("admin:admin")}` }), code: "UNAUTHENTICATED" },
      { name: "createArtwork with a reader key", send: () => t.gql(CREATE, { a: { title: "reader" } }, { authorization: `Bearer ${readerKey}` }), code: "FORBIDDEN" },
      { name: "importArtworks with a reader key", send: () => t.gql(IMPORT, { rows: [SAFE_ROW] }, { authorization: `Bearer ${readerKey}` }), code: "FORBIDDEN" },
      // import rows: rejected as data, the other row goes in
      { name: "import row: a file: image URL", send: importRow({ imageUrl: "file:///etc/passwd" }), row: true, code: "BAD_USER_INPUT", field: "input.rows.1.imageUrl" },
      { name: "import row: a loopback image URL among imageUrls", send: importRow({ imageUrls: ["https://example.org/a.jpg", "http://127.0.0.1:9/b.jpg"] }), row: true, code: "BAD_USER_INPUT", field: "input.rows.1.imageUrls.1" },
      { name: "import row: a data: IIIF service", send: importRow({ iiifService: "data:text/plain,hello" }), row: true, code: "BAD_USER_INPUT", field: "input.rows.1.iiifService" },
      { name: "import row: a year out of range", send: importRow({ yearStart: 99999 }), row: true, code: "BAD_USER_INPUT", field: "input.rows.1.yearStart" },
      { name: "import row: an unknown medium category", send: importRow({ mediumCategory: "banana" }), row: true, code: "BAD_USER_INPUT", field: "input.rows.1.mediumCategory" },
    ];

    beforeAll(async () => {
      [work] = await someWorkIds(1);
      const a = await t.gql(`{ artists(first: 1) { edges { node { id } } } }`);
      artist = a.data.artists.edges[0].node.id;
      readerKey = (await t.app.services.apiKeys.create("bad-input reader", "READER")).secret;
      png = await toPng(solidRgb(32, 24, [180, 40, 40]));
      (globalThis as { gc?: () => void }).gc?.();
      rssBefore = process.memoryUsage().rss;
    });

    it("should hold at least 60 distinct cases", () => {
      expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
      expect(CASES.length).toBeGreaterThanOrEqual(60);
    });

    it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      const answer = await c.send();
      const messages = [...(answer.errors ?? []).map((e) => e.message), ...(c.row ? (answer.data?.importArtworks?.rejected ?? []).map((r: { message: string }) => r.message) : [])];
      for (const m of messages) expect(leakIn(m), m).toBeNull();
      if (c.row) {
        expect(answer.errors, answer.raw).toBeUndefined();
        const payload = answer.data.importArtworks;
        expect(payload.created).toEqual([{ index: 0 }]);
        expect(payload.rejected).toEqual([expect.objectContaining({ index: 1, code: c.code, field: c.field ?? null })]);
        if (c.message) expect(payload.rejected[0].message).toMatch(c.message);
        return;
      }
      expect(answer.status, answer.raw).toBe(c.status ?? 200);
      if (!c.code) {
        expect(answer.errors, answer.raw).toBeUndefined();
        return;
      }
      const [first] = answer.errors ?? [];
      expect(first?.extensions?.code, answer.raw.slice(0, 500)).toBe(c.code);
      if (c.field) expect(first.extensions?.field, first.message).toBe(c.field);
      if (c.message) expect(first.message).toMatch(c.message);
    });

    it("should reject malformed JSON Lines and CSV rows of `vitrine import` by line, code and field, and import the rest", async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-bad-import-"));
      /** Runs `vitrine import` on its own store; its exit code, output and report. */
      async function importCli(name: string, text: string, ...args: string[]) {
        const file = path.join(dir, name);
        const report = `${file}.report`;
        await writeFile(file, text);
        // a store of the kind under test, of its own
        const database = kind === "postgresql" ? await freshPostgresDatabase() : null;
        const env = { ...process.env, VITRINE_DATA_DIR: path.join(dir, `${name}.data`), VITRINE_DEMO: "0", NODE_ENV: "test", DATABASE_URL: database?.url ?? "" };
        const done = await run("node", [BIN, "import", file, "--report", report, ...args], { env })
          .then(
            (r) => ({ code: 0, stdout: r.stdout }),
            (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
          )
          .finally(() => database?.drop());
        const rejected = (await readFile(report, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { line: number; code: string; field: string | null; message: string });
        for (const r of rejected) expect(leakIn(r.message), r.message).toBeNull();
        return { ...done, rejected: rejected.map((r) => [r.line, r.code, r.field]) };
      }
      try {
        const jsonl = [
          JSON.stringify({ sourceId: "j1", title: "Good" }),
          `{"sourceId": "j2", "title": "cut off`,
          `[1, 2, 3]`,
          JSON.stringify({ sourceId: "j4" }),
          `{"sourceId": "j5", "title": "nul \\u0000 inside"}`,
          JSON.stringify({ sourceId: "j6", title: "Local file", imageUrl: "file:///etc/passwd" }),
          JSON.stringify({ sourceId: "j7", title: "Lone \ud800 surrogate" }),
          JSON.stringify({ sourceId: "j8", title: "Good too", imageUrl: "https://images.example.org/j8.jpg", imageUrls: ["https://images.example.org/j8b.jpg"] }),
          JSON.stringify({ sourceId: "j9", title: "Private", imageUrls: ["https://images.example.org/j9.jpg", "http://192.168.1.20/j9.jpg"] }),
        ].join("\n");
        // an unclosed quote runs to the end of the file (CSV quotes span lines): it comes last here
        const csv = ["sourceId,title,yearStart,imageUrl", "c1,Good,1900,", "c3,Too,many,columns,here,1900", "c4,Year,nineteen hundred,", "c5,Loopback,1900,http://[::1]/x.png", "c6,Good too,1901,", `c7,"unclosed quote,1900,`].join("\n");
        const [fromJsonl, fromCsv] = await Promise.all([importCli("rows.jsonl", jsonl), importCli("rows.csv", csv, "--format", "csv")]);
        expect(fromJsonl.code).toBe(2);
        expect(fromJsonl.stdout).toMatch(/created 2, updated 0, unchanged 0, rejected 7/);
        expect(fromJsonl.rejected).toEqual([
          [2, "BAD_USER_INPUT", null],
          [3, "BAD_USER_INPUT", "row"],
          [4, "BAD_USER_INPUT", "title"],
          [5, "BAD_USER_INPUT", "title"],
          [6, "BAD_USER_INPUT", "imageUrl"],
          [7, "BAD_USER_INPUT", "title"],
          [9, "BAD_USER_INPUT", "imageUrls[1]"],
        ]);
        expect(fromCsv.code).toBe(2);
        expect(fromCsv.stdout).toMatch(/created 2, updated 0, unchanged 0, rejected 4/);
        expect(fromCsv.rejected).toEqual([
          [3, "BAD_USER_INPUT", null],
          [4, "BAD_USER_INPUT", "yearStart"],
          [5, "BAD_USER_INPUT", "imageUrl"],
          [7, "BAD_USER_INPUT", null],
        ]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 300_000);

    it("should still answer normal queries afterwards, with memory back near where it was", async () => {
      await stillServing();
      const similar = await t.gql(SIMILAR, { id: work });
      expect(similar.errors).toBeUndefined();
      (globalThis as { gc?: () => void }).gc?.();
      const rss = process.memoryUsage().rss;
      expect(rss).toBeLessThan(rssBefore * 1.5 + 100 * 1024 * 1024);
    });
  });
});
