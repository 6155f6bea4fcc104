/**
 * The metadata encoder: turns what the catalogue knows about a work into a fixed-length vector whose
 * length depends only on the encoder version, never on the data (new artists or owners are hashed).
 */
import type { PaletteColour } from "../domain/artwork.ts";

/** The groups of a metadata vector, in layout order. Each group is L2-normalised on its own. */
export const METADATA_GROUP_NAMES = ["artist", "medium", "time", "provenance", "size", "palette"] as const;

/** One group of a metadata vector. */
export type MetadataGroupName = (typeof METADATA_GROUP_NAMES)[number];

/** Where one group sits inside a metadata vector. */
export interface MetadataGroupSlice {
  readonly name: MetadataGroupName;
  readonly offset: number;
  readonly length: number;
}

/** The fixed shape of one encoder version's vectors: groups in METADATA_GROUP_NAMES order, contiguous. */
export interface MetadataLayout {
  readonly version: string;
  readonly dimension: number;
  readonly groups: readonly MetadataGroupSlice[];
}

/** An artist as the encoder sees it: the stable key (hashed) and the nationality (hashed apart). */
export interface MetadataArtist {
  readonly key: string;
  readonly nationality?: string | null;
}

/** A provenance entry as the encoder sees it. `method` is one of ACQUISITION_METHODS or anything else (ignored). */
export interface MetadataProvenanceEntry {
  readonly owner?: string | null;
  readonly place?: string | null;
  readonly method?: string | null;
}

/**
 * The fields of a work the metadata encoder reads: a narrow view of `Artwork`, so encoders can be fed
 * from the domain, an import row or a test without building a whole work. Every field may be absent;
 * an absent group encodes as zeros.
 */
export interface MetadataInput {
  readonly artists?: readonly MetadataArtist[];
  readonly mediumCategory?: string | null;
  /** Free text such as "oil on canvas" or "gelatin silver print". */
  readonly medium?: string | null;
  /** Negative for BCE. A range averages over its span; one end alone is a point. */
  readonly yearStart?: number | null;
  readonly yearEnd?: number | null;
  readonly provenance?: readonly MetadataProvenanceEntry[];
  readonly widthCm?: number | null;
  readonly heightCm?: number | null;
  readonly depthCm?: number | null;
  /** Stands in for a missing width or height (round works). */
  readonly diameterCm?: number | null;
  readonly palette?: readonly PaletteColour[];
}

/** Encodes catalogue fields into a vector of `dimension` floats laid out as `layout` says. Pure and deterministic. */
export interface MetadataEncoder {
  readonly version: string;
  readonly dimension: number;
  readonly layout: MetadataLayout;
  /** Each non-empty group has unit L2 norm; an empty group is all zeros (never NaN). */
  encode(work: MetadataInput): Float32Array;
}
