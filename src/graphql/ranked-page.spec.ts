import { describe, expect, it } from "vitest";
import { isDomainError } from "../domain/errors.ts";
import { RANK_DEPTH, rankAfter, rankCursor, rankedListKey, rankedPage, ranksFor } from "./ranked-page.ts";

const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return isDomainError(e) ? { code: e.code, field: e.field, message: e.message } : e;
  }
  return null;
};

describe("ranked pages", () => {
  it("should key a list by its arguments whatever their key order, and tell different arguments apart", () => {
    const a = rankedListKey("similarArtworks", { id: "x", weights: { image: 1, metadata: 0 }, filter: undefined });
    expect(rankedListKey("similarArtworks", { weights: { metadata: 0, image: 1 }, id: "x" })).toBe(a);
    expect(rankedListKey("similarArtworks", { id: "x", weights: { image: 1, metadata: 0.1 } })).not.toBe(a);
    expect(rankedListKey("recommendations", { id: "x", weights: { image: 1, metadata: 0 } })).not.toBe(a);
  });

  it("should continue after a cursor's rank, and cut pages that meet without repeats or gaps up to the depth", () => {
    const key = rankedListKey("k", {});
    const hits = Array.from({ length: 250 }, (_, i) => i);
    const seen: number[] = [];
    let after: string | null = null;
    for (let n = 0; n < 20; n++) {
      const offset = rankAfter(after, key);
      const page = rankedPage(hits.slice(0, ranksFor(offset, 30)), key, offset, 30);
      seen.push(...page.items.map((i) => i.hit));
      expect(page.pageInfo.hasPreviousPage).toBe(offset > 0);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(hits.slice(0, RANK_DEPTH));
  });

  it("should refuse a cursor of another list, a foreign string, or one past the depth, naming after", () => {
    const key = rankedListKey("k", { id: 1 });
    expect(errorOf(() => rankAfter(rankCursor(rankedListKey("k", { id: 2 }), 3), key))).toMatchObject({ code: "BAD_USER_INPUT", field: "after", message: expect.stringMatching(/another list/) });
    expect(errorOf(() => rankAfter("WzEsMl0", key))).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect(errorOf(() => rankAfter(rankCursor(key, RANK_DEPTH), key))).toMatchObject({ code: "BAD_USER_INPUT", field: "after", message: expect.stringMatching(/top 200/) });
    expect(rankAfter(rankCursor(key, RANK_DEPTH - 1), key)).toBe(RANK_DEPTH);
  });
});
