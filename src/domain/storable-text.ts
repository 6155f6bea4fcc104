/**
 * Text no store can hold: a NUL character (U+0000; PostgreSQL text refuses it) or a lone UTF-16
 * surrogate (no UTF-8 form). Checked before a value reaches the database, so it is a client's mistake
 * naming its field rather than a database error.
 */

/** A NUL character, or a surrogate that is not half of a pair. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` holds a NUL character or a lone surrogate. */
export function isUnstorable(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * The path of the first string under `value` (keys included) that no store can hold, or null. Paths
 * read like the import's fields: `title`, `artists[0].name`.
 */
export function unstorablePath(value: unknown, path = ""): string | null {
  if (typeof value === "string") return isUnstorable(value) ? path || "row" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unstorablePath(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (isUnstorable(k)) return at;
      const bad = unstorablePath(v, at);
      if (bad) return bad;
    }
  }
  return null;
}
