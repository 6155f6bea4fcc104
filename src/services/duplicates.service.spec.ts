import { describe, expect, it } from "vitest";
import type { Artwork } from "../domain/artwork.ts";
import { differingFields, sameDescription } from "./duplicates.service.ts";

function work(over: Partial<Artwork> & { artistNames?: string[]; roles?: (string | null)[] } = {}): Artwork {
  const { artistNames = ["Mary Cassatt"], roles = [], ...rest } = over;
  return {
    title: "The Boating Party",
    dateText: "1893",
    yearStart: 1893,
    yearEnd: 1894,
    medium: "oil on canvas",
    classification: null,
    department: "Paintings",
    dimensionsText: null,
    accessionNumber: "1963.10.94",
    creditLine: null,
    image: null,
    artists: artistNames.map((name, i) => ({ artist: { name } as Artwork["artists"][number]["artist"], role: roles[i] ?? null, position: i })),
    ...rest,
  } as Artwork;
}

describe("differingFields", () => {
  it("should ignore case, accents and spacing, and name every field that differs", () => {
    expect(differingFields(work(), work({ title: "  the  BOATING party ", medium: "Oil on canvas" }))).toEqual([]);
    expect(differingFields(work({ artistNames: ["Édouard Manet"] }), work({ artistNames: ["Edouard  MANET."] }))).toEqual([]);
    expect(differingFields(work(), work({ title: "Boating", roles: ["workshop of"], accessionNumber: "X" }))).toEqual(["title", "attribution", "accessionNumber"]);
    expect(differingFields(work(), work({ artistNames: ["Berthe Morisot"], yearEnd: 1893 }))).toEqual(["artists", "dates"]);
  });
});

describe("sameDescription", () => {
  it("should match one work recorded twice and tell apart works that differ in title, artists or years", () => {
    expect(sameDescription(work(), work({ title: "The boating party.", accessionNumber: "other", dateText: "c. 1893" }))).toBe(true);
    expect(sameDescription(work(), work({ title: "The Boating Party II" }))).toBe(false);
    expect(sameDescription(work(), work({ artistNames: ["Mary Cassatt", "Someone Else"] }))).toBe(false);
    expect(sameDescription(work(), work({ yearStart: 1890 }))).toBe(false);
  });
});
