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
  /** Whether a cursor's value can be this column's (a cursor made under another sort cannot). */
  readonly accepts: (v: SortValue) => boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INT32 = (v: SortValue) => typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Cursor values a column of each kind accepts. */
export const CURSOR_VALUES = {
  text: (v: SortValue) => typeof v === "string" && v.length <= 10_000 && !/\u0000|[\ud800-\udfff]/.test(v),
  int: INT32,
  date: (v: SortValue) => typeof v === "string" && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)),
} as const;

export function encodeCursor(value: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

/**
 * The sort value and id of a cursor, checked against the column the list is sorted by: a cursor from
 * another list or another sort (a YEAR cursor under TITLE), or with a malformed id or date, is a
 * BAD_USER_INPUT naming `argName`, never a query.
 */
export function decodeCursor(cursor: string, argName: string, col: KeysetColumn): [SortValue, string] {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // not JSON: refused below
  }
  if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "string" && UUID.test(parsed[1])) {
    const value = parsed[0] as unknown;
    const ok = value === null ? col.nullable : (typeof value === "string" || typeof value === "number") && col.accepts(value);
    if (ok) return [value as SortValue, parsed[1]];
    throw new InvalidInputError(argName, `\`${argName}\` is a cursor from a list in another order; cursors only work with the sort they were made under. Ask for the first page again with this sort.`);
  }
  throw new InvalidInputError(argName, `\`${argName}\` is not a cursor from this list; pass a cursor returned in edges or pageInfo.`);
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
