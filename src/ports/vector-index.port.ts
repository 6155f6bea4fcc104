/**
 * Where blended vectors live and are searched (DESIGN.md, "VectorIndex port"): the embedded adapter
 * (usearch, files in the data folder) or Qdrant. Services use only this interface, so both modes run
 * the same service code and one contract test suite (test/contract) checks both adapters.
 *
 * Scores are cosine similarities (vectors are compared by angle; stored vectors are unit length).
 * Collections are named per embedding version; readers use an alias, and every method that takes a
 * collection name also accepts an alias and resolves it.
 */

/** What is stored beside a vector, for filters and grouping. */
export interface VectorPayload {
  /** Stable keys of the work's artists (artist ids); grouping by artist uses the first. */
  readonly artistKeys: readonly string[];
  readonly mediumCategory: string | null;
  readonly department: string | null;
  readonly yearStart: number | null;
  readonly yearEnd: number | null;
  /** True when the image part of the vector came from the work's image. */
  readonly hasImage: boolean;
  readonly embeddingVersion: string;
}

/** Any-of / none-of over a keyword field. */
export interface KeywordCondition {
  readonly any?: readonly string[];
  readonly none?: readonly string[];
}

/** Conditions on the payload; all given conditions must hold. */
export interface VectorFilter {
  readonly artistKeys?: KeywordCondition;
  readonly mediumCategories?: KeywordCondition;
  /** The work is in one of these departments. */
  readonly departments?: readonly string[];
  /** The work's date range overlaps [yearFrom, yearTo] (an undated work never matches a year condition). */
  readonly yearFrom?: number;
  readonly yearTo?: number;
  readonly hasImage?: boolean;
  /** Restricts to (any) or away from (none) these point ids. */
  readonly ids?: KeywordCondition;
}

export interface VectorPoint {
  /** The artwork id (a UUID). */
  readonly id: string;
  readonly vector: Float32Array;
  readonly payload: VectorPayload;
}

export interface VectorHit {
  readonly id: string;
  /** Cosine similarity to the query, −1 … 1. */
  readonly score: number;
  readonly payload: VectorPayload;
  /** The stored vector, when the query asked for it (`withVectors`). */
  readonly vector?: Float32Array;
}

export interface VectorQuery {
  readonly vector: Float32Array;
  readonly k: number;
  readonly filter?: VectorFilter;
  /** Points never returned (the query work itself, works already liked). */
  readonly excludeIds?: readonly string[];
  /** Return each hit's stored vector too (what explaining a score needs), saving a `get`. */
  readonly withVectors?: boolean;
}

/** A search whose query is a stored point's vector (Qdrant's query by id). */
export interface NearQuery extends Omit<VectorQuery, "vector"> {
  /** The point whose vector is the query; it never appears among the hits. */
  readonly id: string;
}

/** The query point's stored vector and its nearest points. */
export interface NearResult {
  readonly vector: Float32Array;
  readonly hits: VectorHit[];
}

export interface GroupQuery extends VectorQuery {
  /** Best hits kept per group. */
  readonly groupSize: number;
}

/** The group a point belongs to in grouped search: its first artist, or the point itself when it has none. */
export function groupKeyOf(id: string, payload: VectorPayload): string {
  return payload.artistKeys[0] ?? id;
}

/** Hits of one artist (the first artist key); works without an artist form a group each. */
export interface VectorGroup {
  readonly key: string;
  readonly hits: readonly VectorHit[];
}

export type RecommendStrategy = "AVERAGE_VECTOR" | "BEST_SCORE";

/**
 * "More like these, less like those", with Qdrant's two strategies:
 * - AVERAGE_VECTOR: one search with avg(positive) + (avg(positive) − avg(negative)) (just avg(positive)
 *   without negatives); scores are cosines to that query.
 * - BEST_SCORE: each candidate is compared with every example; its score is its best positive
 *   similarity when that beats its best negative one, else −(best negative)² (Qdrant's documented
 *   best_score; both formulas live in encoding/scores.ts, which the adapters use).
 */
export interface RecommendQuery {
  readonly positive: readonly Float32Array[];
  readonly negative: readonly Float32Array[];
  readonly strategy: RecommendStrategy;
  readonly k: number;
  readonly filter?: VectorFilter;
  readonly excludeIds?: readonly string[];
  /** Return each hit's stored vector too. */
  readonly withVectors?: boolean;
}

export interface CollectionInfo {
  readonly name: string;
  readonly dimension: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface VectorIndex {
  /**
   * Creates the collection with cosine vectors of `dimension` (and its payload indexes) if missing,
   * storing `metadata` with it (vitrine keeps the embedding version there).
   */
  ensureCollection(name: string, dimension: number, metadata?: Readonly<Record<string, unknown>>): Promise<void>;
  /** A collection's (or an alias's target's) dimension and metadata; null when there is none. */
  collectionInfo(name: string): Promise<CollectionInfo | null>;
  /** Inserts or replaces points; resolves when they are durable and searchable. */
  upsert(collection: string, points: readonly VectorPoint[]): Promise<void>;
  delete(collection: string, ids: readonly string[]): Promise<void>;
  /** Stored points of these ids, in any order; unknown ids are left out. */
  get(collection: string, ids: readonly string[]): Promise<VectorPoint[]>;
  count(collection: string, filter?: VectorFilter): Promise<number>;
  /** The k nearest points that pass the filter, best first; fewer only when fewer pass. */
  search(collection: string, query: VectorQuery): Promise<VectorHit[]>;
  /**
   * The k nearest points to a stored point, as `search` with that point's vector, together with the
   * vector (one round trip where `get` then `search` would take two); null when the point is not stored.
   */
  searchNear(collection: string, query: NearQuery): Promise<NearResult | null>;
  /** The best k groups by artist, each with up to groupSize hits, best group first. */
  searchGroups(collection: string, query: GroupQuery): Promise<VectorGroup[]>;
  /** Recommendations from example vectors, best first (see RecommendQuery). */
  recommend(collection: string, query: RecommendQuery): Promise<VectorHit[]>;
  /** Points the alias at a collection (atomically replacing where it pointed before). */
  setAlias(alias: string, collection: string): Promise<void>;
  /** The collection an alias points at, or null. */
  resolveAlias(alias: string): Promise<string | null>;
  listCollections(): Promise<string[]>;
  dropCollection(name: string): Promise<void>;
  /** Every point id of a collection, in pages (reconcile). */
  ids(collection: string, after: string | null, limit: number): Promise<string[]>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}
