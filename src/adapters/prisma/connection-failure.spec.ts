import { describe, expect, it } from "vitest";
import { isConnectionFailure } from "./connection-failure.ts";

describe("isConnectionFailure", () => {
  it("recognises Prisma's connection codes and the driver adapter's kinds", () => {
    for (const code of ["P1001", "P1017", "P2024"]) expect(isConnectionFailure({ code, message: "x" })).toBe(true);
    expect(isConnectionFailure({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } } })).toBe(true);
    expect(isConnectionFailure({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "postgres", originalCode: "57P01" } } } })).toBe(true);
  });

  it("recognises pg's own errors: a terminated backend, a dead client, a reset socket", () => {
    expect(isConnectionFailure(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" }))).toBe(true);
    expect(isConnectionFailure(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(isConnectionFailure(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionFailure(new Error("wrapped", { cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) }))).toBe(true);
  });

  it("leaves statement errors and other failures alone", () => {
    expect(isConnectionFailure({ code: "P2002", meta: { target: ["source", "sourceId"] } })).toBe(false);
    expect(isConnectionFailure({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "postgres", originalCode: "42P01" } } } })).toBe(false);
    expect(isConnectionFailure(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isConnectionFailure(null)).toBe(false);
  });
});
