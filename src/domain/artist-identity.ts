/**
 * Who an artist is, as far as matching goes: the name normalised (accents, case, punctuation and
 * spacing folded) plus the life dates when known. Import by name and `createArtist` both derive keys
 * and find existing artists here, so "Mary Cassatt", "mary  cassatt" and "Mary Cassatt." are one
 * artist, and two "John Smith"s with different birth years are two.
 *
 * The database computes the same normalised name in the generated column `Artist.nameKey`
 * (`vitrine_name_key` in migration 20261201030000); matching compares that column, so the two must
 * fold alike (they do for Latin scripts; unaccent folds a few letters NFKD keeps, see FOLDS).
 */

/** Punctuation and spacing folded to one space: the same class as `vitrine_name_key` in SQL. */
const SEPARATORS = /[\s!-/:-@[-`{-~\u00a0-\u00bf\u2000-\u206f]+/gu;

/** Letters unaccent folds that Unicode decomposition keeps (lower-case after lower-casing). */
const FOLDS: Readonly<Record<string, string>> = { "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "ı": "i" };

/** The key of a name-derived artist starts with this; any other key is a source's artist id. */
export const NAME_KEY_PREFIX = "name:";

/** Text unaccented and lower-cased as `vitrine_fold` does in SQL: "Édouard" → "edouard". */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[øæœßđłþðı]/g, (c) => FOLDS[c] ?? c);
}

/** Folds a name for matching: "  Édouard  MANET. " → "edouard manet". */
export function nameKeyOf(name: string): string {
  return foldText(name).replace(SEPARATORS, " ").trim();
}

/** What identifies an artist: a name and whatever life dates are known. */
export interface ArtistIdentity {
  readonly name: string;
  readonly birthYear?: number | null;
  readonly deathYear?: number | null;
}

/** "name:john smith", or "name:john smith:1900-1950" / "name:john smith:1900-" when a life date is known. */
export function nameDerivedKey(identity: ArtistIdentity): string {
  const birth = identity.birthYear ?? null;
  const death = identity.deathYear ?? null;
  const dates = birth === null && death === null ? "" : `:${birth ?? ""}-${death ?? ""}`;
  return `${NAME_KEY_PREFIX}${nameKeyOf(identity.name)}${dates}`;
}

/** The key of an artist: the source's artist id when given, else derived from the name and dates. */
export function artistKeyOf(identity: ArtistIdentity & { readonly sourceArtistId?: string | null }): string {
  return identity.sourceArtistId ?? nameDerivedKey(identity);
}

/** True when the key was derived from a name (and changes with it), false for a source's artist id. */
export function isNameDerivedKey(key: string): boolean {
  return key.startsWith(NAME_KEY_PREFIX);
}

/** Two known years that differ tell two artists apart; an unknown year never does. */
function datesAgree(a: ArtistIdentity, b: ArtistIdentity): boolean {
  const same = (x?: number | null, y?: number | null) => x == null || y == null || x === y;
  return same(a.birthYear, b.birthYear) && same(a.deathYear, b.deathYear);
}

function hasDates(a: ArtistIdentity): boolean {
  return a.birthYear != null || a.deathYear != null;
}

/**
 * The existing artist a new one with this name and dates is, among `candidates` (artists with the
 * same normalised name), or undefined when it is someone new:
 * - with dates: the candidate with exactly these dates, else one whose known dates agree (an undated
 *   "John Smith" is the "John Smith, 1900–" being added), else none (another birth year: another person);
 * - without dates: the undated candidate, else the only candidate; several dated ones are ambiguous
 *   (`ambiguous` lists them so a caller can ask for dates).
 */
export function matchArtist<T extends ArtistIdentity & { readonly key: string }>(
  identity: ArtistIdentity,
  candidates: readonly T[],
): { readonly match?: T; readonly ambiguous: readonly T[] } {
  const key = nameDerivedKey(identity);
  const exact = candidates.find((c) => c.key === key);
  if (exact) return { match: exact, ambiguous: [] };
  const agreeing = candidates.filter((c) => datesAgree(identity, c));
  if (hasDates(identity)) {
    const dated = agreeing.filter(hasDates);
    const match = dated[0] ?? agreeing.find((c) => !hasDates(c));
    return { match, ambiguous: [] };
  }
  const undated = agreeing.find((c) => !hasDates(c));
  if (undated) return { match: undated, ambiguous: [] };
  if (agreeing.length === 1) return { match: agreeing[0], ambiguous: [] };
  return { ambiguous: agreeing };
}
