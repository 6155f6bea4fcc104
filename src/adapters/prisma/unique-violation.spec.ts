import { describe, expect, it } from "vitest";
import { uniqueViolationTarget, violatesUnique } from "./unique-violation.ts";

const COLUMNS = ["source", "sourceId"] as const;

describe("violatesUnique", () => {
  it("recognises Prisma's P2002 by the columns or the index name it reports", () => {
    expect(violatesUnique({ code: "P2002", meta: { target: ["source", "sourceId"] } }, "Artwork", COLUMNS)).toBe(true);
    expect(violatesUnique({ code: "P2002", meta: { target: "Artwork_source_sourceId_key" } }, "Artwork", COLUMNS)).toBe(true);
    expect(violatesUnique({ code: "P2002", meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation", constraint: { fields: ["source", "sourceId"] } } } } }, "Artwork", COLUMNS)).toBe(true);
  });

  it("recognises the PGlite adapter's unmapped PostgreSQL 23505 by the constraint named in its message", () => {
    const e = Object.assign(new Error("x"), { name: "DriverAdapterError", cause: { kind: "postgres", code: "23505", message: 'duplicate key value violates unique constraint "Artwork_source_sourceId_key"' } });
    expect(violatesUnique(e, "Artwork", COLUMNS)).toBe(true);
  });

  it("leaves other constraints and other errors alone", () => {
    expect(violatesUnique({ code: "P2002", meta: { target: ["key"] } }, "Artwork", COLUMNS)).toBe(false);
    expect(violatesUnique({ code: "P2002", meta: { target: ["sourceId"] } }, "Artwork", COLUMNS)).toBe(false);
    const other = Object.assign(new Error("x"), { name: "DriverAdapterError", cause: { kind: "postgres", code: "23505", message: 'duplicate key value violates unique constraint "Artist_key_key"' } });
    expect(violatesUnique(other, "Artwork", COLUMNS)).toBe(false);
    expect(uniqueViolationTarget(Object.assign(new Error("x"), { name: "DriverAdapterError", cause: { kind: "postgres", code: "42P01" } }))).toBeNull();
    expect(uniqueViolationTarget(new Error("boom"))).toBeNull();
    expect(uniqueViolationTarget(null)).toBeNull();
  });
});
