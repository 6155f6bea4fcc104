import { describe, expect, it } from "vitest";
import { formatChange, parseChange } from "./catalogue-changes.ts";

describe("catalogue change notices", () => {
  it("carry the changed work ids and read back as the same ids", () => {
    const ids = ["7f0c3a52-1b7e-4c57-9d2a-6a4e2f1d9b10", "0b6a4d8e-23c1-4f7a-8e55-2c9d1e7f3a44"];
    expect(parseChange(formatChange(ids))).toEqual(ids);
  });

  it("say 'everything' for bulk writes and for lists too long for one notice", () => {
    expect(parseChange(formatChange("all"))).toBe("all");
    const many = Array.from({ length: 300 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    expect(formatChange(many)).toBe("*");
  });

  it("read a payload that is not a list of ids as 'everything'", () => {
    expect(parseChange("")).toBe("all");
    expect(parseChange("a b,c")).toBe("all");
  });
});
