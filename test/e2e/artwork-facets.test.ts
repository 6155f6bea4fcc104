/** `artworkFacets` over HTTP on the demo catalogue: counts equal to our own SQL, one statement per selected facet, bad sizes refused. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

describe.each(STORE_KINDS)("artwork facets over HTTP (%s store)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t?.stop());

  /** value → count from our own GROUP BY. */
  async function ownSql(sql: string): Promise<Map<string | null, number>> {
    const rows = await t.app.db.prisma.$queryRawUnsafe<{ value: string | null; count: bigint }[]>(sql);
    return new Map(rows.map((r) => [r.value, Number(r.count)]));
  }

  it("should count departments, categories, periods and acquisition methods as our own SQL does, with and without a filter", async () => {
    const r = await t.gql(`{
      all: artworkFacets { total departments(first: 200) { value count } mediumCategories(first: 200) { category count } hasImage { value count } }
      paintings: artworkFacets(filter: { mediumCategories: [PAINTING], yearFrom: 1800, yearTo: 1899 }) {
        total periods(first: 200) { from to label count } acquisitionMethods(first: 200) { value count } nationalities(first: 3) { value count }
      }
    }`);
    expect(r.errors).toBeUndefined();
    const { all, paintings } = r.data;
    expect(all.total).toBe(1002);
    expect(new Map(all.departments.map((d: any) => [d.value, d.count]))).toEqual(await ownSql(`SELECT department AS value, count(*) FROM "Artwork" GROUP BY 1`));
    const categories = await ownSql(`SELECT "mediumCategory" AS value, count(*) FROM "Artwork" GROUP BY 1`);
    expect(all.mediumCategories.map((c: any) => c.count).reduce((a: number, b: number) => a + b)).toBe(1002);
    expect(all.mediumCategories.find((c: any) => c.category === "PAINTING").count).toBe(categories.get("painting"));
    expect(all.hasImage).toEqual([{ value: false, count: 1002 }]);

    const where = `"mediumCategory" = 'painting' AND ("yearEnd" >= 1800 OR ("yearEnd" IS NULL AND "yearStart" >= 1800)) AND ("yearStart" <= 1899 OR ("yearStart" IS NULL AND "yearEnd" <= 1899))`;
    const [{ n }] = await t.app.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "Artwork" WHERE ${where}`);
    expect(paintings.total).toBe(Number(n));
    const decades = await ownSql(`SELECT (floor(coalesce("yearStart", "yearEnd") / 10.0) * 10)::int::text AS value, count(*) FROM "Artwork" WHERE ${where} GROUP BY 1`);
    expect(new Map(paintings.periods.map((p: any) => [String(p.from), p.count]))).toEqual(decades);
    for (const p of paintings.periods) expect(p.label).toBe(`${p.from}s`);
    const methods = await ownSql(`SELECT (SELECT method FROM "ProvenanceEvent" p WHERE p."artworkId" = w.id ORDER BY position DESC LIMIT 1) AS value, count(*) FROM "Artwork" w WHERE ${where} GROUP BY 1`);
    expect(new Map(paintings.acquisitionMethods.map((m: any) => [m.value, m.count]))).toEqual(methods);
    expect(paintings.nationalities.length).toBeLessThanOrEqual(3);
  });

  it("should send one SQL statement per selected facet", async () => {
    t.sql.reset();
    const r = await t.gql(`{ artworkFacets(filter: { departments: ["Fine Arts"] }) { departments { count } classifications { count } periods { count } } }`);
    expect(r.errors).toBeUndefined();
    expect(t.sql.count).toBe(3);
  });

  it("should refuse a facet size over the cap and ranges that end before they start with BAD_USER_INPUT", async () => {
    const r = await t.gql(`{ artworkFacets { departments(first: 500) { value } } }`);
    expect(r.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const reversed = await t.gql(`{ artworkFacets(filter: { yearFrom: 1900, yearTo: 1800 }) { total } }`);
    expect(reversed.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.yearTo" });
    const held = await t.gql(`{ artworks(filter: { provenance: { heldFrom: 1945, heldTo: 1933 } }) { totalCount } }`);
    expect(held.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.provenance.heldTo" });
  });
});
