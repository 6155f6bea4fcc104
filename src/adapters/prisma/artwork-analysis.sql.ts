/**
 * Raw SQL for what Prisma's query builder cannot express in one statement: facet counts (GROUP BY over
 * computed values and joins) and shared-owner ranking. `artworkFilterSql` is the SQL twin of the
 * Prisma `artworkWhere` in prisma-catalogue-store.ts: the same conditions on the work aliased `w`
 * (test/integration/artwork-facets.test.ts checks that both count the same works). Values are always
 * bound parameters.
 */
import { Prisma } from "../../generated/prisma/client.ts";
import { ownerKey } from "../../domain/owner-name.ts";
import type { ArtworkFacetName, ArtworkFilter, ProvenanceCondition } from "../../ports/catalogue-store.port.ts";

/** A LIKE pattern that matches `text` anywhere, with LIKE's own characters escaped. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const inList = (values: readonly (string | number)[]) => (values.length ? Prisma.sql`IN (${Prisma.join(values)})` : Prisma.sql`IN (NULL)`);

function provenanceSql(c: ProvenanceCondition): Prisma.Sql {
  const and: Prisma.Sql[] = [Prisma.sql`p."artworkId" = w."id"`];
  if (c.owner !== undefined) and.push(Prisma.sql`p."ownerKey" LIKE ${containing(ownerKey(c.owner) ?? "")}`);
  if (c.place) and.push(Prisma.sql`p."place" ILIKE ${containing(c.place)}`);
  if (c.methods) and.push(Prisma.sql`p."method" ${inList(c.methods)}`);
  if (c.heldFrom !== undefined || c.heldTo !== undefined) {
    and.push(Prisma.sql`(p."yearStart" IS NOT NULL OR p."yearEnd" IS NOT NULL)`);
    if (c.heldFrom !== undefined) and.push(Prisma.sql`(p."yearEnd" IS NULL OR p."yearEnd" >= ${c.heldFrom})`);
    if (c.heldTo !== undefined) and.push(Prisma.sql`(p."yearStart" IS NULL OR p."yearStart" <= ${c.heldTo})`);
  }
  return Prisma.sql`EXISTS (SELECT 1 FROM "ProvenanceEvent" p WHERE ${Prisma.join(and, " AND ")})`;
}

/**
 * The filter as a SQL condition on `"Artwork" w` (TRUE when it has no condition). `text` is not read
 * here: full-text search runs first (text-search.ts) and the caller passes its matches as `ids`, as
 * the list queries do.
 */
export function artworkFilterSql(f: ArtworkFilter): Prisma.Sql {
  if (f.text?.trim()) throw new Error("artworkFilterSql: resolve filter.text to ids first (full-text search)");
  const and: Prisma.Sql[] = [];
  if (f.ids) and.push(Prisma.sql`w."id"::text ${inList(f.ids)}`);
  if (f.artistIds) and.push(Prisma.sql`EXISTS (SELECT 1 FROM "ArtworkArtist" aa WHERE aa."artworkId" = w."id" AND aa."artistId"::text ${inList(f.artistIds)})`);
  if (f.mediumCategories) and.push(Prisma.sql`w."mediumCategory" ${inList(f.mediumCategories)}`);
  if (f.departments) and.push(Prisma.sql`w."department" ${inList(f.departments)}`);
  if (f.yearFrom !== undefined) and.push(Prisma.sql`(w."yearEnd" >= ${f.yearFrom} OR (w."yearEnd" IS NULL AND w."yearStart" >= ${f.yearFrom}))`);
  if (f.yearTo !== undefined) and.push(Prisma.sql`(w."yearStart" <= ${f.yearTo} OR (w."yearStart" IS NULL AND w."yearEnd" <= ${f.yearTo}))`);
  if (f.hasImage !== undefined) and.push(Prisma.sql`${Prisma.raw(f.hasImage ? "" : "NOT ")}EXISTS (SELECT 1 FROM "Image" i WHERE i."artworkId" = w."id")`);
  if (f.provenanceOwner) and.push(Prisma.sql`EXISTS (SELECT 1 FROM "ProvenanceEvent" p WHERE p."artworkId" = w."id" AND p."owner" ILIKE ${containing(f.provenanceOwner)})`);
  if (f.provenance) and.push(provenanceSql(f.provenance));
  return and.length ? Prisma.join(and, " AND ") : Prisma.sql`TRUE`;
}

/**
 * One facet's counts as a single statement returning (value text, count bigint). PERIOD buckets a
 * work by its first known year (yearStart, else yearEnd): decades from 1400, centuries before.
 * NATIONALITY counts a work once under each distinct nationality of its artists, and under null when
 * none of its artists has one. ACQUISITION_METHOD is the method of the work's last provenance entry
 * (the entry by which the holder, usually the museum, acquired it); null when there is none or it
 * names no method.
 */
export function facetSql(facet: ArtworkFacetName, filter: ArtworkFilter, limit: number): Prisma.Sql {
  const where = artworkFilterSql(filter);
  const order = Prisma.sql`ORDER BY count DESC, value ASC NULLS LAST LIMIT ${limit}`;
  const column = (name: string) => Prisma.sql`SELECT w.${Prisma.raw(`"${name}"`)} AS value, COUNT(*) AS count FROM "Artwork" w WHERE ${where} GROUP BY 1 ${order}`;
  switch (facet) {
    case "MEDIUM_CATEGORY":
      return column("mediumCategory");
    case "DEPARTMENT":
      return column("department");
    case "CLASSIFICATION":
      return column("classification");
    case "HAS_IMAGE":
      return Prisma.sql`SELECT (EXISTS (SELECT 1 FROM "Image" i WHERE i."artworkId" = w."id"))::text AS value, COUNT(*) AS count FROM "Artwork" w WHERE ${where} GROUP BY 1 ${order}`;
    case "PERIOD":
      return Prisma.sql`SELECT (CASE WHEN y IS NULL THEN NULL WHEN y >= 1400 THEN FLOOR(y / 10.0) * 10 ELSE FLOOR(y / 100.0) * 100 END)::int::text AS value, COUNT(*) AS count
        FROM (SELECT COALESCE(w."yearStart", w."yearEnd") AS y FROM "Artwork" w WHERE ${where}) t GROUP BY 1 ${order}`;
    case "NATIONALITY":
      return Prisma.sql`WITH m AS (SELECT w."id" FROM "Artwork" w WHERE ${where}),
        n AS (SELECT DISTINCT m."id", ar."nationality" FROM m JOIN "ArtworkArtist" aa ON aa."artworkId" = m."id" JOIN "Artist" ar ON ar."id" = aa."artistId" WHERE ar."nationality" IS NOT NULL)
        SELECT value, count FROM (
          SELECT n."nationality" AS value, COUNT(*) AS count FROM n GROUP BY 1
          UNION ALL
          SELECT NULL, COUNT(*) FROM m WHERE NOT EXISTS (SELECT 1 FROM n WHERE n."id" = m."id") HAVING COUNT(*) > 0
        ) t ${order}`;
    case "ACQUISITION_METHOD":
      return Prisma.sql`SELECT last."method" AS value, COUNT(*) AS count FROM "Artwork" w
        LEFT JOIN LATERAL (SELECT p."method" FROM "ProvenanceEvent" p WHERE p."artworkId" = w."id" ORDER BY p."position" DESC LIMIT 1) last ON TRUE
        WHERE ${where} GROUP BY 1 ${order}`;
  }
}

/** Works sharing owners with one work, ranked by Σ ln(N / df) over shared owners (see CatalogueStore.worksSharingOwners). */
export function sharedOwnersSql(id: string, limit: number): Prisma.Sql {
  return Prisma.sql`WITH keys AS (SELECT DISTINCT p."ownerKey" AS k FROM "ProvenanceEvent" p WHERE p."artworkId" = ${id}::uuid AND p."ownerKey" IS NOT NULL),
    total AS (SELECT COUNT(DISTINCT p."artworkId")::float8 AS n FROM "ProvenanceEvent" p WHERE p."ownerKey" IS NOT NULL),
    df AS (SELECT p."ownerKey" AS k, COUNT(DISTINCT p."artworkId")::float8 AS df FROM "ProvenanceEvent" p JOIN keys ON keys.k = p."ownerKey" GROUP BY 1),
    weights AS (SELECT df.k, LN(total.n / df.df) AS idf FROM df, total WHERE df.df * 2 <= total.n),
    shared AS (SELECT DISTINCT p."artworkId", p."ownerKey" AS k FROM "ProvenanceEvent" p JOIN weights ON weights.k = p."ownerKey" WHERE p."artworkId" <> ${id}::uuid)
    SELECT shared."artworkId"::text AS "artworkId", SUM(weights.idf) AS score, ARRAY_AGG(shared.k ORDER BY weights.idf DESC, shared.k) AS "ownerKeys"
    FROM shared JOIN weights ON weights.k = shared.k
    GROUP BY shared."artworkId" ORDER BY score DESC, shared."artworkId" LIMIT ${limit}`;
}
