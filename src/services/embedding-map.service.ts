/**
 * The embedding map: the live generation's vectors projected to two dimensions (PCA or UMAP) so an
 * analyst can look at the space. Projections are fitted on a worker thread (Projector port), seeded,
 * and cached per generation (live collection, embedding version and vector count), method, limit
 * and filter: the same call gives the same map until the generation or its vectors change.
 *
 * Which works: those matching the filter (all indexed works without one), in id order (random-like,
 * since ids are UUIDs), at most `limit`. PCA is fitted on a seeded sample of at most
 * `pcaFitSample` of them and then applied to every point a page at a time, so memory stays bounded
 * at 100,000 points; UMAP reads every point's vector and is capped lower (`maxUmapPoints`).
 */
import { LRUCache } from "lru-cache";
import { InvalidInputError } from "../domain/errors.ts";
import { applyProjection, fitUnitSquare, seededSample } from "../encoding/projection.ts";
import type { ArtworkFilter, CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { Projector } from "../ports/projector.port.ts";
import type { VectorIndex, VectorPayload, VectorPoint } from "../ports/vector-index.port.ts";
import type { IndexTarget } from "./similarity.service.ts";

/** How vectors are brought down to two dimensions. */
export type MapMethod = "PCA" | "UMAP";
/** What a point's colour key is. */
export type MapColorBy = "DEPARTMENT" | "MEDIUM_CATEGORY" | "CENTURY";

/** One work on the map: its position in [0, 1]² and what it can be coloured by. */
export interface MapPoint {
  readonly artworkId: string;
  readonly x: number;
  readonly y: number;
  readonly department: string | null;
  readonly mediumCategory: string | null;
  /** Century of the work's earliest year (1 = years 1–100, −1 = 100 BCE–1 BCE); null when undated. */
  readonly century: number | null;
}

/** A computed map (what the cache holds). */
export interface EmbeddingMap {
  readonly embeddingVersion: string;
  readonly method: MapMethod;
  /** Works matching the filter (indexed works without one); `points` holds at most `limit` of them. */
  readonly totalCount: number;
  readonly points: readonly MapPoint[];
}

/** What map to draw: method, at most how many works, which works. */
export interface EmbeddingMapOptions {
  readonly method: MapMethod;
  readonly limit: number;
  readonly filter?: ArtworkFilter;
}

/** Caps and sizes of the map service. */
export interface EmbeddingMapLimits {
  readonly maxPcaPoints: number;
  readonly maxUmapPoints: number;
  /** PCA is fitted on a seeded sample of at most this many points. */
  readonly pcaFitSample: number;
  /** Computed maps kept. */
  readonly cacheEntries: number;
}

/** PCA up to 100,000 works (fitted on 2,000), UMAP up to 5,000, 16 maps remembered. */
export const DEFAULT_MAP_LIMITS: EmbeddingMapLimits = { maxPcaPoints: 100_000, maxUmapPoints: 5_000, pcaFitSample: 2_000, cacheEntries: 16 };

/** The seed of every random choice a map makes (fit sample, UMAP), so maps are reproducible. */
export const MAP_SEED = 20_240_601;

const PAGE = 1_000;

/** Century of a year: 1901–2000 → 20, 1–100 → 1, −99…0 → −1 (1st century BCE). */
export function centuryOf(year: number | null): number | null {
  if (year === null || !Number.isFinite(year)) return null;
  return year > 0 ? Math.floor((year - 1) / 100) + 1 : -(Math.floor(-year / 100) + 1);
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${s}`;
}

/** A century as people write it: "19th century", "1st century BCE". */
export function centuryLabel(century: number): string {
  return century > 0 ? `${ordinal(century)} century` : `${ordinal(-century)} century BCE`;
}

/** The colour key of a point: its department, medium category or century label; "unknown" when it has none. */
export function colourKey(p: MapPoint, by: MapColorBy): string {
  if (by === "DEPARTMENT") return p.department ?? "unknown";
  if (by === "MEDIUM_CATEGORY") return p.mediumCategory ?? "unknown";
  return p.century === null ? "unknown" : centuryLabel(p.century);
}

/** A point with its colour key. */
export interface ColouredPoint {
  readonly artworkId: string;
  readonly x: number;
  readonly y: number;
  readonly colorKey: string;
}

/** The points of a map with their colour keys, and every key with its count (most frequent first, then by name). */
export function colourMap(map: EmbeddingMap, by: MapColorBy): { points: ColouredPoint[]; legend: { key: string; count: number }[] } {
  const counts = new Map<string, number>();
  const points = map.points.map((p) => {
    const key = colourKey(p, by);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return { artworkId: p.artworkId, x: p.x, y: p.y, colorKey: key };
  });
  const legend = [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { points, legend };
}

function toPoint(id: string, x: number, y: number, payload: VectorPayload): MapPoint {
  return { artworkId: id, x, y, department: payload.department, mediumCategory: payload.mediumCategory, century: centuryOf(payload.yearStart ?? payload.yearEnd) };
}

function isEmpty(f: ArtworkFilter | undefined): boolean {
  return !f || Object.values(f).every((v) => v === undefined);
}

/** Computes (on the Projector's thread) and remembers maps of the live generation. */
export class EmbeddingMapService {
  private readonly cache: LRUCache<string, Promise<EmbeddingMap>>;

  constructor(
    private readonly index: VectorIndex,
    private readonly target: IndexTarget,
    private readonly store: CatalogueStore,
    private readonly projector: Projector,
    readonly limits: EmbeddingMapLimits = DEFAULT_MAP_LIMITS,
  ) {
    this.cache = new LRUCache({ max: limits.cacheEntries });
  }

  /** The largest `limit` a method allows. */
  maxPoints(method: MapMethod): number {
    return method === "UMAP" ? this.limits.maxUmapPoints : this.limits.maxPcaPoints;
  }

  /** The map of the live generation (cached; recomputed when the live collection or its vector count changes). */
  async map(options: EmbeddingMapOptions): Promise<EmbeddingMap> {
    const max = this.maxPoints(options.method);
    if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > max) {
      throw new InvalidInputError("limit", `A ${options.method} map holds 1 to ${max.toLocaleString("en")} works; got ${options.limit}. Narrow the filter or use ${options.method === "UMAP" ? "PCA for more works" : "a smaller limit"}.`);
    }
    const view = this.target.live();
    const collection = view.collection;
    const vectors = await this.index.count(collection);
    const filter = isEmpty(options.filter) ? undefined : options.filter;
    const key = JSON.stringify([collection, view.versionKey, vectors, options.method, options.limit, filter ?? null]);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.compute(collection, view.versionKey, options.method, options.limit, filter);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  private async compute(collection: string, embeddingVersion: string, method: MapMethod, limit: number, filter: ArtworkFilter | undefined): Promise<EmbeddingMap> {
    const { ids, totalCount } = await this.chooseIds(collection, limit, filter);
    const points = method === "PCA" ? await this.pca(collection, ids) : await this.umap(collection, ids);
    return { embeddingVersion, method, totalCount, points };
  }

  /** The works to draw, in id order, at most `limit`, and how many match. */
  private async chooseIds(collection: string, limit: number, filter: ArtworkFilter | undefined): Promise<{ ids: string[]; totalCount: number }> {
    if (filter) {
      const matching = (await this.store.artworkIdsMatching(filter, this.limits.maxPcaPoints * 2)).sort();
      const totalCount = matching.length < this.limits.maxPcaPoints * 2 ? matching.length : await this.store.countArtworks(filter);
      return { ids: matching.slice(0, limit), totalCount };
    }
    const ids: string[] = [];
    let after: string | null = null;
    while (ids.length < limit) {
      const page = await this.index.ids(collection, after, Math.min(10_000, limit - ids.length));
      if (page.length === 0) break;
      ids.push(...page);
      after = page[page.length - 1];
    }
    return { ids, totalCount: await this.index.count(collection) };
  }

  /** Stored points of these ids, in the ids' order (works without a vector left out). */
  private async pointsOf(collection: string, ids: readonly string[]): Promise<VectorPoint[]> {
    const got = new Map((await this.index.get(collection, ids)).map((p) => [p.id, p]));
    return ids.flatMap((id) => got.get(id) ?? []);
  }

  private static pack(points: readonly VectorPoint[], dim: number): Float32Array {
    const data = new Float32Array(points.length * dim);
    points.forEach((p, i) => data.set(p.vector, i * dim));
    return data;
  }

  private async pca(collection: string, ids: readonly string[]): Promise<MapPoint[]> {
    const sampleIds = seededSample(ids.length, this.limits.pcaFitSample, MAP_SEED).map((i) => ids[i]);
    const sample: VectorPoint[] = [];
    for (let i = 0; i < sampleIds.length; i += PAGE) sample.push(...(await this.pointsOf(collection, sampleIds.slice(i, i + PAGE))));
    if (sample.length === 0) return [];
    const dim = sample[0].vector.length;
    const projection = await this.projector.fitPca(EmbeddingMapService.pack(sample, dim), sample.length, dim);
    const out: MapPoint[] = [];
    const xy: number[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      const page = await this.pointsOf(collection, ids.slice(i, i + PAGE));
      const p = applyProjection(projection, EmbeddingMapService.pack(page, dim), page.length, dim);
      page.forEach((pt, j) => {
        out.push(toPoint(pt.id, 0, 0, pt.payload));
        xy.push(p[2 * j], p[2 * j + 1]);
      });
    }
    return placed(out, fitUnitSquare(Float32Array.from(xy)));
  }

  private async umap(collection: string, ids: readonly string[]): Promise<MapPoint[]> {
    const points: VectorPoint[] = [];
    for (let i = 0; i < ids.length; i += PAGE) points.push(...(await this.pointsOf(collection, ids.slice(i, i + PAGE))));
    if (points.length === 0) return [];
    const dim = points[0].vector.length;
    const xy = await this.projector.umap(EmbeddingMapService.pack(points, dim), points.length, dim, MAP_SEED);
    return placed(
      points.map((p) => toPoint(p.id, 0, 0, p.payload)),
      fitUnitSquare(xy),
    );
  }
}

function placed(points: MapPoint[], xy: Float32Array): MapPoint[] {
  return points.map((p, i) => ({ ...p, x: xy[2 * i], y: xy[2 * i + 1] }));
}
