/**
 * The importArtworks mutation over HTTP: admin only, rows created, updated, unchanged or rejected as
 * data (index, code, input path, message), unchanged rows neither written nor queued, at most 1,000 rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const IMPORT = `mutation($rows: [ArtworkImportRowInput!]!, $cmid: String) { importArtworks(input: { rows: $rows, clientMutationId: $cmid }) { clientMutationId
  created { index id } updated { index id } unchanged { index id } rejected { index code field message } } }`;

const row = (sourceId: string, extra: object = {}) => ({
  sourceId,
  source: "api-test",
  title: `Work ${sourceId}`,
  yearStart: 1900,
  artists: [{ name: "Imogen Importer", birthYear: 1870, role: "painter" }],
  dimensionsInches: { width: 10 },
  provenance: [{ text: "the artist", owner: "the artist" }],
  ...extra,
});

describe.each(STORE_KINDS)("importArtworks (%s store)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false });
  });
  afterAll(() => t?.stop());

  it("should refuse callers without an admin key", async () => {
    const r = await t.gql(IMPORT, { rows: [row("x")] });
    expect(r.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(await t.app.db.prisma.artwork.count()).toBe(0);
  });

  it("should return created, updated, unchanged and rejected rows as data", async () => {
    // text no store can hold is refused before anything is written, naming the field
    const nul = await t.admin(IMPORT, { rows: [row("a"), row("b"), row("c", { title: "bad \u0000 title" })] });
    expect(nul.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.rows.2.title" });
    expect(await t.app.db.prisma.artwork.count()).toBe(0);

    const first = await t.admin(IMPORT, { rows: [row("a"), row("b"), row("c", { title: "  " }), row("d", { yearStart: 1900, yearEnd: 1800 })] });
    expect(first.errors).toBeUndefined();
    const r1 = first.data.importArtworks;
    expect(r1.created.map((c: any) => c.index)).toEqual([0, 1]);
    expect(r1.rejected.map((p: any) => [p.index, p.code, p.field])).toEqual([
      [2, "BAD_USER_INPUT", "input.rows.2.title"],
      [3, "BAD_USER_INPUT", "input.rows.3.yearEnd"],
    ]);
    const work = await t.gql(`query($id: ID!) { node(id: $id) { ... on Artwork { title artists { name role } } } }`, { id: r1.created[0].id });
    expect(work.data.node).toMatchObject({ title: "Work a", artists: [{ name: "Imogen Importer", role: "painter" }] });
    const jobs = await t.app.db.prisma.embeddingJob.count();

    const second = (await t.admin(IMPORT, { rows: [row("a"), row("b", { title: "Work b, retitled" }), row("b")] })).data.importArtworks;
    expect(second.unchanged).toEqual([{ index: 0, id: r1.created[0].id }]);
    expect(second.updated).toEqual([{ index: 1, id: r1.created[1].id }]);
    expect(second.rejected.map((p: any) => [p.index, p.code, p.field])).toEqual([[2, "CONFLICT", "input.rows.2.sourceId"]]);
    expect(second.rejected[0].message).toMatch(/of this call/);
    // only the changed row was queued again
    expect(await t.app.db.prisma.embeddingJob.count()).toBe(jobs + 1);
  });

  it("should refuse an empty call and one over 1,000 rows with BAD_USER_INPUT on rows", async () => {
    const empty = await t.admin(IMPORT, { rows: [] });
    expect(empty.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.rows" });
    const many = await t.admin(IMPORT, { rows: Array.from({ length: 1001 }, (_, i) => ({ sourceId: `m${i}`, title: "t" })) });
    expect(many.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.rows" });
  });
});
