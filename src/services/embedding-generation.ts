/**
 * An embedding generation: one vector collection, the layout of its vectors and the embedding version
 * they were made with (DESIGN.md, "a change of version is a reindex into a new collection"). The index
 * service hands out the live generation (what readers use) and, during a reindex, the building one;
 * services and the worker read and write through the handle, so a collection is never paired with
 * the wrong layout or version by hand.
 */
import type { BlendLayout } from "../encoding/blend.ts";
import type { EmbeddingVersion } from "../encoding/embedding-version.ts";
import type { SimilarityWeights } from "../encoding/similarity-weights.ts";
import type {
  GroupQuery,
  NearQuery,
  NearResult,
  RecommendQuery,
  VectorFilter,
  VectorGroup,
  VectorHit,
  VectorIndex,
  VectorPoint,
  VectorQuery,
} from "../ports/vector-index.port.ts";

/** What a generation's vectors are: their version, layout and the weights they were blended with. */
export interface GenerationShape {
  /** The embedding version key (stored in every point's payload). */
  readonly versionKey: string;
  readonly layout: BlendLayout;
  readonly weights: SimilarityWeights;
  /** The full embedding version (null when the collection does not record one). */
  readonly version: EmbeddingVersion | null;
}

/** A collection of the vector index bound to what its vectors are. */
export class EmbeddingGeneration implements GenerationShape {
  readonly versionKey: string;
  readonly layout: BlendLayout;
  readonly weights: SimilarityWeights;
  readonly version: EmbeddingVersion | null;

  constructor(
    private readonly index: VectorIndex,
    /** The concrete collection (never an alias: an alias may move between two calls). */
    readonly collection: string,
    shape: GenerationShape,
  ) {
    this.versionKey = shape.versionKey;
    this.layout = shape.layout;
    this.weights = shape.weights;
    this.version = shape.version;
  }

  upsert(points: readonly VectorPoint[]): Promise<void> {
    return this.index.upsert(this.collection, points);
  }
  delete(ids: readonly string[]): Promise<void> {
    return this.index.delete(this.collection, ids);
  }
  get(ids: readonly string[]): Promise<VectorPoint[]> {
    return this.index.get(this.collection, ids);
  }
  count(filter?: VectorFilter): Promise<number> {
    return this.index.count(this.collection, filter);
  }
  search(query: VectorQuery): Promise<VectorHit[]> {
    return this.index.search(this.collection, query);
  }
  searchNear(query: NearQuery): Promise<NearResult | null> {
    return this.index.searchNear(this.collection, query);
  }
  searchGroups(query: GroupQuery): Promise<VectorGroup[]> {
    return this.index.searchGroups(this.collection, query);
  }
  recommend(query: RecommendQuery): Promise<VectorHit[]> {
    return this.index.recommend(this.collection, query);
  }
  /** Point ids after `after`, in pages (reconcile). */
  ids(after: string | null, limit: number): Promise<string[]> {
    return this.index.ids(this.collection, after, limit);
  }
}
