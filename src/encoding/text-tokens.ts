/** Text normalisation for hashed features: names (owners, places, nationalities) and technique words. */

/** Words dropped from medium text before hashing: they join techniques and say nothing about them. */
export const MEDIUM_STOP_WORDS: ReadonlySet<string> = new Set([
  "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "its", "of", "on", "onto", "or",
  "other", "over", "the", "their", "to", "upon", "various", "with",
]);

function fold(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}

/**
 * A name in the form used for hashing: lower case, accents removed, punctuation as spaces, spaces
 * collapsed, a leading "the " dropped. "The Carnegie Institute, " and "carnegie  institute" agree.
 */
export function normaliseName(name: string): string {
  return fold(name)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .replace(/^the /, "");
}

/**
 * The technique words of a medium text, in order of first appearance and without repeats: lower
 * case, accents removed, stop words, single letters and bare numbers dropped.
 * "Oil on canvas" → ["oil", "canvas"]; "gelatin silver print" → ["gelatin", "silver", "print"].
 */
export function techniqueWords(medium: string): string[] {
  const out: string[] = [];
  for (const w of fold(medium).split(/[^\p{L}\p{N}]+/u)) {
    if (w.length < 2 || MEDIUM_STOP_WORDS.has(w) || /^\d+$/.test(w) || out.includes(w)) continue;
    out.push(w);
  }
  return out;
}
