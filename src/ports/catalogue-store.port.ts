/**
 * The catalogue store: the source of truth for works, artists and provenance. Batched reads (by many
 * ids at once) exist so per-request loaders keep the SQL count bounded however many rows a page has.
 */
import type { Artist, ArtistCredit, Artwork, ArtworkFields, ArtworkImage, PaletteColour, ProvenanceEvent } from "../domain/artwork.ts";
import type { ImageRequest, ImageStatus } from "../domain/image-request.ts";

/** A work without its relations (what one row of a page holds). */
export type ArtworkRow = Omit<Artwork, "artists" | "provenance" | "image">;

export interface ArtworkFilter {
  /**
   * Full-text search: every word must appear (accents, case and punctuation ignored; English stems
   * match; the last word may be the start of a word) in the title, artists' names, medium,
   * description or provenance. Text with no word matches nothing.
   */
  readonly text?: string;
  readonly artistIds?: readonly string[];
  readonly mediumCategories?: readonly string[];
  readonly departments?: readonly string[];
  /** Works whose date range overlaps [yearFrom, yearTo]. */
  readonly yearFrom?: number;
  readonly yearTo?: number;
  readonly hasImage?: boolean;
  /** Matches any provenance entry's owner (case-insensitive substring; `%` and `_` match themselves). */
  readonly provenanceOwner?: string;
  /** Works with a provenance entry that meets every condition given here. */
  readonly provenance?: ProvenanceCondition;
  readonly ids?: readonly string[];
}

/** Conditions on one provenance entry; all given ones must hold for the same entry. */
export interface ProvenanceCondition {
  /** Part of the owner's name, compared in normalised form (domain/owner-name.ts) with the entry's ownerKey. */
  readonly owner?: string;
  /** Part of the place (case-insensitive substring). */
  readonly place?: string;
  /** How the entry's owner acquired the work: one of these methods. */
  readonly methods?: readonly string[];
  /**
   * The owner held the work during [heldFrom, heldTo]: the entry has a year and its range overlaps;
   * a missing start or end of the entry is open ("until 1941" may have begun any time before).
   */
  readonly heldFrom?: number;
  readonly heldTo?: number;
}

/** What a facet counts works by. */
export type ArtworkFacetName = "MEDIUM_CATEGORY" | "DEPARTMENT" | "CLASSIFICATION" | "PERIOD" | "NATIONALITY" | "ACQUISITION_METHOD" | "HAS_IMAGE";

/**
 * One value of a facet and how many matching works have it. `value` is null for works where it is
 * not recorded; PERIOD values are the first year of a decade (from 1400) or of a century (before 1400),
 * HAS_IMAGE values "true" / "false".
 */
export interface FacetBucket {
  readonly value: string | null;
  readonly count: number;
}

/** A work that shares provenance owners with another, with the IDF-like weight of what it shares. */
export interface SharedOwnersRow {
  readonly artworkId: string;
  readonly score: number;
  /** Normalised keys of the shared owners, rarest first. */
  readonly ownerKeys: readonly string[];
}

/** RELEVANCE: how well a work matches `filter.text` (best first in ASC). */
export type ArtworkSortField = "TITLE" | "YEAR" | "CREATED_AT" | "RELEVANCE";
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
  /** Substring of the name, ignoring case and accents (`%` and `_` match themselves). */
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
  /** Where the work's image comes from; null when the row names none. A changed request queues a fetch. */
  readonly image: ImageRequest | null;
  /** Imported without an image folder: an existing work whose image came from a local file keeps it as it is. */
  readonly withoutImageFolder?: boolean;
  /** SHA-256 of the normalised record; a work last imported with the same hash is left as it is. */
  readonly contentHash?: string;
}

/** What an import did with one record. */
export type ImportOutcome = "CREATED" | "UPDATED" | "UNCHANGED";

export interface ImportBatchResult {
  readonly created: number;
  readonly updated: number;
  /** Records with the content hash of the work's last import: neither written nor queued. */
  readonly unchanged: number;
  /** Each record's outcome, in the order given. */
  readonly outcomes: readonly ImportOutcome[];
  /** Each record's work id, in the order given. */
  readonly ids: readonly string[];
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
  /** For each id, the other works whose image has the same SHA-256 (identical bytes), in id order; [] when it has no image. */
  artworkIdsSharingImage(ids: readonly string[]): Promise<string[][]>;
  listArtists(filter: ArtistFilter, page: PageRequest): Promise<Page<Artist>>;
  countArtists(filter: ArtistFilter): Promise<number>;
  /** Works per artist for many artists at once (newest first), at most `limit` each. */
  artworkIdsByArtistIds(artistIds: readonly string[], limit: number): Promise<string[][]>;
  mediumCategories(): Promise<MediumCategoryCount[]>;
  /** Counts of the works matching `filter` by one facet (one SQL statement), largest first, at most `limit` values. */
  artworkFacet(filter: ArtworkFilter, facet: ArtworkFacetName, limit: number): Promise<FacetBucket[]>;
  /**
   * Works sharing a provenance owner (by ownerKey) with the work `id`, best first: each shared owner
   * counts ln(N / df) (N works with a named owner, df of them with this owner); owners on more than
   * half of those works are not counted. At most `limit` rows.
   */
  worksSharingOwners(id: string, limit: number): Promise<SharedOwnersRow[]>;

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
  /** Creates an artist; a key already taken is a ConflictError naming the artist that holds it. */
  createArtist(write: ArtistWrite): Promise<string>;
  /** Artists whose normalised name (artist-identity.ts) equals this name's, oldest first. */
  artistsByNameKey(name: string): Promise<Artist[]>;
  artistByKey(key: string): Promise<Artist | null>;
  /** How many works credit each artist. */
  creditedWorkCounts(ids: readonly string[]): Promise<number[]>;
  /**
   * Changes an artist; refreshes the search text of the works crediting it and, when `reembed`, queues
   * them for re-embedding, in one transaction. False when the artist does not exist.
   */
  updateArtist(id: string, write: Partial<ArtistWrite>, reembed: boolean): Promise<boolean>;
  /** Deletes an artist credited on no work (a credit is refused with a ConflictError). False when it does not exist. */
  deleteArtist(id: string): Promise<boolean>;
  /**
   * Moves every credit of the `merge` artists to `keep` (a work crediting several keeps the first
   * credit), deletes them, and queues the works whose credits moved for re-embedding, in one
   * transaction. Returns the ids of those works.
   */
  mergeArtists(keep: string, merge: readonly string[]): Promise<string[]>;
  /**
   * Creates or replaces works by (source, sourceId), creating missing artists by key, and enqueues their
   * embedding jobs, all in one transaction: importing the same file twice changes nothing but the jobs.
   * A work whose image request is new or changed becomes PENDING with an image fetch job in the same
   * transaction; an unchanged request leaves the image alone.
   */
  importArtworks(records: readonly ImportRecord[]): Promise<ImportBatchResult>;
  /** Sets (or replaces) a work's image and palette and enqueues its re-embedding, in one transaction. False when the work does not exist. */
  setArtworkImage(id: string, image: ArtworkImage, palette: readonly PaletteColour[]): Promise<boolean>;
  /**
   * Stores a fetched image for a work whose image request is still `request`: the image row, the
   * palette, status READY, the re-embedding job, and the fetch job removed, in one transaction.
   * False (nothing written) when the work is gone or its request changed meanwhile.
   */
  recordImageReady(id: string, request: string, image: ArtworkImage, palette: readonly PaletteColour[]): Promise<boolean>;
  /** Marks a work's image FAILED with a problem and removes its fetch job, when its request is still `request`. */
  recordImageFailed(id: string, request: string, problem: string): Promise<boolean>;
  /** Queues every FAILED image for another fetch (PENDING again, its attempts from zero); returns how many. */
  requeueFailedImages(): Promise<number>;
  /** How many works are in each image status (one grouped count). */
  imageStatusCounts(): Promise<Record<ImageStatus, number>>;
  /** The ids of the given artists that do not exist. */
  missingArtistIds(ids: readonly string[]): Promise<string[]>;
}
