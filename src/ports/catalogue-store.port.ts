/**
 * The catalogue store: the source of truth for works, artists and provenance. Batched reads (by many
 * ids at once) exist so per-request loaders keep the SQL count bounded however many rows a page has.
 */
import type { Artist, ArtistCredit, Artwork, ArtworkFields, ArtworkImage, PaletteColour, ProvenanceEvent } from "../domain/artwork.ts";

/** A work without its relations (what one row of a page holds). */
export type ArtworkRow = Omit<Artwork, "artists" | "provenance" | "image">;

export interface ArtworkFilter {
  /** Words matched against the title and the credited artists' names (case-insensitive, all words must match). */
  readonly text?: string;
  readonly artistIds?: readonly string[];
  readonly mediumCategories?: readonly string[];
  readonly departments?: readonly string[];
  /** Works whose date range overlaps [yearFrom, yearTo]. */
  readonly yearFrom?: number;
  readonly yearTo?: number;
  readonly hasImage?: boolean;
  /** Matches any provenance entry's owner (case-insensitive substring). */
  readonly provenanceOwner?: string;
  readonly ids?: readonly string[];
}

export type ArtworkSortField = "TITLE" | "YEAR" | "CREATED_AT";
export type SortDirection = "ASC" | "DESC";

export interface ArtworkSort {
  readonly field: ArtworkSortField;
  readonly direction: SortDirection;
}

/** A keyset page request: `first`/`after` forwards or `last`/`before` backwards (opaque cursors). */
export interface PageRequest {
  readonly first?: number;
  readonly after?: string;
  readonly last?: number;
  readonly before?: string;
}

export interface Page<T> {
  readonly items: readonly { readonly node: T; readonly cursor: string }[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

export interface ArtistFilter {
  /** Case-insensitive substring of the name. */
  readonly name?: string;
  readonly nationalities?: readonly string[];
}

export interface MediumCategoryCount {
  readonly name: string;
  readonly count: number;
}

/** Who made a work, as written: an existing artist with an optional role. */
export interface ArtistCreditInput {
  readonly artistId: string;
  readonly role: string | null;
}

export type ProvenanceEventInput = Omit<ProvenanceEvent, "position">;

/** Everything a create or update writes. `undefined` leaves a field unchanged on update. */
export interface ArtworkWrite {
  readonly source?: string;
  readonly sourceId?: string;
  readonly fields: Partial<Omit<ArtworkFields, "palette">>;
  readonly artists?: readonly ArtistCreditInput[];
  readonly provenance?: readonly ProvenanceEventInput[];
}

export type ArtistWrite = Omit<Artist, "id">;

/** Why a work must be (re)embedded or removed from the index; stored on the outbox job. */
export type EmbeddingReason = "CREATED" | "UPDATED" | "DELETED" | "IMAGE_CHANGED" | "REINDEX" | "IMPORTED";

/** One row of a bulk import: a whole work with its artists written out (matched or created by key). */
export interface ImportRecord {
  readonly source: string;
  readonly sourceId: string;
  readonly fields: Omit<ArtworkFields, "palette"> & { title: string };
  readonly artists: readonly { readonly artist: ArtistWrite; readonly role: string | null }[];
  readonly provenance: readonly ProvenanceEventInput[];
}

export interface ImportBatchResult {
  readonly created: number;
  readonly updated: number;
}

export interface CatalogueStore {
  artworksByIds(ids: readonly string[]): Promise<(ArtworkRow | null)[]>;
  creditsByArtworkIds(ids: readonly string[]): Promise<ArtistCredit[][]>;
  provenanceByArtworkIds(ids: readonly string[]): Promise<ProvenanceEvent[][]>;
  imagesByArtworkIds(ids: readonly string[]): Promise<(ArtworkImage | null)[]>;
  artistsByIds(ids: readonly string[]): Promise<(Artist | null)[]>;
  /** Whole works (relations loaded) for encoding; missing ids are left out. */
  loadArtworks(ids: readonly string[]): Promise<Artwork[]>;

  listArtworks(filter: ArtworkFilter, sort: ArtworkSort, page: PageRequest): Promise<Page<ArtworkRow>>;
  countArtworks(filter: ArtworkFilter): Promise<number>;
  /** Ids of the works matching a filter, at most `limit` (to narrow a vector search by catalogue conditions). */
  artworkIdsMatching(filter: ArtworkFilter, limit: number): Promise<string[]>;
  /** Every work id, a page at a time in id order (reindex, reconcile). */
  artworkIdsAfter(afterId: string | null, limit: number): Promise<string[]>;
  listArtists(filter: ArtistFilter, page: PageRequest): Promise<Page<Artist>>;
  countArtists(filter: ArtistFilter): Promise<number>;
  /** Works per artist for many artists at once (newest first), at most `limit` each. */
  artworkIdsByArtistIds(artistIds: readonly string[], limit: number): Promise<string[][]>;
  mediumCategories(): Promise<MediumCategoryCount[]>;

  /** Creates a work and its outbox job in one transaction; returns the new id. Another work with the source id: ConflictError at "sourceId". */
  createArtwork(write: ArtworkWrite & { source: string; sourceId: string }): Promise<string>;
  /**
   * Updates a work; enqueues a job in the same transaction when `reembed` is given. Returns false when
   * the work does not exist. A source/sourceId change into another work's: ConflictError at the field changed.
   */
  updateArtwork(id: string, write: ArtworkWrite, reembed: EmbeddingReason | null): Promise<boolean>;
  /** Deletes a work and enqueues the removal of its vector in the same transaction. */
  deleteArtwork(id: string): Promise<boolean>;
  findArtworkIdBySource(source: string, sourceId: string): Promise<string | null>;
  createArtist(write: ArtistWrite): Promise<string>;
  /**
   * Creates or replaces works by (source, sourceId), creating missing artists by key, and enqueues their
   * embedding jobs, all in one transaction: importing the same file twice changes nothing but the jobs.
   */
  importArtworks(records: readonly ImportRecord[]): Promise<ImportBatchResult>;
  /** Sets (or replaces) a work's image and palette and enqueues its re-embedding, in one transaction. False when the work does not exist. */
  setArtworkImage(id: string, image: ArtworkImage, palette: readonly PaletteColour[]): Promise<boolean>;
  /** The ids of the given artists that do not exist. */
  missingArtistIds(ids: readonly string[]): Promise<string[]>;
}
