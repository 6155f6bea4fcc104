import { describe, expect, it } from "vitest";
import type { Artwork } from "../domain/artwork.ts";
import { MetadataEncoderV1 } from "./metadata-encoder.v1.ts";
import { metadataInputOf } from "./metadata-input.ts";

type Source = Parameters<typeof metadataInputOf>[0];

const artist = (key: string, nationality: string | null) =>
  ({ key, nationality, id: key, name: key, citedName: null, partyType: null, birthYear: null, deathYear: null, birthPlace: null, deathPlace: null, sourceArtistId: null }) satisfies Artwork["artists"][number]["artist"];

describe(metadataInputOf.name, () => {
  it("should take artist keys and nationalities, provenance owners, places and methods, and the other encoded fields", () => {
    const work: Source = {
      artists: [{ artist: artist("cmoa:parties/1", "Dutch"), role: null, position: 0 }],
      provenance: [{ position: 0, owner: "Macbeth Gallery", place: "New York", dateText: null, yearStart: null, yearEnd: null, method: "purchase", text: "Macbeth Gallery, New York" }],
      mediumCategory: "painting",
      medium: "oil on panel",
      yearStart: 1650,
      yearEnd: 1655,
      widthCm: 40,
      heightCm: 50,
      depthCm: null,
      diameterCm: null,
      palette: [{ hex: "#aa3322", weight: 1 }],
    };
    const input = metadataInputOf(work);
    expect(input).toEqual({
      artists: [{ key: "cmoa:parties/1", nationality: "Dutch" }],
      provenance: [{ owner: "Macbeth Gallery", place: "New York", method: "purchase" }],
      mediumCategory: "painting",
      medium: "oil on panel",
      yearStart: 1650,
      yearEnd: 1655,
      widthCm: 40,
      heightCm: 50,
      depthCm: null,
      diameterCm: null,
      palette: [{ hex: "#aa3322", weight: 1 }],
    });
    const v = new MetadataEncoderV1().encode(input);
    expect(v.every(Number.isFinite)).toBe(true);
  });
});
