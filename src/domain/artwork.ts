/** Plain catalogue types shared by services, encoders and adapters. Free of GraphQL and Prisma. */
import type { ImageStatus } from "./image-request.ts";

export type Maybe<T> = T | null;

/** A person or organisation credited on works. */
export interface Artist {
  readonly id: string;
  /** Stable key for hashing and de-duplication: the source's artist id when known, else "name:" + the normalised name (+ ":birth-death" when a date is known); see artist-identity.ts. */
  readonly key: string;
  readonly name: string;
  readonly citedName: Maybe<string>;
  readonly partyType: Maybe<string>;
  readonly nationality: Maybe<string>;
  readonly birthYear: Maybe<number>;
  readonly deathYear: Maybe<number>;
  readonly birthPlace: Maybe<string>;
  readonly deathPlace: Maybe<string>;
  readonly sourceArtistId: Maybe<string>;
}

/** An artist's credit on one work. */
export interface ArtistCredit {
  readonly artist: Artist;
  readonly role: Maybe<string>;
  readonly position: number;
}

/** One entry of a work's ownership history, in order. */
export interface ProvenanceEvent {
  readonly position: number;
  readonly owner: Maybe<string>;
  readonly place: Maybe<string>;
  readonly dateText: Maybe<string>;
  readonly yearStart: Maybe<number>;
  readonly yearEnd: Maybe<number>;
  readonly method: Maybe<string>;
  /** The verbatim text of this entry. */
  readonly text: string;
}

/** One dominant colour of an image, with the share of pixels it covers (0..1). */
export interface PaletteColour {
  readonly hex: string;
  readonly weight: number;
}

/** The stored image of a work. */
export interface ArtworkImage {
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly mime: string;
  readonly width: number;
  readonly height: number;
  readonly storageKey: string;
  readonly sourceUrl: Maybe<string>;
}

/** The catalogue fields of a work (what the metadata encoder reads). */
export interface ArtworkFields {
  readonly title: string;
  readonly description: Maybe<string>;
  readonly accessionNumber: Maybe<string>;
  readonly dateText: Maybe<string>;
  readonly yearStart: Maybe<number>;
  readonly yearEnd: Maybe<number>;
  readonly medium: Maybe<string>;
  readonly mediumCategory: Maybe<string>;
  readonly classification: Maybe<string>;
  readonly dimensionsText: Maybe<string>;
  readonly widthCm: Maybe<number>;
  readonly heightCm: Maybe<number>;
  readonly depthCm: Maybe<number>;
  readonly diameterCm: Maybe<number>;
  readonly department: Maybe<string>;
  readonly creditLine: Maybe<string>;
  readonly dateAcquired: Maybe<string>;
  readonly physicalLocation: Maybe<string>;
  readonly webUrl: Maybe<string>;
  readonly provenanceText: Maybe<string>;
  readonly provenanceNotes: Maybe<string>;
  readonly license: Maybe<string>;
  readonly imageUrl: Maybe<string>;
  readonly imageUrls: readonly string[];
  readonly imageLicense: Maybe<string>;
  readonly palette: readonly PaletteColour[];
}

/** A work with its relations loaded. */
export interface Artwork extends ArtworkFields {
  readonly id: string;
  readonly source: string;
  readonly sourceId: string;
  readonly artists: readonly ArtistCredit[];
  readonly provenance: readonly ProvenanceEvent[];
  readonly image: Maybe<ArtworkImage>;
  /** Where the work's image stands (fetched at ingest, attached, or failed). */
  readonly imageStatus: ImageStatus;
  /** Why the image could not be had, when imageStatus is FAILED. */
  readonly imageProblem: Maybe<string>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The medium categories the catalogue uses (closed set; the metadata encoder one-hots them). */
export const MEDIUM_CATEGORIES = [
  "painting",
  "print",
  "drawing",
  "photograph",
  "sculpture",
  "textile",
  "ceramic",
  "decorative art",
  "furniture",
  "glass",
  "metalwork",
  "architecture",
  "video",
  "mixed media",
  "book",
  "other",
] as const;
export type MediumCategory = (typeof MEDIUM_CATEGORIES)[number];
