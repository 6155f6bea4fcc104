/**
 * One collection of the embedded index, in memory: a usearch HNSW graph (cosine) for nearest-neighbour
 * search, plus the vectors (f32, or f16 by default: vector-rows.ts) and payloads by slot, which
 * usearch's Node binding cannot hand back. Slots are the usearch keys; a deleted slot is reused by the next new point. The graph may
 * hold its vectors quantized (f16 or i8: far less memory to read per distance); it then only picks
 * candidates, and hits are ranked and scored by their cosines from the copy kept beside it.
 *
 * Filtered search: usearch's Node binding has no filtered search, so a filter is applied to ANN
 * candidates, widening the candidate set until k pass; when the filter is selective (estimated from
 * a sample of the payloads) an exact scan of the passing points is cheaper and always complete, so
 * it is used instead. Either way a filter that k points pass gives k results.
 */
import { createRequire } from "node:module";
import type { Index } from "usearch";
import type { Quantization, VectorPrecision } from "../../config/config.ts";
import type { VectorHit, VectorPayload, VectorPoint } from "../../ports/vector-index.port.ts";
import { SharedStrings } from "../cache/shared-strings.ts";
import type { PayloadPredicate } from "./payload-filter.ts";
import { VectorRows, type RowData } from "./vector-rows.ts";

// the CommonJS build: its native-binary lookup works under every loader (vitest's transform breaks the ESM one's)
const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");

/** HNSW settings: measured in bench/similarity.ts (recall@10 ≥ 0.99 on 100k blended vectors). */
export const HNSW = { connectivity: 16, expansionAdd: 128, expansionSearch: 96 } as const;

/**
 * Candidates taken from a quantized graph (f16 or i8, config.ts) for `want` results. Such a graph only
 * picks candidates; scores, the order and every vector handed back come from the full-precision copy
 * kept beside it. Measured in bench/similarity.ts.
 */
function candidatesFor(want: number, total: number): number {
  return Math.min(total, want + 10);
}

/** Below this many passing points, a filtered search scans them exactly. */
const EXACT_SCAN_LIMIT = 4_000;
const SAMPLE_SIZE = 512;

const SCALAR_KINDS = { f32: usearch.ScalarKind.F32, f16: usearch.ScalarKind.F16, i8: usearch.ScalarKind.I8 } as const;

export function newHnsw(dimension: number, quantization: Quantization = "f32"): Index {
  return new usearch.Index({
    dimensions: dimension,
    metric: usearch.MetricKind.Cos,
    quantization: SCALAR_KINDS[quantization],
    connectivity: HNSW.connectivity,
    expansion_add: HNSW.expansionAdd,
    expansion_search: HNSW.expansionSearch,
    multi: false,
  });
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export class UsearchCollection {
  /** Point id of each slot (null when free). */
  readonly ids: (string | null)[] = [];
  readonly payloads: (VectorPayload | null)[] = [];
  private readonly vectors: VectorRows;
  private readonly norms: number[] = [];
  private readonly slotOf = new Map<string, number>();
  /** One copy of each string the payloads hold (see compact). */
  private readonly strings = new SharedStrings();
  private readonly free: number[] = [];
  /** Ids sorted, for paging; dropped when a point is added or removed. */
  private sortedIds: string[] | null = null;

  constructor(
    readonly dimension: number,
    readonly quantization: Quantization = "f32",
    private graph: Index = newHnsw(dimension, quantization),
    vectors?: RowData,
    readonly precision: VectorPrecision = vectors instanceof Float32Array ? "f32" : "f16",
  ) {
    this.vectors = new VectorRows(dimension, precision, vectors);
  }

  get hnsw(): Index {
    return this.graph;
  }

  /** Builds the graph again from the stored vectors (after restoring a snapshot saved with another quantization). */
  rebuildGraph(): void {
    this.graph = this.buildGraph(this.quantization);
  }

  /** A new graph of the stored points, quantized as asked; built on every core (100k vectors: under a minute for i8). */
  buildGraph(quantization: Quantization): Index {
    const graph = newHnsw(this.dimension, quantization);
    const slots = this.ids.flatMap((id, slot) => (id === null ? [] : [slot]));
    // in batches: no second copy of every vector as f32 while building
    const batch = 8192;
    for (let b = 0; b < slots.length; b += batch) {
      const part = slots.slice(b, b + batch);
      const matrix = new Float32Array(part.length * this.dimension);
      part.forEach((s, i) => this.vectors.readInto(s, matrix, i * this.dimension));
      graph.add(BigUint64Array.from(part, (s) => BigInt(s)), matrix);
    }
    return graph;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** The slot-major vector matrix as stored (f32 values or f16 bits; for snapshots): `slots × dimension` values. */
  get matrix(): RowData {
    return this.vectors.stored(this.ids.length);
  }

  /** Every slot's vector as f32, slot-major (a new matrix: benchmarks and exact references). */
  decodedMatrix(): Float32Array {
    const out = new Float32Array(this.ids.length * this.dimension);
    for (let s = 0; s < this.ids.length; s++) this.vectors.readInto(s, out, s * this.dimension);
    return out;
  }

  /**
   * The payload as one object of one shape whose strings are shared with the other points': a work's
   * artists, medium, department and the embedding version repeat across thousands of points, and
   * each point read from a snapshot (or sent from another thread) brings its own copies (~120 bytes
   * a point at 100,000 works).
   */
  private compact(p: VectorPayload): VectorPayload {
    return {
      artistKeys: p.artistKeys.map((k) => this.strings.share(k)),
      mediumCategory: p.mediumCategory === null ? null : this.strings.share(p.mediumCategory),
      department: p.department === null ? null : this.strings.share(p.department),
      yearStart: p.yearStart,
      yearEnd: p.yearEnd,
      hasImage: p.hasImage,
      embeddingVersion: this.strings.share(p.embeddingVersion),
    };
  }

  /** Restores a slot from a snapshot without touching the graph (it was loaded with them). */
  restoreSlot(slot: number, id: string | null, payload: VectorPayload | null): void {
    this.ids[slot] = id;
    this.payloads[slot] = payload && this.compact(payload);
    this.norms[slot] = id === null ? 0 : this.vectors.norm(slot);
    if (id === null) this.free.push(slot);
    else this.slotOf.set(id, slot);
    this.sortedIds = null;
  }

  /** Inserts or replaces points; new vectors go into the graph in one add. */
  upsertMany(points: readonly VectorPoint[]): void {
    if (points.length === 1) return this.upsert(points[0]);
    // the last write of an id wins
    const latest = [...new Map(points.map((p) => [p.id, p])).values()];
    const keys = new BigUint64Array(latest.length);
    const matrix = new Float32Array(latest.length * this.dimension);
    latest.forEach((p, i) => {
      keys[i] = BigInt(this.place(p));
      matrix.set(p.vector, i * this.dimension);
    });
    // one thread: the graph, and so every answer, is the same whenever the same writes are replayed
    this.graph.add(keys, matrix, 1);
  }

  upsert(point: VectorPoint): void {
    this.graph.add(BigInt(this.place(point)), point.vector);
  }

  /** Stores a point's vector and payload in its slot (taken out of the graph when it was there); returns the slot. */
  private place(point: VectorPoint): number {
    if (point.vector.length !== this.dimension) {
      throw new RangeError(`Vector of ${point.id} has ${point.vector.length} values; the collection holds ${this.dimension}.`);
    }
    let slot = this.slotOf.get(point.id);
    if (slot !== undefined) {
      this.graph.remove(BigInt(slot));
    } else {
      slot = this.free.pop() ?? this.ids.length;
      this.slotOf.set(point.id, slot);
      this.sortedIds = null;
    }
    this.vectors.set(slot, point.vector);
    this.ids[slot] = point.id;
    this.payloads[slot] = this.compact(point.payload);
    this.norms[slot] = this.vectors.norm(slot);
    return slot;
  }

  delete(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.graph.remove(BigInt(slot));
    this.slotOf.delete(id);
    this.sortedIds = null;
    this.ids[slot] = null;
    this.payloads[slot] = null;
    this.norms[slot] = 0;
    this.vectors.clear(slot);
    this.free.push(slot);
    return true;
  }

  get(id: string): VectorPoint | null {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return null;
    const vector = this.vectors.read(slot);
    // f16 rows are rounded: handed back at unit length (as Qdrant hands back cosine vectors), so cosines
    // computed from them (score parts, recommendations) agree with the scores of a search
    const n = this.norms[slot];
    if (this.precision === "f16" && n > 0) for (let i = 0; i < vector.length; i++) vector[i] /= n;
    return { id, vector, payload: this.payloads[slot] as VectorPayload };
  }

  count(predicate: PayloadPredicate | null): number {
    if (!predicate) return this.size;
    let n = 0;
    for (let s = 0; s < this.ids.length; s++) {
      const id = this.ids[s];
      if (id !== null && predicate(id, this.payloads[s] as VectorPayload)) n++;
    }
    return n;
  }

  /** Ids in order after `after` (for paging through every point). */
  idsAfter(after: string | null, limit: number): string[] {
    const sorted = (this.sortedIds ??= [...this.slotOf.keys()].sort());
    let start = 0;
    if (after !== null) {
      start = sorted.findIndex((id) => id > after);
      if (start < 0) return [];
    }
    return sorted.slice(start, start + limit);
  }

  /**
   * The best `k` points passing `predicate` (or, with `enough`, as many as make `enough` return true
   * over the hits in order), best first, scored by cosine.
   */
  search(query: Float32Array, k: number, predicate: PayloadPredicate | null, enough: (hits: VectorHit[]) => boolean = (h) => h.length >= k): VectorHit[] {
    if (query.length !== this.dimension) throw new RangeError(`Query has ${query.length} values; the collection holds ${this.dimension}.`);
    const total = this.size;
    if (total === 0 || k <= 0) return [];
    const qNorm = norm(query);
    let selectivity = 1;
    if (predicate) {
      selectivity = this.estimateSelectivity(predicate);
      // a selective filter: scanning the few passing points beats widening the graph search (a filter
      // most points pass, such as excluding the query work, goes to the graph search)
      if (selectivity < 0.2 && selectivity * total <= EXACT_SCAN_LIMIT) return this.exact(query, k, predicate, qNorm, enough);
    }
    let want = predicate ? Math.min(total, Math.ceil((k / Math.max(selectivity, 1e-6)) * 1.5) + 8) : Math.min(total, k);
    for (;;) {
      const hits = this.ann(query, want, predicate, qNorm);
      if (enough(hits)) return hits;
      // the graph search can come back short (around removed points): the exact scan never does
      if (want >= total) return this.exact(query, k, predicate, qNorm, enough);
      if (want * 4 >= total / 2) return this.exact(query, k, predicate, qNorm, enough);
      want = Math.min(total, want * 4);
    }
  }

  /** Exact scores of every passing point (the fallback, and the reference the benchmark measures recall against). */
  exact(query: Float32Array, k: number, predicate: PayloadPredicate | null, qNorm = norm(query), enough?: (hits: VectorHit[]) => boolean): VectorHit[] {
    const scored: { slot: number; score: number }[] = [];
    for (let s = 0; s < this.ids.length; s++) {
      const id = this.ids[s];
      if (id === null || (predicate && !predicate(id, this.payloads[s] as VectorPayload))) continue;
      scored.push({ slot: s, score: this.cosine(query, qNorm, s) });
    }
    scored.sort((a, b) => b.score - a.score);
    const hits = scored.map((x) => this.hit(x.slot, x.score));
    if (!enough) return hits.slice(0, k);
    // the smallest prefix that is enough (grouped search asks for k groups, not k hits)
    for (let n = k; n < hits.length; n *= 2) if (enough(hits.slice(0, n))) return hits.slice(0, n);
    return hits;
  }

  private ann(query: Float32Array, want: number, predicate: PayloadPredicate | null, qNorm: number): VectorHit[] {
    const quantized = this.quantization !== "f32";
    const m = this.graph.search(query, quantized ? candidatesFor(want, this.size) : want, 1);
    const hits: VectorHit[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const slot = Number(m.keys[i]);
      const id = this.ids[slot];
      if (id === null || id === undefined) continue;
      if (predicate && !predicate(id, this.payloads[slot] as VectorPayload)) continue;
      // usearch's cosine distance of a zero vector is meaningless: such a point scores 0, as in `cosine`
      const score = quantized ? this.cosine(query, qNorm, slot) : qNorm > 0 && this.norms[slot] > 0 ? 1 - m.distances[i] : 0;
      hits.push(this.hit(slot, score));
    }
    // a quantized graph's distances only chose the candidates: rank them by their exact cosines
    return quantized ? hits.sort((a, b) => b.score - a.score).slice(0, want) : hits;
  }

  /** Exact cosine of the query with a slot's vector; 0 when either is all zeros. */
  private cosine(query: Float32Array, qNorm: number, slot: number): number {
    if (!(qNorm > 0 && this.norms[slot] > 0)) return 0;
    return this.vectors.dot(query, slot) / (qNorm * this.norms[slot]);
  }

  private hit(slot: number, score: number): VectorHit {
    return { id: this.ids[slot] as string, score, payload: this.payloads[slot] as VectorPayload };
  }

  /** Share of points passing, from an evenly spaced sample (exact for small collections). */
  private estimateSelectivity(predicate: PayloadPredicate): number {
    const slots = this.ids.length;
    const step = Math.max(1, Math.floor(slots / SAMPLE_SIZE));
    let seen = 0;
    let passed = 0;
    for (let s = 0; s < slots; s += step) {
      const id = this.ids[s];
      if (id === null) continue;
      seen++;
      if (predicate(id, this.payloads[s] as VectorPayload)) passed++;
    }
    if (seen === 0) return 1;
    // one sampled pass stands for `step` points; never trust a zero (the filter may pass a few)
    return Math.max(passed, 0.5) / seen;
  }
}
