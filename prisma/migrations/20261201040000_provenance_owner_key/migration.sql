-- AlterTable
ALTER TABLE "ProvenanceEvent" ADD COLUMN     "ownerKey" TEXT;

-- CreateIndex
CREATE INDEX "ProvenanceEvent_ownerKey_idx" ON "ProvenanceEvent"("ownerKey");

-- Existing rows: the owner's name normalised as src/domain/owner-name.ts does (accents off, lower case,
-- "&" as "and", other characters than letters and digits as one space, gallery / company / brothers
-- variants, a leading "the" dropped); new rows get it from the application when written
UPDATE "ProvenanceEvent" SET "ownerKey" = NULLIF(btrim(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(
      btrim(regexp_replace(replace(lower(translate("owner",
        'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿŠšŽžČčĆćŘřŚśĚěŇňŤťĎďŮů',
        'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyySsZzCcCcRrSsEeNnTtDdUu')), '&', ' and '), '[^[:alnum:]]+', ' ', 'g')),
      '\m(galerie|galleria|galerias|galeria|galleries|galerien)\M', 'gallery', 'g'),
      '\mcompany\M', 'co', 'g'),
      '\mbrothers\M', 'bros', 'g'),
    '^the( |$)', '')), '')
WHERE "owner" IS NOT NULL;
