-- Artists kept clean and real text search (issue 13, items 4 and 5).
-- Statements carry no ";" inside them: function bodies are single SQL expressions.

-- unaccent is PostgreSQL contrib; PGlite ships it too (loaded by src/adapters/prisma/database.ts).
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Unaccented and lower-cased through ICU (so Greek, Cyrillic ... fold too, in any database collation).
-- Immutable, so generated columns and indexes may use it: unaccent is called with its dictionary named.
CREATE FUNCTION vitrine_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value) COLLATE "und-x-icu") $$;

-- A name as artists are matched by it: folded, punctuation and spacing collapsed to one space.
-- The same character class as nameKeyOf in src/domain/artist-identity.ts.
CREATE FUNCTION vitrine_name_key(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT btrim(regexp_replace(vitrine_fold(value), '[\s!-/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f]+', ' ', 'g')) $$;

-- One part of a work's search document: its words in the simple (exact) and english (stemmed) configurations, weighted.
CREATE FUNCTION vitrine_search_part(value text, weight "char") RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT setweight(to_tsvector('simple'::regconfig, folded) || to_tsvector('english'::regconfig, folded), weight) FROM (SELECT coalesce(vitrine_fold(value), '') AS folded) f $$;

-- A work's search document: title (A), credited artists' names (B), medium and description (C), provenance (D).
CREATE FUNCTION vitrine_artwork_document(work uuid) RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT vitrine_search_part(a.title, 'A')
    || vitrine_search_part((SELECT string_agg(concat_ws(' ', ar.name, ar."citedName"), ' ') FROM "ArtworkArtist" c JOIN "Artist" ar ON ar.id = c."artistId" WHERE c."artworkId" = a.id), 'B')
    || vitrine_search_part(concat_ws(' ', a.medium, a.description), 'C')
    || vitrine_search_part(concat_ws(' ', a."provenanceText", (SELECT string_agg(concat_ws(' ', p.owner, p.text), ' ') FROM "ProvenanceEvent" p WHERE p."artworkId" = a.id)), 'D')
FROM "Artwork" a WHERE a.id = work
$$;

-- AlterTable: sort keys (byte order of the folded text, the same in every database) and the search document
ALTER TABLE "Artwork" ADD COLUMN "titleSort" TEXT COLLATE "C" GENERATED ALWAYS AS (vitrine_fold(title)) STORED,
ADD COLUMN "searchDocument" tsvector;

ALTER TABLE "Artist" ADD COLUMN "nameKey" TEXT COLLATE "C" GENERATED ALWAYS AS (vitrine_name_key(name)) STORED,
ADD COLUMN "nameSort" TEXT COLLATE "C" GENERATED ALWAYS AS (vitrine_fold(name)) STORED;

-- CreateIndex
CREATE INDEX "Artist_nameKey_idx" ON "Artist"("nameKey");

-- CreateIndex
CREATE INDEX "Artist_nameSort_id_idx" ON "Artist"("nameSort", "id");

-- CreateIndex
CREATE INDEX "Artwork_titleSort_id_idx" ON "Artwork"("titleSort", "id");

-- Backfill the search documents, then index them
UPDATE "Artwork" SET "searchDocument" = vitrine_artwork_document(id);

-- CreateIndex
CREATE INDEX "Artwork_searchDocument_idx" ON "Artwork" USING GIN ("searchDocument");

-- Artist keys: a name-derived key ("name:...") is derived again, now with the life dates when known
-- ("name:john smith:1900-1950"); a key from a source's artist id stays. Where several artists would
-- get one key, the one that already has it (else the oldest) takes it and the others keep theirs
-- (mergeArtists joins them). Works credited to a re-keyed artist are queued for re-embedding: the
-- metadata encoder hashes the key.
ALTER TABLE "Artist" ADD COLUMN "migrationKey" TEXT;

WITH derived AS (
  SELECT id, key, "createdAt",
         'name:' || vitrine_name_key(name) || CASE WHEN "birthYear" IS NULL AND "deathYear" IS NULL THEN ''
           ELSE ':' || coalesce("birthYear"::text, '') || '-' || coalesce("deathYear"::text, '') END AS derived_key
  FROM "Artist" WHERE key LIKE 'name:%'
), ranked AS (
  SELECT d.*, row_number() OVER (PARTITION BY derived_key ORDER BY (key = derived_key) DESC, "createdAt", id) AS n FROM derived d
)
UPDATE "Artist" a SET "migrationKey" = r.derived_key FROM ranked r
WHERE a.id = r.id AND r.n = 1 AND r.derived_key <> r.key;

-- a key still held by an artist that keeps its own is not taken
UPDATE "Artist" a SET "migrationKey" = NULL
WHERE a."migrationKey" IS NOT NULL AND EXISTS (SELECT 1 FROM "Artist" o WHERE o.key = a."migrationKey" AND o."migrationKey" IS NULL AND o.id <> a.id);

UPDATE "Artist" SET key = 'migrating:' || id WHERE "migrationKey" IS NOT NULL;

UPDATE "Artist" SET key = "migrationKey" WHERE "migrationKey" IS NOT NULL;

INSERT INTO "EmbeddingJob" ("id", "artworkId", "reason", "updatedAt")
SELECT gen_random_uuid(), w."artworkId", 'UPDATED', now()
FROM (SELECT DISTINCT c."artworkId" FROM "ArtworkArtist" c JOIN "Artist" a ON a.id = c."artistId" WHERE a."migrationKey" IS NOT NULL) w;

ALTER TABLE "Artist" DROP COLUMN "migrationKey";
