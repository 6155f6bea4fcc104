/**
 * The normalised form of a provenance owner's name (ProvenanceEvent.ownerKey), computed once when an
 * entry is written so that "Galerie Georges Petit", "Gallery Georges Petit" and "galerie georges-petit"
 * are one owner in filters, gaps and shared-owner rankings.
 *
 * Steps: accents removed (NFKD, combining marks dropped), lower case, "&" read as "and", every run of
 * other characters than letters and digits made one space, the words galerie / galleria / galeria /
 * galerias / galleries / galerien read as "gallery", "company" as "co", "brothers" as "bros", a
 * leading "the" dropped. An empty result is null.
 *
 * The migration 20261201040000_provenance_owner_key fills existing rows with the same steps in SQL
 * (test/integration/provenance-research.test.ts checks that both agree).
 */

const WORD_VARIANTS: Readonly<Record<string, string>> = {
  galerie: "gallery",
  galleria: "gallery",
  galeria: "gallery",
  galerias: "gallery",
  galleries: "gallery",
  galerien: "gallery",
  company: "co",
  brothers: "bros",
};

/** The normalised key of an owner's name; null for a missing or empty name. */
export function ownerKey(name: string | null | undefined): string | null {
  if (!name) return null;
  const words = name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => WORD_VARIANTS[w] ?? w);
  if (words[0] === "the") words.shift();
  return words.length ? words.join(" ") : null;
}
