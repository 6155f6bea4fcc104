/**
 * Pages of a ranked list (similar works, search by image, recommendations) as Relay connections. A
 * cursor names a rank in one list: base64url of "rank:<list key>:<rank>", the list key a hash of
 * everything that decides the ranking (the query's arguments but `first` and `after`). `after`
 * continues after its rank in the same list; a cursor of another list, or past the depth, is
 * BAD_USER_INPUT naming `after`.
 */
import { createHash } from "node:crypto";
import { InvalidInputError } from "../domain/errors.ts";

/** How deep paging reaches into a ranked list: ranks 1 to 200. */
export const RANK_DEPTH = 200;

/** A stable JSON text of a value (object keys sorted; undefined left out), for hashing. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The identity of a ranked list: which query (`kind`) and everything that decides its order. */
export function rankedListKey(kind: string, identity: unknown): string {
  return createHash("sha256").update(kind).update("\0").update(canonical(identity)).digest("base64url").slice(0, 16);
}

/** The cursor of the edge at `rank` (0-based) of list `key`. */
export function rankCursor(key: string, rank: number): string {
  return Buffer.from(`rank:${key}:${rank}`).toString("base64url");
}

/** Where a page starts (0-based rank) for `after` in list `key`; BAD_USER_INPUT naming `after` for a cursor of another list or past the depth. */
export function rankAfter(after: string | null | undefined, key: string): number {
  if (after == null) return 0;
  const m = /^rank:([A-Za-z0-9_-]{16}):(\d{1,6})$/.exec(Buffer.from(after, "base64url").toString("utf8"));
  if (!m) throw new InvalidInputError("after", "This is not a cursor of a ranked list; pass an edge's `cursor` or `pageInfo.endCursor` from the same query.");
  if (m[1] !== key) {
    throw new InvalidInputError("after", "This cursor comes from another list (other arguments than `first` and `after`); page with the same arguments the cursor came from.");
  }
  const rank = Number(m[2]);
  if (rank >= RANK_DEPTH) throw new InvalidInputError("after", `Paging reaches the top ${RANK_DEPTH} ranks; this cursor is at rank ${rank + 1}.`);
  return rank + 1;
}

/** How many ranks to ask for a page of `first` from `offset`: one more than the page (to know whether one follows), within the depth. */
export function ranksFor(offset: number, first: number): number {
  return Math.min(offset + first + 1, RANK_DEPTH);
}

/**
 * The page's slice of the ranked hits, their cursors and its PageInfo. `key` may be given as a
 * function: it is then worked out (once) only when a cursor is read, so a query that selects no
 * cursor hashes nothing.
 */
export function rankedPage<T>(hits: readonly T[], key: string | (() => string), offset: number, first: number) {
  const end = Math.min(offset + first, RANK_DEPTH);
  const keyOf = typeof key === "string" ? () => key : key;
  const cursorAt = (rank: number) => rankCursor(keyOf(), rank);
  const items = hits.slice(offset, end).map((hit, i) => ({
    hit,
    get cursor() {
      return cursorAt(offset + i);
    },
  }));
  const last = offset + items.length - 1;
  return {
    items,
    pageInfo: {
      hasNextPage: hits.length > end,
      hasPreviousPage: offset > 0,
      get startCursor() {
        return items.length > 0 ? cursorAt(offset) : null;
      },
      get endCursor() {
        return items.length > 0 ? cursorAt(last) : null;
      },
    },
  };
}

/** `compute` worked out on the first call only. */
export function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}
