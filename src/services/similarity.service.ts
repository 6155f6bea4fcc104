/**
 * Similar works, search by image, recommendations and explanations, over the VectorIndex port. Every
 * score is one of encoding/scores.ts's quantities, split into parts that add up to it: the cosine of
 * the two works' vectors blended with the request's weights (the index's when none are given), and
 * for recommendations Qdrant's AVERAGE_VECTOR or BEST_SCORE over those. Query-time weights rescale the
 * query's parts for the index search (query scaling); the hits are then scored and ranked by the
 * weighted cosine, and similar works under such weights also rank the work's stored-weight
 * neighbourhood (see BENCHMARKS.md for the recall).
 */
import type { Artwork } from "../domain/artwork.ts";
import { InvalidInputError, NotFoundError, isDomainError } from "../domain/errors.ts";
import { resolveRegion } from "../domain/image-region.ts";
import { reweightQuery, type BlendLayout, type ScoreParts } from "../encoding/blend.ts";
import { checkTimeBudget, inTurn, type TimeBudget } from "../domain/time-budget.ts";
import { ComputeLane } from "../domain/compute-lane.ts";
import { mmrPicks, type MmrCandidate } from "../encoding/mmr.ts";
import { averageQuery, bestScoreParts, cosineParts, scaleParts, weightedCosineParts } from "../encoding/scores.ts";
import { normaliseWeights, type SimilarityWeights, type SimilarityWeightsInput } from "../encoding/similarity-weights.ts";
import type { ArtworkFilter, CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { ImageCropper } from "../ports/image-cropper.port.ts";
import type { PaletteExtractor } from "../ports/palette-extractor.port.ts";
import type { VectorFilter, VectorHit } from "../ports/vector-index.port.ts";
import type { ArtworkEmbedder } from "./artwork-embedder.ts";
import type { EmbeddingGeneration } from "./embedding-generation.ts";
import { atPath, type ArtworkImageService, type ImageInputValue } from "./artwork-image.service.ts";

/** Hits asked for `withVectors`, as points (an index that leaves a vector out breaks the port). */
function withStoredVectors(hits: readonly VectorHit[], ranked = false): RankedPoint[] {
  return hits.map((h) => {
    if (!h.vector) throw new Error(`The vector index returned hit ${h.id} without its vector.`);
    return ranked ? { id: h.id, vector: h.vector, score: h.score } : { id: h.id, vector: h.vector };
  });
}

/** One scored work. `parts.total` is the score; no parts when they were not asked for (`explain: false`). */
export interface SimilarHit {
  readonly artworkId: string;
  readonly score: number;
  readonly parts: ScoreParts | null;
}

export interface SimilarResult {
  readonly hits: readonly SimilarHit[];
  readonly embeddingVersion: string;
}

export interface SimilarOptions {
  readonly k: number;
  readonly weights?: SimilarityWeightsInput | null;
  readonly filter?: ArtworkFilter;
  /** 0 (pure relevance) … 1 (most varied); MMR over a wider candidate set. */
  readonly diversity?: number | null;
  /** At most one work per artist. */
  readonly groupByArtist?: boolean | null;
  /**
   * Split each score into its parts (default true). Without them a similar-works request needs no
   * vectors from the index: scores are the index's cosines to the work's own vector.
   */
  readonly explain?: boolean;
  /**
   * How many of the k ranks the caller will read, from the best (a page's end and one more); default
   * k. A diverse ranking (MMR) picks only these: its first picks are the same whatever k is.
   */
  readonly picks?: number;
  /** The request's time for heavy work; a diverse ranking still running when it is spent fails with QUERY_TOO_EXPENSIVE. */
  readonly budget?: TimeBudget;
}

export type RecommendationStrategy = "AVERAGE_VECTOR" | "BEST_SCORE";

export interface RecommendOptions {
  readonly positive: readonly string[];
  readonly negative?: readonly string[];
  readonly excludeArtistIds?: readonly string[];
  readonly excludeMediumCategories?: readonly string[];
  readonly excludeArtworkIds?: readonly string[];
  readonly strategy: RecommendationStrategy;
  readonly k: number;
  readonly filter?: ArtworkFilter;
  readonly weights?: SimilarityWeightsInput | null;
  /** The request's share of heavy work (its turns at the index, its deadline). */
  readonly budget?: TimeBudget;
}

/** Where readers find the live generation (VectorIndexService). */
export interface IndexTarget {
  /** The generation queries read (another version's while a reindex is being built). */
  live(): EmbeddingGeneration;
  /** Throws UnavailableError while the live collection holds another embedding version's vectors. */
  assertLive(): void;
}

export interface SimilarityLimits {
  readonly maxK: number;
  /** Filters on text or provenance owner are resolved to at most this many works first. */
  readonly maxPrefilterIds: number;
}

const CANDIDATE_FACTOR = 4;
/**
 * Extra hits asked of the index beyond k: a work deleted in the last moments keeps its vector until
 * the worker removes it, and is dropped from results at read time (dropDeleted).
 */
const DELETED_MARGIN = 4;
/** Works around the query work (stored weights) also ranked when query-time weights are given. */
const STORED_NEIGHBOURHOOD = 40;

/** A candidate's score and its parts (encoding/scores.ts), from its stored vector. */
type Scorer = (vector: Float32Array) => ScoreParts;

/** A candidate with its stored vector, and its score when already worked out. */
interface RankedPoint {
  readonly id: string;
  readonly vector: Float32Array;
  readonly score?: number;
}

/** What a ranking asks the index: where, which works, how many candidates; and how much variety. */
interface Plan {
  readonly generation: EmbeddingGeneration;
  readonly filter: VectorFilter | undefined;
  readonly wide: number;
  readonly diversity: number;
  /** Score parts wanted. */
  readonly explain: boolean;
  /** Ranks the caller reads (SimilarOptions.picks). */
  readonly picks: number;
  readonly budget: TimeBudget | undefined;
}

export class SimilarityService {
  constructor(
    private readonly target: IndexTarget,
    private readonly embedder: ArtworkEmbedder,
    private readonly store: CatalogueStore,
    private readonly images: ArtworkImageService,
    private readonly palettes: PaletteExtractor,
    /** Cuts out the region of a search image (search by a detail). */
    private readonly cropper: ImageCropper,
    private readonly limits: SimilarityLimits = { maxK: 100, maxPrefilterIds: 20_000 },
    /** Where diverse rankings compute, in slices that take turns with every other request's. */
    private readonly lane: ComputeLane = new ComputeLane(),
  ) {}

  /** The embedding version of the vectors queries read. */
  get embeddingVersion(): string {
    return this.target.live().versionKey;
  }

  /** Works most like `artworkId` (never itself), best first. */
  async similarTo(artworkId: string, options: SimilarOptions): Promise<SimilarResult> {
    const plan = await this.plan(options);
    if (!options.weights && !options.groupByArtist) {
      // the usual request: the work's stored vector as it is is the query, so the index finds the
      // work and its neighbours in one call (null: not indexed yet, embedded below); the hits' vectors
      // only when parts or MMR need them
      const vectors = plan.explain || plan.diversity > 0;
      const near = await inTurn(plan.budget, () => plan.generation.searchNear({ id: artworkId, k: plan.wide, filter: plan.filter, withVectors: vectors }));
      if (near) {
        // the index may still hold the vector of a work deleted a moment ago: the work and its hits
        // are checked against the catalogue in one read
        const hits = await this.dropDeleted(near.hits, artworkId);
        // with parts, the hits keep the index's order: the same ranks (and cursors) as without them
        return vectors ? this.finish(this.scorer(near.vector, null), withStoredVectors(hits, true), options.k, plan) : this.asFound(hits, options.k);
      }
    }
    const [vector] = await this.vectorsOf([artworkId], "id", plan.budget);
    if (options.weights && !options.groupByArtist) return this.rankReweighted(vector, options, artworkId, plan);
    return this.rank(this.weighted(vector, options.weights), this.scorer(vector, options.weights), options, [artworkId], plan);
  }

  /**
   * Similar works under query-time weights: the re-weighted query's own top hits together with the
   * work's neighbourhood under the stored weights, all ranked by the re-weighted score. The graph was
   * built on stored-weight vectors; a query that shrinks or drops a part can be routed away from the
   * works that score best under it, while the stored vector reliably reaches them (BENCHMARKS.md,
   * "Query-time weights": artist-only weights 0.91–0.93 recall@10 with the re-weighted search alone).
   */
  private async rankReweighted(stored: Float32Array, options: SimilarOptions, artworkId: string, plan: Plan): Promise<SimilarResult> {
    checkTimeBudget(plan.budget);
    const query = this.weighted(stored, options.weights);
    const around = Math.min(Math.max(STORED_NEIGHBOURHOOD, CANDIDATE_FACTOR * options.k), this.limits.maxK * CANDIDATE_FACTOR);
    const common = { filter: plan.filter, excludeIds: [artworkId], withVectors: true };
    const [own, near] = await Promise.all([
      inTurn(plan.budget, () => plan.generation.search({ vector: query, k: plan.wide, ...common })),
      inTurn(plan.budget, () => plan.generation.search({ vector: stored, k: around, ...common })),
    ]);
    const points = withStoredVectors(await this.dropDeleted([...new Map([...own, ...near].map((h) => [h.id, h])).values()]));
    const scorer = this.scorer(stored, options.weights);
    const ranked = points.map((p) => ({ ...p, score: scorer(p.vector).total })).sort((a, b) => b.score - a.score);
    return this.finish(scorer, ranked, options.k, plan);
  }

  /**
   * Works that look most like an image (and share its colours); with `input.region`, like that part
   * of it: the region (pixels or IIIF percentages of the image as displayed) is cut out first, and
   * both the embedding and the palette come from the crop.
   */
  async searchByImage(input: ImageInputValue, options: SimilarOptions): Promise<SimilarResult> {
    this.target.assertLive();
    const read = await this.images.read(input, "image");
    const { field } = read;
    let bytes = read.bytes;
    if (input.region) {
      const rect = resolveRegion(input.region, read.info.width, read.info.height, "image.region");
      // a crop too large to handle is the region's fault; an undecodable image, the image's
      bytes = await this.cropper.crop(bytes, rect).catch((e: unknown) => {
        throw isDomainError(e) ? e.atField(e.code === "PAYLOAD_TOO_LARGE" ? "image.region" : field) : e;
      });
    }
    const palette = await atPath(this.palettes.extract(bytes), field);
    const raw = await atPath(this.embedder.queryForImage(bytes, palette), field);
    return this.rank(this.weighted(raw, options.weights), this.scorer(raw, options.weights), options, []);
  }

  /** Works like the liked ones and unlike the disliked ones, steering clear of exclusions. */
  async recommend(options: RecommendOptions): Promise<SimilarResult> {
    this.checkK(options.k);
    if (options.positive.length === 0) throw new InvalidInputError("positive", "Give at least one liked work.");
    if (options.positive.length + (options.negative?.length ?? 0) > 50) throw new InvalidInputError("positive", "Give at most 50 liked and disliked works together.");
    // liked and disliked works' vectors in one call to the index
    const examples = await this.vectorsOf([...options.positive, ...(options.negative ?? [])], (i) => (i < options.positive.length ? `positive.${i}` : `negative.${i - options.positive.length}`), options.budget);
    const positives = examples.slice(0, options.positive.length).map((v) => this.weighted(v, options.weights));
    const negatives = examples.slice(options.positive.length).map((v) => this.weighted(v, options.weights));
    const excludeIds = [...options.positive, ...(options.negative ?? []), ...(options.excludeArtworkIds ?? [])];
    const filter = await this.vectorFilter(options.filter ?? {}, {
      artistKeysNone: options.excludeArtistIds,
      mediumNone: options.excludeMediumCategories,
    });
    const generation = this.target.live();
    const found = await inTurn(options.budget, () => generation.recommend({ positive: positives, negative: negatives, strategy: options.strategy, k: options.k + DELETED_MARGIN, filter, excludeIds, withVectors: true }));
    const hits = (await this.dropDeleted(found)).slice(0, options.k);
    const query = options.strategy === "AVERAGE_VECTOR" ? averageQuery(positives, negatives) : null;
    const { layout, versionKey } = generation;
    const weights = this.queryWeights(options.weights);
    const scored = withStoredVectors(hits).map((p) => {
      // AVERAGE_VECTOR: the cosine to the average query (the index's own score); BEST_SCORE: Qdrant's
      // rule over the weighted cosines to each example, with the deciding example's parts
      const parts = query ? cosineParts(query, p.vector, layout) : bestScoreParts(positives, negatives, (e) => weightedCosineParts(e, p.vector, weights, layout));
      return { artworkId: p.id, score: parts.total, parts };
    });
    return { hits: scored.sort((a, b) => b.score - a.score), embeddingVersion: versionKey };
  }

  /** The score of a pair and its parts (for "why are these similar?"). */
  async explainPair(a: string, b: string, weights?: SimilarityWeightsInput | null): Promise<ScoreParts> {
    const [va, vb] = await this.vectorsOf([a, b], (i) => (i === 0 ? "a" : "b"));
    this.weighted(va, weights); // refuses weights the index cannot honour, as a search would
    return this.scorer(va, weights)(vb);
  }

  private checkK(k: number): void {
    if (!Number.isInteger(k) || k < 1 || k > this.limits.maxK) throw new InvalidInputError("first", `\`first\` must be between 1 and ${this.limits.maxK}; got ${k}.`);
  }

  /** The weights scores are computed with: the request's, else the index's stored weights. */
  private queryWeights(input: SimilarityWeightsInput | null | undefined): SimilarityWeights {
    return input ? normaliseWeights(input) : this.target.live().weights;
  }

  /** Scores against `query` (a stored-form vector, re-weighted or not): the weighted cosine under the request's weights. */
  private scorer(query: Float32Array, input: SimilarityWeightsInput | null | undefined): Scorer {
    const weights = this.queryWeights(input);
    const { layout } = this.target.live();
    return (v) => weightedCosineParts(query, v, weights, layout);
  }

  /** The query vector the index searches with: query-scaled to the request's weights (encoding/blend.ts). */
  private weighted(vector: Float32Array, input: SimilarityWeightsInput | null | undefined): Float32Array {
    if (!input) return vector;
    const { weights, layout } = this.target.live();
    return reweightQuery(vector, weights, normaliseWeights(input), layout);
  }

  /** Top k for a query vector: filter, exclusions, optional one-per-artist and MMR; with score parts when asked. */
  private async rank(query: Float32Array, scorer: Scorer, options: SimilarOptions, excludeIds: string[], planned?: Plan): Promise<SimilarResult> {
    const { generation, filter, wide, diversity, explain } = planned ?? (await this.plan(options));
    checkTimeBudget(options.budget);
    // hits come with their vectors: the score parts (and MMR) need them
    const hits = await inTurn(options.budget, async () =>
      options.groupByArtist
        ? (await generation.searchGroups({ vector: query, k: wide, groupSize: 1, filter, excludeIds, withVectors: true })).flatMap((g) => g.hits)
        : await generation.search({ vector: query, k: wide, filter, excludeIds, withVectors: true }),
    );
    return this.finish(scorer, withStoredVectors(await this.dropDeleted(hits)), options.k, { diversity, explain, picks: options.picks ?? options.k, budget: options.budget });
  }

  /** Checks the options and works out the plan. */
  private async plan(options: SimilarOptions): Promise<Plan> {
    this.checkK(options.k);
    const diversity = options.diversity ?? 0;
    if (!(diversity >= 0 && diversity <= 1)) throw new InvalidInputError("diversity", `\`diversity\` must be between 0 and 1; got ${diversity}.`);
    const filter = await this.vectorFilter(options.filter ?? {}, {});
    const wide = diversity > 0 ? Math.min(options.k * CANDIDATE_FACTOR, this.limits.maxK * CANDIDATE_FACTOR) : options.k + DELETED_MARGIN;
    return { generation: this.target.live(), filter, wide, diversity, explain: options.explain ?? true, picks: options.picks ?? options.k, budget: options.budget };
  }

  /**
   * The best k of the index's hits (in their order) (MMR when diversity > 0, picking only the ranks the
   * caller reads, in the compute lane's slices so other requests get in, within the time budget), scored by
   * `scorer` (`score` when a point already carries it), with their parts when asked.
   */
  private async finish(scorer: Scorer, points: readonly RankedPoint[], k: number, how: Pick<Plan, "diversity" | "explain" | "picks" | "budget">): Promise<SimilarResult> {
    const { versionKey } = this.target.live();
    const score = (p: RankedPoint): SimilarHit => {
      if (!how.explain) return { artworkId: p.id, score: p.score ?? scorer(p.vector).total, parts: null };
      const parts = scorer(p.vector);
      // a point the index scored keeps that score (the one given without parts); its parts are scaled
      // to add up to it (f16 rows round the parts' total and the cosine apart by ≤ 6e-5)
      return { artworkId: p.id, score: p.score ?? parts.total, parts: p.score === undefined || !(Math.abs(parts.total) > 1e-9) ? parts : scaleParts(parts, p.score / parts.total) };
    };
    if (how.diversity === 0) {
      // points with scores are ranked already (the index's cosine, or the re-weighted score): their
      // order stands, so asking for parts never reorders near-ties (f16 rows round the parts' total
      // and the cosine differently, by ~1e-5). Others are sorted by the score given.
      const hits = points.slice(0, k).map(score);
      return { hits: points.every((p) => p.score !== undefined) ? hits : hits.sort((a, b) => b.score - a.score), embeddingVersion: versionKey };
    }
    checkTimeBudget(how.budget);
    const wanted = Math.min(k, how.picks);
    const candidates: (MmrCandidate & { readonly id: string })[] = [];
    const order: number[] = [];
    let picks: Generator<number, void, void> | undefined;
    // one step: score a candidate, then (all scored) one MMR pick
    const step = (): boolean => {
      if (candidates.length < points.length) {
        const p = points[candidates.length];
        candidates.push({ id: p.id, vector: p.vector, score: p.score ?? scorer(p.vector).total });
        return true;
      }
      picks ??= mmrPicks(candidates, how.diversity);
      const next = picks.next();
      if (next.done) return false;
      order.push(next.value);
      return order.length < wanted;
    };
    if (wanted > 0) await this.lane.run(step, () => checkTimeBudget(how.budget));
    return { hits: order.map((i) => score(candidates[i])), embeddingVersion: versionKey };
  }

  /** Hits as the index ranked and scored them (cosines to a unit query: the same scores `finish` gives), without parts. */
  private asFound(hits: readonly VectorHit[], k: number): SimilarResult {
    return { hits: hits.slice(0, k).map((h) => ({ artworkId: h.id, score: h.score, parts: null })), embeddingVersion: this.target.live().versionKey };
  }

  /**
   * Stored vectors of works, in order; a work not indexed yet (its job still queued) is embedded on the
   * spot, so every catalogue work can be a query. Unknown ids are NOT_FOUND naming `field` (or the
   * field of the id's position).
   */
  private async vectorsOf(ids: readonly string[], field: string | ((position: number) => string), budget?: TimeBudget): Promise<Float32Array[]> {
    if (ids.length === 0) return [];
    // the catalogue decides what exists: a deleted work's vector may linger in the index for a moment
    const [points] = await Promise.all([inTurn(budget, () => this.target.live().get(ids)), this.requireWorks(ids, typeof field === "string" ? () => field : field)]);
    const found = new Map(points.map((p) => [p.id, p.vector]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      const works: Artwork[] = await this.store.loadArtworks(missing);
      const known = new Set(works.map((w) => w.id));
      const unknown = missing.find((id) => !known.has(id));
      if (unknown) throw new NotFoundError(`No work with id ${unknown}.`, typeof field === "string" ? field : field(ids.indexOf(unknown)));
      this.target.assertLive();
      for (const e of await this.embedder.embed(works)) found.set(e.id, e.vector);
    }
    return ids.map((id) => found.get(id) as Float32Array);
  }

  /** NOT_FOUND (naming the field of the id's position) unless every work is in the catalogue. */
  private async requireWorks(ids: readonly string[], field: (position: number) => string): Promise<void> {
    const rows = await this.store.artworksByIds(ids);
    const gone = rows.findIndex((r) => r === null);
    if (gone >= 0) throw new NotFoundError(`No work with id ${ids[gone]}.`, field(gone));
  }

  /**
   * Hits whose works are still in the catalogue (deleted works are filtered at read time), in order.
   * With `queryId`, that work is checked in the same read: NOT_FOUND (field "id") when it is gone.
   */
  private async dropDeleted<T extends { readonly id: string }>(hits: readonly T[], queryId?: string): Promise<T[]> {
    const ids = hits.map((h) => h.id);
    if (queryId !== undefined) ids.unshift(queryId);
    if (ids.length === 0) return [];
    const rows = await this.store.artworksByIds(ids);
    if (queryId !== undefined && rows[0] === null) throw new NotFoundError(`No work with id ${queryId}.`, "id");
    const offset = queryId === undefined ? 0 : 1;
    return hits.filter((_, i) => rows[i + offset] !== null);
  }

    /** The catalogue filter in index terms; text and provenance conditions are resolved to ids in the catalogue first. */
  private async vectorFilter(
    filter: ArtworkFilter,
    extra: { artistKeysNone?: readonly string[]; mediumNone?: readonly string[] },
  ): Promise<VectorFilter | undefined> {
    const f: { -readonly [K in keyof VectorFilter]: VectorFilter[K] } = {};
    if (filter.artistIds?.length || extra.artistKeysNone?.length) {
      f.artistKeys = { ...(filter.artistIds?.length ? { any: [...filter.artistIds] } : {}), ...(extra.artistKeysNone?.length ? { none: [...extra.artistKeysNone] } : {}) };
    }
    if (filter.mediumCategories?.length || extra.mediumNone?.length) {
      f.mediumCategories = { ...(filter.mediumCategories?.length ? { any: [...filter.mediumCategories] } : {}), ...(extra.mediumNone?.length ? { none: [...extra.mediumNone] } : {}) };
    }
    if (filter.departments?.length) f.departments = [...filter.departments];
    if (filter.yearFrom !== undefined) f.yearFrom = filter.yearFrom;
    if (filter.yearTo !== undefined) f.yearTo = filter.yearTo;
    if (filter.hasImage !== undefined) f.hasImage = filter.hasImage;
    if (filter.text || filter.provenanceOwner || filter.provenance) {
      const catalogueOnly = { text: filter.text, provenanceOwner: filter.provenanceOwner, provenance: filter.provenance };
      const n = await this.store.countArtworks(catalogueOnly);
      if (n > this.limits.maxPrefilterIds) {
        const field = filter.text ? "filter.text" : filter.provenanceOwner ? "filter.provenanceOwner" : "filter.provenance";
        throw new InvalidInputError(field, `The text and provenance conditions match ${n} works; narrow them to at most ${this.limits.maxPrefilterIds} for a similarity search.`);
      }
      f.ids = { any: await this.store.artworkIdsMatching(catalogueOnly, this.limits.maxPrefilterIds) };
    }
    return Object.keys(f).length ? f : undefined;
  }
}

