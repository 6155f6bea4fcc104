/**
 * Keyset (seek) pagination on one sort column plus the id as tie-break: stable under inserts, and each
 * page is one indexed query. Cursors are opaque base64url JSON `[sortValue, id]`.
 */
import { InvalidInputError } from "../../domain/errors.ts";

export type SortValue = string | number | null;

export interface KeysetColumn {
  /** Prisma field name. */
  readonly field: string;
  readonly nullable: boolean;
  /** Turns a stored value into its JSON form and back (dates as ISO strings). */
  readonly toCursor: (v: unknown) => SortValue;
  readonly fromCursor: (v: SortValue) => unknown;
}

export function encodeCursor(value: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

export function decodeCursor(cursor: string, argName: string): [SortValue, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "string" && ["string", "number"].includes(typeof parsed[0]) || (Array.isArray(parsed) && parsed[0] === null && typeof parsed[1] === "string")) {
      return parsed as [SortValue, string];
    }
  } catch {
    // fall through
  }
  throw new InvalidInputError(argName, `"${argName}" is not a cursor from this list; pass a cursor returned in edges or pageInfo.`);
}

type Where = Record<string, unknown>;

/**
 * The condition "comes after (v, id)" in the order (column dir, nulls last, id dir), or "comes before"
 * when `before` is true.
 */
export function seekCondition(col: KeysetColumn, asc: boolean, cursor: [SortValue, string], before: boolean): Where {
  const [raw, id] = cursor;
  const forwardGt = asc !== before; // after in ASC order or before in DESC order → greater than
  const cmp = forwardGt ? "gt" : "lt";
  const value = raw === null ? null : col.fromCursor(raw);
  if (value === null) {
    if (!col.nullable) return { id: { [cmp]: id } };
    // nulls come last: after a null means later nulls; before a null means every non-null, then earlier nulls
    return before
      ? { OR: [{ [col.field]: { not: null } }, { [col.field]: null, id: { [cmp]: id } }] }
      : { [col.field]: null, id: { [cmp]: id } };
  }
  const branches: Where[] = [{ [col.field]: { [cmp]: value } }, { [col.field]: value, id: { [cmp]: id } }];
  if (col.nullable && !before) branches.push({ [col.field]: null });
  return { OR: branches };
}

/** Prisma orderBy for the page: forward order, or reversed when paging backwards with `last`. */
export function orderFor(col: KeysetColumn, asc: boolean, reversed: boolean): Where[] {
  const dirAsc = asc !== reversed;
  const dir = dirAsc ? "asc" : "desc";
  const primary = col.nullable ? { [col.field]: { sort: dir, nulls: reversed ? "first" : "last" } } : { [col.field]: dir };
  return [primary, { id: dir }];
}
