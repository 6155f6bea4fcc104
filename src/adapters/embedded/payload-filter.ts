/**
 * VectorFilter as a predicate over stored payloads, for the embedded index. The semantics are the
 * port's (and the Qdrant adapter's): all conditions hold; year conditions mean "the work's date range
 * overlaps"; an undated work never matches a year condition.
 */
import type { KeywordCondition, VectorFilter, VectorPayload } from "../../ports/vector-index.port.ts";

export type PayloadPredicate = (id: string, payload: VectorPayload) => boolean;

function keywordTest(condition: KeywordCondition | undefined): ((values: readonly (string | null)[]) => boolean) | null {
  if (!condition) return null;
  const any = condition.any?.length ? new Set(condition.any) : null;
  const none = condition.none?.length ? new Set(condition.none) : null;
  if (!any && !none) return null;
  return (values) => {
    if (any && !values.some((v) => v !== null && any.has(v))) return false;
    if (none && values.some((v) => v !== null && none.has(v))) return false;
    return true;
  };
}

/** The predicate of a filter and a list of excluded ids, or null when nothing restricts. */
export function compileFilter(filter: VectorFilter | undefined, excludeIds: readonly string[] = []): PayloadPredicate | null {
  const tests: PayloadPredicate[] = [];
  const f = filter ?? {};
  const artists = keywordTest(f.artistKeys);
  if (artists) tests.push((_, p) => artists(p.artistKeys));
  const media = keywordTest(f.mediumCategories);
  if (media) tests.push((_, p) => media([p.mediumCategory]));
  if (f.departments?.length) {
    const departments = new Set(f.departments);
    tests.push((_, p) => p.department !== null && departments.has(p.department));
  }
  if (f.yearFrom !== undefined) {
    const from = f.yearFrom;
    tests.push((_, p) => p.yearEnd !== null && p.yearEnd >= from);
  }
  if (f.yearTo !== undefined) {
    const to = f.yearTo;
    tests.push((_, p) => p.yearStart !== null && p.yearStart <= to);
  }
  if (f.hasImage !== undefined) {
    const want = f.hasImage;
    tests.push((_, p) => p.hasImage === want);
  }
  const ids = keywordTest({ any: f.ids?.any, none: [...(f.ids?.none ?? []), ...excludeIds] });
  if (ids) tests.push((id) => ids([id]));
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0];
  return (id, p) => tests.every((t) => t(id, p));
}
