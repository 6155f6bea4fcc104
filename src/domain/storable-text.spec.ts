import { describe, expect, it } from "vitest";
import { unstorablePath } from "./storable-text.ts";

describe("unstorablePath", () => {
  it("names the first field holding a NUL character or a lone surrogate", () => {
    expect(unstorablePath({ title: "ok", artists: [{ name: "A" }, { name: "B\u0000" }] })).toBe("artists[1].name");
    expect(unstorablePath({ title: "half \ud83d pair" })).toBe("title");
    expect(unstorablePath({ title: "tail \udc00" })).toBe("title");
  });

  it("accepts paired surrogates (emoji) and ordinary text", () => {
    expect(unstorablePath({ title: "Moon 🌙", year: 1900, tags: ["a", null] })).toBeNull();
  });
});
