import { describe, expect, it } from "vitest";
import { UnavailableError } from "../../domain/errors.ts";
import { errorOf } from "./threaded-vector-index.ts";

describe("errors that come back from the index thread", () => {
  it("should make a failing folder an outage, so embedding jobs wait instead of being given up", () => {
    for (const code of ["EIO", "ENOSPC", "EROFS", "EACCES"]) {
      const e = errorOf({ name: "Error", message: `${code}: write /data/index/x.usearch`, code });
      expect(e).toBeInstanceOf(UnavailableError);
      expect(e.message).not.toContain("/data"); // no path of the server reaches a client
    }
  });

  it("should keep an outage the thread raised an outage, and a caller's mistake its own class", () => {
    expect(errorOf({ name: "UnavailableError", message: "down" })).toBeInstanceOf(UnavailableError);
    expect(errorOf({ name: "RangeError", message: "k must be positive" })).toBeInstanceOf(RangeError);
    expect(errorOf({ name: "Error", message: "no such collection" })).not.toBeInstanceOf(UnavailableError);
  });
});
