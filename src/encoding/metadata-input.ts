/** Builds the metadata encoder's input from a catalogue work. */
import type { Artwork } from "../domain/artwork.ts";
import type { MetadataInput } from "../ports/metadata-encoder.port.ts";

/** The fields of a work that the metadata encoder reads (artists by key and nationality, provenance owners/places/methods). */
export function metadataInputOf(work: Pick<Artwork, "artists" | "provenance" | "mediumCategory" | "medium" | "yearStart" | "yearEnd" | "widthCm" | "heightCm" | "depthCm" | "diameterCm" | "palette">): MetadataInput {
  return {
    artists: work.artists.map((c) => ({ key: c.artist.key, nationality: c.artist.nationality })),
    mediumCategory: work.mediumCategory,
    medium: work.medium,
    yearStart: work.yearStart,
    yearEnd: work.yearEnd,
    provenance: work.provenance.map((p) => ({ owner: p.owner, place: p.place, method: p.method })),
    widthCm: work.widthCm,
    heightCm: work.heightCm,
    depthCm: work.depthCm,
    diameterCm: work.diameterCm,
    palette: work.palette,
  };
}
