import { describe, expect, it } from "vitest";
import { artistKeyOf, matchArtist, nameDerivedKey, nameKeyOf } from "./artist-identity.ts";

describe("artist identity", () => {
  it("should fold case, accents, punctuation and spacing out of a name", () => {
    expect(nameKeyOf("  Édouard  MANET. ")).toBe("edouard manet");
    expect(nameKeyOf("Cassatt, Mary")).toBe("cassatt mary");
    expect(nameKeyOf("Jean-Baptiste-Siméon Chardin")).toBe("jean baptiste simeon chardin");
    expect(nameKeyOf("Georgia O’Keeffe")).toBe("georgia o keeffe");
    expect(nameKeyOf("Asger Jørn")).toBe("asger jorn");
    expect(nameKeyOf("葛飾 北斎")).toBe("葛飾 北斎");
  });

  it("should key an artist by the source's id when given, else by name plus the known life dates", () => {
    expect(artistKeyOf({ name: "Mary Cassatt", sourceArtistId: "cmoa:123" })).toBe("cmoa:123");
    expect(nameDerivedKey({ name: "Mary Cassatt" })).toBe("name:mary cassatt");
    expect(nameDerivedKey({ name: "Mary Cassatt", birthYear: 1844, deathYear: 1926 })).toBe("name:mary cassatt:1844-1926");
    expect(nameDerivedKey({ name: "John Smith", deathYear: 1950 })).toBe("name:john smith:-1950");
  });

  it("should match a name to the artist with agreeing dates, and keep other birth years apart", () => {
    const undated = { key: "name:john smith", name: "John Smith", birthYear: null, deathYear: null };
    const born1900 = { key: "name:john smith:1900-", name: "John Smith", birthYear: 1900, deathYear: null };
    const born1950 = { key: "name:john smith:1950-", name: "John Smith", birthYear: 1950, deathYear: null };
    expect(matchArtist({ name: "John Smith", birthYear: 1900 }, [born1900, born1950]).match).toBe(born1900);
    expect(matchArtist({ name: "John Smith", birthYear: 1900, deathYear: 1970 }, [born1950, born1900]).match).toBe(born1900);
    expect(matchArtist({ name: "John Smith", birthYear: 1920 }, [born1900, born1950]).match).toBeUndefined();
    expect(matchArtist({ name: "John Smith", birthYear: 1920 }, [born1900, undated]).match).toBe(undated);
    expect(matchArtist({ name: "John Smith" }, [born1900]).match).toBe(born1900);
    expect(matchArtist({ name: "John Smith" }, [born1900, undated]).match).toBe(undated);
    const ambiguous = matchArtist({ name: "John Smith" }, [born1900, born1950]);
    expect(ambiguous.match).toBeUndefined();
    expect(ambiguous.ambiguous).toEqual([born1900, born1950]);
    expect(matchArtist({ name: "John Smith" }, []).match).toBeUndefined();
  });
});
