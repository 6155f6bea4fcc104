/**
 * Full-text search over works (migration 20261201030000): each work keeps a `searchDocument` tsvector
 * of its title (weight A), credited artists (B), medium and description (C) and provenance (D), in
 * both the `simple` (exact words) and `english` (stemmed) configurations, over unaccented lower-case
 * text. The store refreshes it in the transaction of every write that changes one of those parts.
 */
import { Prisma } from "../../generated/prisma/client.ts";

/** What runs SQL: the client or an interactive transaction. */
interface RawSql {
  $queryRaw<T>(query: Prisma.Sql): Prisma.PrismaPromise<T>;
  $executeRaw(query: Prisma.Sql): Prisma.PrismaPromise<number>;
}

/** Words searched for: letters and digits; everything else (punctuation, `%`, `_`, lone accents) only separates words. At most 32. */
export function searchWords(text: string): string[] {
  return text.normalize("NFC").split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 32);
}

/**
 * The tsquery of the words: every word must match, exactly (simple) or by its English stem; the last
 * word also as a prefix (typing "cass" finds "Cassatt"). A prefix only ever matches the start of a
 * word: "row" never matches "Growth".
 */
function tsQuery(words: readonly string[]): Prisma.Sql {
  const parts = words.map((w, i) =>
    i === words.length - 1
      ? // a word that folds to nothing would be a tsquery syntax error as a prefix: it adds no condition instead
        Prisma.sql`(CASE WHEN vitrine_fold(${w}) = '' THEN plainto_tsquery('simple', '') ELSE to_tsquery('simple', quote_literal(vitrine_fold(${w})) || ':*') END
                    || plainto_tsquery('english', vitrine_fold(${w})))`
      : Prisma.sql`(plainto_tsquery('simple', vitrine_fold(${w})) || plainto_tsquery('english', vitrine_fold(${w})))`,
  );
  return Prisma.join(parts, " && ");
}

/** The works whose search document matches the words, with their rank (ts_rank: higher is better). */
export async function matchText(db: RawSql, words: readonly string[]): Promise<Map<string, number>> {
  if (words.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string; rank: number }[]>(
    Prisma.sql`SELECT a.id::text AS id, ts_rank(a."searchDocument", q.query)::float8 AS rank
               FROM "Artwork" a, (SELECT ${tsQuery(words)} AS query) q
               WHERE a."searchDocument" @@ q.query`,
  );
  return new Map(rows.map((r) => [r.id, Number(r.rank)]));
}

/** Rebuilds the search documents of these works (after a write to them, their artists or provenance). */
export async function refreshSearchDocuments(db: RawSql, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.$executeRaw(Prisma.sql`UPDATE "Artwork" SET "searchDocument" = vitrine_artwork_document(id) WHERE id = ANY(${[...ids]}::uuid[])`);
}

/** Escapes LIKE's wildcards (`%`, `_`) and its escape character, so a substring filter matches them literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}
