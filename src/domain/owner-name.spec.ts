import { describe, expect, it } from "vitest";
import { ownerKey } from "./owner-name.ts";

describe("ownerKey", () => {
  it("should make gallery variants, case, accents and punctuation one owner", () => {
    const key = ownerKey("Galerie Georges Petit");
    expect(key).toBe("gallery georges petit");
    expect(ownerKey("Gallery Georges Petit")).toBe(key);
    expect(ownerKey("galerie georges-petit")).toBe(key);
    expect(ownerKey("GALERÍA Georges Petit.")).toBe(key);
  });

  it("should read & as and, company as co, brothers as bros and drop a leading the", () => {
    expect(ownerKey("Duveen Brothers, Inc.")).toBe(ownerKey("Duveen Bros. Inc"));
    expect(ownerKey("M. Knoedler & Co.")).toBe("m knoedler and co");
    expect(ownerKey("M. Knoedler and Company")).toBe("m knoedler and co");
    expect(ownerKey("The Art Institute")).toBe("art institute");
  });

  it("should keep different owners apart and give null for no name", () => {
    expect(ownerKey("Paul Rosenberg")).not.toBe(ownerKey("Léonce Rosenberg"));
    expect(ownerKey("Émile Zola")).toBe("emile zola");
    expect(ownerKey("  ,; ")).toBeNull();
    expect(ownerKey(null)).toBeNull();
  });
});
