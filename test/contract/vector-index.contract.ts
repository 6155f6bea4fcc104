/**
 * The VectorIndex contract (src/ports/vector-index.port.ts): one suite that every adapter runs
 * (test/contract/*.test.ts call `vectorIndexContract` with a way to open their adapter).
 *
 * Every expected answer is computed here by brute force (exact cosine over the points the test
 * wrote), from deterministic seeded data, so a failure means the adapter disagrees with the port's
 * semantics, not with another adapter. HNSW search is approximate, so nearest-neighbour results are
 * compared by recall (≥ 9/10 per query, ≥ 0.99 on average) plus exact scores per hit; at the sizes
 * used here both adapters are exact in practice, so these margins only keep the suite from flaking.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  KeywordCondition,
  VectorFilter,
  VectorGroup,
  VectorHit,
  VectorIndex,
  VectorPayload,
  VectorPoint,
} from "../../src/ports/vector-index.port.ts";
import { mulberry32 as seededRandom } from "../../src/encoding/seeded-random.ts";

export interface ContractEnv {
  readonly index: VectorIndex;
  /** A collection (or alias) name for a base name, unique to this run (Qdrant servers are shared). */
  readonly collection: (base: string) => string;
  /** Closes the index and removes whatever the run created. */
  readonly cleanup: () => Promise<void>;
}

/** A ContractEnv for an adapter that keeps its files in a folder: a fresh temp folder, removed after. */
export async function inTempFolder(prefix: string, open: (dir: string) => Promise<VectorIndex>): Promise<ContractEnv> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const index = await open(dir);
  return {
    index,
    collection: (base) => base,
    cleanup: async () => {
      await index.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Vector dimension used by the suite. */
export const DIM = 64;

// ---------------------------------------------------------------------------------------------
// deterministic data

export type Rng = () => number;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export const mulberry32: (seed: number) => Rng = seededRandom;

/** Standard normal (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function normalised(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = n > 0 ? v[i] / n : 0;
  return out;
}

/** A uniformly random direction, unit length. */
export function randomUnitVector(rng: Rng, dim = DIM): Float32Array {
  const v = new Array<number>(dim);
  for (let i = 0; i < dim; i++) v[i] = gaussian(rng);
  return normalised(v);
}

/** `v` moved by gaussian noise of `sigma` per component, unit length (sigma 0.08 at 64 dims ≈ cosine 0.85). */
export function perturbed(rng: Rng, v: Float32Array, sigma: number): Float32Array {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] + sigma * gaussian(rng);
  return normalised(out);
}

/** A random version-4 UUID, lower case (Qdrant point ids must be UUIDs or integers). */
export function randomUuid(rng: Rng): string {
  const b: number[] = [];
  for (let i = 0; i < 16; i++) b.push(Math.floor(rng() * 256));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const ARTISTS = Array.from({ length: 40 }, (_, i) => `artist-${String(i).padStart(2, "0")}`);
export const MEDIA = ["painting", "print", "sculpture", "photograph", "drawing"];
export const DEPARTMENTS = ["European Paintings", "Asian Art", "Drawings and Prints", "Modern Art"];
export const EMBEDDING_VERSION = "contract-v1";

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

/** A varied payload: 0–3 artists, nullable medium/department, 15 % undated, 70 % with image. */
export function randomPayload(rng: Rng, overrides: Partial<VectorPayload> = {}): VectorPayload {
  const r = rng();
  const artistCount = r < 0.2 ? 0 : r < 0.8 ? 1 : r < 0.95 ? 2 : 3;
  const artistKeys: string[] = [];
  while (artistKeys.length < artistCount) {
    const a = pick(rng, ARTISTS);
    if (!artistKeys.includes(a)) artistKeys.push(a);
  }
  const dated = rng() >= 0.15;
  const start = 1300 + Math.floor(rng() * 690);
  const end = start + Math.floor(rng() * 80);
  return {
    artistKeys,
    mediumCategory: rng() < 0.1 ? null : pick(rng, MEDIA),
    department: rng() < 0.1 ? null : pick(rng, DEPARTMENTS),
    yearStart: dated ? start : null,
    yearEnd: dated ? end : null,
    hasImage: rng() < 0.7,
    embeddingVersion: EMBEDDING_VERSION,
    ...overrides,
  };
}

export function makePoints(rng: Rng, n: number, payload: (rng: Rng, i: number) => VectorPayload = (r) => randomPayload(r)): VectorPoint[] {
  return Array.from({ length: n }, (_, i) => ({ id: randomUuid(rng), vector: randomUnitVector(rng), payload: payload(rng, i) }));
}

// ---------------------------------------------------------------------------------------------
// reference semantics (the port's), by brute force

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function keywordPasses(values: readonly (string | null)[], c: KeywordCondition | undefined): boolean {
  if (!c) return true;
  if (c.any && c.any.length > 0 && !values.some((v) => v !== null && c.any!.includes(v))) return false;
  if (c.none && values.some((v) => v !== null && c.none!.includes(v))) return false;
  return true;
}

/** Whether a point passes a filter (and is not excluded): the port's semantics, written out plainly. */
export function passes(point: { id: string; payload: VectorPayload }, filter?: VectorFilter, excludeIds: readonly string[] = []): boolean {
  const p = point.payload;
  if (excludeIds.includes(point.id)) return false;
  if (!filter) return true;
  if (!keywordPasses(p.artistKeys, filter.artistKeys)) return false;
  if (!keywordPasses([p.mediumCategory], filter.mediumCategories)) return false;
  if (filter.departments && (p.department === null || !filter.departments.includes(p.department))) return false;
  if (filter.yearFrom !== undefined && (p.yearStart === null || p.yearEnd === null || p.yearEnd < filter.yearFrom)) return false;
  if (filter.yearTo !== undefined && (p.yearStart === null || p.yearEnd === null || p.yearStart > filter.yearTo)) return false;
  if (filter.hasImage !== undefined && p.hasImage !== filter.hasImage) return false;
  if (!keywordPasses([point.id], filter.ids)) return false;
  return true;
}

export interface Scored {
  readonly id: string;
  readonly score: number;
}

/** Every point passing `pass`, scored by `score`, best first (the top k when k is given). */
export function ranked(points: readonly VectorPoint[], score: (v: Float32Array) => number, pass: (p: VectorPoint) => boolean = () => true, k = Infinity): Scored[] {
  return points
    .filter(pass)
    .map((p) => ({ id: p.id, score: score(p.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

/** Exact top-k by cosine to `query` among points passing filter and exclusions. */
export function bruteForce(points: readonly VectorPoint[], query: Float32Array, k: number, filter?: VectorFilter, excludeIds: readonly string[] = []): Scored[] {
  return ranked(points, (v) => cosine(query, v), (p) => passes(p, filter, excludeIds), k);
}

/** BEST_SCORE as the port defines it: best positive similarity when it beats the best negative one, else −(best negative)². */
export function bestScore(positive: readonly Float32Array[], negative: readonly Float32Array[], v: Float32Array): number {
  const pos = Math.max(...positive.map((p) => cosine(p, v)));
  const neg = negative.length ? Math.max(...negative.map((n) => cosine(n, v))) : -Infinity;
  return pos > neg ? pos : -(neg * neg);
}

/** AVERAGE_VECTOR's query as the port defines it: avg(pos) + (avg(pos) − avg(neg)), or avg(pos). */
export function averageQuery(positive: readonly Float32Array[], negative: readonly Float32Array[]): Float32Array {
  const d = positive[0].length;
  const avg = (vs: readonly Float32Array[]) => {
    const out = new Float64Array(d);
    for (const v of vs) for (let i = 0; i < d; i++) out[i] += v[i] / vs.length;
    return out;
  };
  const p = avg(positive);
  if (negative.length === 0) return Float32Array.from(p);
  const n = avg(negative);
  return Float32Array.from(p, (x, i) => 2 * x - n[i]);
}

const SCORE_TOLERANCE = 1e-4;
/** Exact scores closer than this are a tie: either order is right. */
const TIE = 1e-5;

/**
 * Checks hits against the exact ranking: same length, distinct ids, scores descending and equal to
 * `exactScore` of each hit, payloads as stored, and (when every expected id came back) the same order
 * up to ties. Returns the recall (share of expected ids returned).
 */
export function checkHits(
  hits: readonly VectorHit[],
  expected: readonly Scored[],
  exactScore: (id: string) => number,
  stored: ReadonlyMap<string, VectorPoint>,
  label = "",
): number {
  expect(hits.length, `${label}: number of hits`).toBe(expected.length);
  expect(new Set(hits.map((h) => h.id)).size, `${label}: distinct ids`).toBe(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i];
    const point = stored.get(h.id);
    expect(point, `${label}: hit ${h.id} is a stored point`).toBeDefined();
    expect(Math.abs(h.score - exactScore(h.id)), `${label}: score of ${h.id} (${h.score} vs exact ${exactScore(h.id)})`).toBeLessThan(SCORE_TOLERANCE);
    expect(h.payload, `${label}: payload of ${h.id}`).toEqual(point!.payload);
    if (i > 0) expect(h.score, `${label}: scores descending at ${i}`).toBeLessThanOrEqual(hits[i - 1].score + 1e-6);
  }
  const expectedIds = new Set(expected.map((e) => e.id));
  const found = hits.filter((h) => expectedIds.has(h.id)).length;
  const recall = expected.length === 0 ? 1 : found / expected.length;
  if (recall === 1) {
    for (let i = 0; i < hits.length; i++) {
      if (hits[i].id !== expected[i].id) {
        expect(Math.abs(exactScore(hits[i].id) - expected[i].score), `${label}: position ${i} is ${hits[i].id}, exact answer ${expected[i].id}`).toBeLessThan(TIE);
      }
    }
  }
  return recall;
}

function byId<T extends { id: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * How far a stored vector's component may move: 1e-6 unless the adapter keeps vectors at a lower
 * precision (the embedded index's f16 rows: one f16 step of a component up to 1 is ~5e-4).
 */
let componentTolerance = 1e-6;

/** Stored vectors may be normalised by the adapter: compare directions, component by component. */
function expectSameDirection(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, `${label}: dimension`).toBe(expected.length);
  const a = normalised(actual);
  const e = normalised(expected);
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]));
  expect(worst, `${label}: largest component difference`).toBeLessThan(componentTolerance);
}

function expectSamePoints(actual: readonly VectorPoint[], expected: readonly VectorPoint[], label: string): void {
  const a = byId(actual);
  const e = byId(expected);
  expect(a.map((p) => p.id), `${label}: ids`).toEqual(e.map((p) => p.id));
  for (let i = 0; i < e.length; i++) {
    expectSameDirection(a[i].vector, e[i].vector, `${label}: vector of ${e[i].id}`);
    expect(a[i].payload, `${label}: payload of ${e[i].id}`).toEqual(e[i].payload);
    // toEqual treats undefined like a missing key; nulls must stay nulls
    for (const key of ["mediumCategory", "department", "yearStart", "yearEnd"] as const) {
      if (e[i].payload[key] === null) expect(a[i].payload[key], `${label}: ${key} of ${e[i].id}`).toBeNull();
    }
    expect(Array.isArray(a[i].payload.artistKeys), `${label}: artistKeys of ${e[i].id} is an array`).toBe(true);
  }
}

async function upsertInBatches(index: VectorIndex, collection: string, points: readonly VectorPoint[], batch = 250): Promise<void> {
  for (let i = 0; i < points.length; i += batch) await index.upsert(collection, points.slice(i, i + batch));
}

/** The exact grouped answer: walk the ranking, group by first artist (a work without artists is its own group). */
function bruteForceGroups(ranking: readonly Scored[], stored: ReadonlyMap<string, VectorPoint>, k: number, groupSize: number): { key: string; hits: Scored[] }[] {
  const groups = new Map<string, Scored[]>();
  for (const s of ranking) {
    const key = stored.get(s.id)!.payload.artistKeys[0] ?? `work:${s.id}`;
    const g = groups.get(key);
    if (g) {
      if (g.length < groupSize) g.push(s);
    } else if (groups.size < k) groups.set(key, [s]);
  }
  return [...groups].map(([key, hits]) => ({ key, hits }));
}

function checkGroups(groups: readonly VectorGroup[], ranking: readonly Scored[], stored: ReadonlyMap<string, VectorPoint>, k: number, groupSize: number, label: string): void {
  const expected = bruteForceGroups(ranking, stored, k, groupSize);
  const exact = new Map(ranking.map((s) => [s.id, s.score]));
  expect(groups.length, `${label}: number of groups`).toBe(expected.length);
  const seenArtists = new Set<string>();
  const seenIds = new Set<string>();
  for (let g = 0; g < groups.length; g++) {
    const { key, hits } = groups[g];
    expect(hits.length, `${label}: group ${g} has hits`).toBeGreaterThan(0);
    expect(hits.length, `${label}: group ${g} size`).toBeLessThanOrEqual(groupSize);
    const first = hits[0].payload.artistKeys[0];
    if (first === undefined) {
      expect(hits.length, `${label}: a work without artists is a group of its own`).toBe(1);
    } else {
      expect(key, `${label}: group ${g} key is its first artist`).toBe(first);
      expect(seenArtists.has(first), `${label}: artist ${first} forms one group`).toBe(false);
      seenArtists.add(first);
      for (const h of hits) expect(h.payload.artistKeys[0], `${label}: every hit of group ${key} has it as first artist`).toBe(first);
    }
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i];
      expect(exact.has(h.id), `${label}: ${h.id} passes the filter`).toBe(true);
      expect(seenIds.has(h.id), `${label}: ${h.id} appears once`).toBe(false);
      seenIds.add(h.id);
      expect(Math.abs(h.score - exact.get(h.id)!), `${label}: score of ${h.id}`).toBeLessThan(SCORE_TOLERANCE);
      if (i > 0) expect(h.score, `${label}: group ${g} hits descending`).toBeLessThanOrEqual(hits[i - 1].score + 1e-6);
    }
    if (g > 0) expect(hits[0].score, `${label}: groups ordered by best hit`).toBeLessThanOrEqual(groups[g - 1].hits[0].score + 1e-6);
    // the groups are the exact best groups, and each holds its artist's best works (a prefix: Qdrant fills groups best-effort)
    expect(Math.abs(hits[0].score - expected[g].hits[0].score), `${label}: best score of group ${g}`).toBeLessThan(SCORE_TOLERANCE);
    if (first !== undefined) {
      const exp = expected.find((e) => e.key === first);
      expect(exp, `${label}: artist ${first} is among the exact best groups`).toBeDefined();
      for (let i = 0; i < hits.length; i++) {
        expect(Math.abs(hits[i].score - exp!.hits[i].score), `${label}: hit ${i} of group ${first} is its ${i + 1}th best work`).toBeLessThan(TIE + SCORE_TOLERANCE);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the suite

export function vectorIndexContract(name: string, open: () => Promise<ContractEnv>, options: { readonly componentTolerance?: number } = {}): void {
  describe(name, () => {
    let env: ContractEnv;
    const index = (): VectorIndex => env.index;

    beforeAll(async () => {
      componentTolerance = options.componentTolerance ?? 1e-6;
      env = await open();
    });
    afterAll(async () => {
      await env?.cleanup();
    });

    describe("collections, upsert and get", () => {
      it("ensureCollection is idempotent, a new collection is empty and listed, and re-ensuring keeps points", async () => {
        const c = env.collection("ensure");
        await index().ensureCollection(c, DIM);
        await index().ensureCollection(c, DIM);
        expect(await index().count(c)).toBe(0);
        expect(await index().count(c, { hasImage: true })).toBe(0);
        expect(await index().search(c, { vector: randomUnitVector(mulberry32(1)), k: 5 })).toEqual([]);
        expect(await index().listCollections()).toContain(c);

        const points = makePoints(mulberry32(2), 12);
        await index().upsert(c, points);
        await index().ensureCollection(c, DIM);
        expect(await index().count(c)).toBe(12);
        expectSamePoints(await index().get(c, points.map((p) => p.id)), points, "after re-ensure");
      });

      it("collectionInfo gives dimension and metadata, through aliases too; null when missing", async () => {
        const c = env.collection("info");
        const alias = env.collection("info_alias");
        const metadata = { embeddingVersion: "contract-v1", blend: { image: 0.7, metadata: 0.3 }, tags: ["a", "b"] };
        await index().ensureCollection(c, DIM, metadata);
        expect(await index().collectionInfo(c)).toEqual({ name: c, dimension: DIM, metadata });
        await index().ensureCollection(c, DIM, metadata);
        expect(await index().collectionInfo(c)).toEqual({ name: c, dimension: DIM, metadata });
        await index().setAlias(alias, c);
        expect(await index().collectionInfo(alias)).toEqual({ name: c, dimension: DIM, metadata });
        expect(await index().collectionInfo(env.collection("info_missing"))).toBeNull();
        const plain = env.collection("info_plain");
        await index().ensureCollection(plain, 8);
        expect(await index().collectionInfo(plain)).toEqual({ name: plain, dimension: 8, metadata: {} });
      });

      it("get returns upserted vectors and payloads as written, skipping unknown ids", async () => {
        const rng = mulberry32(10);
        const c = env.collection("upsert");
        await index().ensureCollection(c, DIM);
        const points = makePoints(rng, 40);
        // payload corner cases: all nullable fields null, no artists, several artists
        points[0] = { ...points[0], payload: { artistKeys: [], mediumCategory: null, department: null, yearStart: null, yearEnd: null, hasImage: false, embeddingVersion: EMBEDDING_VERSION } };
        points[1] = { ...points[1], payload: { ...points[1].payload, artistKeys: ["artist-01", "artist-02", "artist-03"], yearStart: 1600, yearEnd: 1650, hasImage: true } };
        points[2] = { ...points[2], payload: { ...points[2].payload, artistKeys: ["artist-05"], mediumCategory: "print", department: "Asian Art", yearStart: -200, yearEnd: -150 } };
        await index().upsert(c, points);

        expect(await index().count(c)).toBe(40);
        const unknown = [randomUuid(rng), randomUuid(rng)];
        const got = await index().get(c, [unknown[0], ...points.map((p) => p.id), unknown[1]]);
        expectSamePoints(got, points, "get");
        expect(await index().get(c, unknown)).toEqual([]);
        expect(await index().get(c, [])).toEqual([]);
        expectSamePoints(await index().get(c, [points[3].id]), [points[3]], "get one");
      });

      it("upsert of an existing id replaces its vector and payload; count reflects distinct ids", async () => {
        const rng = mulberry32(11);
        const c = env.collection("replace");
        await index().ensureCollection(c, DIM);
        const points = makePoints(rng, 20);
        await index().upsert(c, points);
        const replaced = points.slice(0, 6).map((p) => ({ id: p.id, vector: randomUnitVector(rng), payload: randomPayload(rng, { embeddingVersion: "contract-v2" }) }));
        const added = makePoints(rng, 4);
        await index().upsert(c, [...replaced, ...added]);
        const now = [...replaced, ...points.slice(6), ...added];
        expect(await index().count(c)).toBe(24);
        expectSamePoints(await index().get(c, now.map((p) => p.id)), now, "after replace");
        // search sees the new vector, not the old one
        const stored = new Map(now.map((p) => [p.id, p]));
        for (const p of replaced.slice(0, 3)) {
          const hits = await index().search(c, { vector: p.vector, k: 3 });
          expect(hits[0].id).toBe(p.id);
          expect(hits[0].score).toBeGreaterThan(1 - 1e-4);
          expect(hits[0].payload).toEqual(p.payload);
        }
        const oldVector = points[0].vector;
        const hits = await index().search(c, { vector: oldVector, k: 24 });
        checkHits(hits, bruteForce(now, oldVector, 24), (id) => cosine(oldVector, stored.get(id)!.vector), stored, "old vector query");
      });

      it("concurrent upserts all land; empty upserts and deletes are harmless", async () => {
        const rng = mulberry32(12);
        const c = env.collection("concurrent");
        await index().ensureCollection(c, DIM);
        const batches = [makePoints(rng, 15), makePoints(rng, 15), makePoints(rng, 15), makePoints(rng, 15)];
        await Promise.all(batches.map((b) => index().upsert(c, b)));
        await index().upsert(c, []);
        await index().delete(c, []);
        const all = batches.flat();
        expect(await index().count(c)).toBe(60);
        expectSamePoints(await index().get(c, all.map((p) => p.id)), all, "concurrent");
      });
    });

    describe("reads over a shared collection", () => {
      const rng = mulberry32(20240601);
      const points = makePoints(rng, 500);
      // hand-dated works for the overlap rules
      const yearPoints: VectorPoint[] = ([[1600, 1650], [1500, 1500], [1700, 1800], [null, null], [1640, 1640]] as const).map(([s, e]) => ({
        id: randomUuid(rng),
        vector: randomUnitVector(rng),
        payload: randomPayload(rng, { yearStart: s, yearEnd: e }),
      }));
      const all = [...points, ...yearPoints];
      const stored = new Map(all.map((p) => [p.id, p]));
      // 20 queries: 10 near stored works (the usual "more like this"), 10 random directions
      const queries = [
        ...Array.from({ length: 10 }, (_, i) => perturbed(rng, points[i * 37].vector, 0.08)),
        ...Array.from({ length: 10 }, () => randomUnitVector(rng)),
      ];
      const cosTo = (q: Float32Array) => (id: string) => cosine(q, stored.get(id)!.vector);
      let c: string;

      beforeAll(async () => {
        c = env.collection("shared");
        await index().ensureCollection(c, DIM);
        await upsertInBatches(index(), c, all);
      });

      it("count is the number of points", async () => {
        expect(await index().count(c)).toBe(all.length);
        expect(await index().count(c, {})).toBe(all.length);
      });

      it("search returns the exact top-k, best first, with cosine scores", async () => {
        let total = 0;
        for (const [i, q] of queries.entries()) {
          const hits = await index().search(c, { vector: q, k: 10 });
          const recall = checkHits(hits, bruteForce(all, q, 10), cosTo(q), stored, `query ${i}`);
          expect(recall, `recall of query ${i}`).toBeGreaterThanOrEqual(0.9);
          total += recall;
        }
        expect(total / queries.length, "mean recall@10").toBeGreaterThanOrEqual(0.99);
      });

      it("withVectors returns each hit's stored vector (search, grouped search, both recommend strategies); without it hits carry none", async () => {
        const q = queries[2];
        const sameAsStored = (hits: readonly VectorHit[], label: string) => {
          expect(hits.length, label).toBeGreaterThan(0);
          for (const h of hits) {
            expect(h.vector, `${label}: ${h.id}`).toBeInstanceOf(Float32Array);
            const want = stored.get(h.id)!.vector;
            expect(h.vector!.length).toBe(want.length);
            // the stored vector, up to the store's rounding (Qdrant normalises cosine vectors)
            expect(cosine(h.vector!, want), `${label}: ${h.id}`).toBeGreaterThan(0.9999);
          }
        };
        sameAsStored(await index().search(c, { vector: q, k: 7, withVectors: true, filter: { hasImage: true } }), "search");
        sameAsStored((await index().searchGroups(c, { vector: q, k: 4, groupSize: 2, withVectors: true })).flatMap((g) => g.hits), "searchGroups");
        for (const strategy of ["AVERAGE_VECTOR", "BEST_SCORE"] as const) {
          sameAsStored(await index().recommend(c, { positive: [points[5].vector], negative: [points[6].vector], strategy, k: 6, withVectors: true }), strategy);
        }
        for (const h of await index().search(c, { vector: q, k: 5 })) expect(h.vector).toBeUndefined();
      });

      it("a stored vector finds itself first with score 1; k = 1 and large k work", async () => {
        const p = points[123];
        const one = await index().search(c, { vector: p.vector, k: 1 });
        expect(one.map((h) => h.id)).toEqual([p.id]);
        expect(one[0].score).toBeGreaterThan(1 - 1e-4);
        const q = queries[3];
        const many = await index().search(c, { vector: q, k: 60 });
        expect(checkHits(many, bruteForce(all, q, 60), cosTo(q), stored, "k=60")).toBeGreaterThanOrEqual(0.9);
      });

      it("searchNear: the stored point's vector and its nearest other points, as search with that vector; null for a point not stored", async () => {
        let total = 0;
        for (const i of [0, 37, 123, 250, 499]) {
          const p = points[i];
          const filter: VectorFilter | undefined = i === 250 ? { hasImage: true } : undefined;
          const extra = i === 123 ? bruteForce(all, p.vector, 3, undefined, [p.id]).map((s) => s.id) : [];
          const near = await index().searchNear(c, { id: p.id, k: 10, filter, excludeIds: extra, withVectors: true });
          expect(near, `point ${i}`).not.toBeNull();
          expectSameDirection(near!.vector, p.vector, `point ${i}`);
          expect(near!.hits.map((h) => h.id), `point ${i} is not its own neighbour`).not.toContain(p.id);
          for (const h of near!.hits) {
            expect(extra).not.toContain(h.id);
            expect(cosine(h.vector!, stored.get(h.id)!.vector), `${h.id}'s vector`).toBeGreaterThan(0.9999);
          }
          total += checkHits(near!.hits, bruteForce(all, p.vector, 10, filter, [p.id, ...extra]), cosTo(p.vector), stored, `near ${i}`);
        }
        expect(total / 5, "mean recall@10").toBeGreaterThanOrEqual(0.95);
        const plain = await index().searchNear(c, { id: points[1].id, k: 3 });
        for (const h of plain!.hits) expect(h.vector).toBeUndefined();
        expect(await index().searchNear(c, { id: randomUuid(mulberry32(99)), k: 5 })).toBeNull();
        expect(await index().searchNear(c, { id: "not-a-stored-id", k: 5 })).toBeNull();
      });

      it("excludeIds are never returned and k results still come back", async () => {
        let total = 0;
        for (const [i, q] of queries.slice(0, 8).entries()) {
          const top = bruteForce(all, q, 6);
          const excludeIds = [...top.map((s) => s.id), randomUuid(mulberry32(i))];
          const hits = await index().search(c, { vector: q, k: 10, excludeIds });
          expect(hits).toHaveLength(10);
          for (const h of hits) expect(excludeIds).not.toContain(h.id);
          total += checkHits(hits, bruteForce(all, q, 10, undefined, excludeIds), cosTo(q), stored, `exclude ${i}`);
        }
        expect(total / 8).toBeGreaterThanOrEqual(0.95);
      });

      describe("filters", () => {
        const someIds = all.filter((_, i) => i % 17 === 3).map((p) => p.id); // 30 ids
        const nearQuery0 = bruteForce(all, queries[0], 25).map((s) => s.id);
        const cases: [string, VectorFilter][] = [
          ["artistKeys.any", { artistKeys: { any: ["artist-01", "artist-02", "artist-03", "artist-04"] } }],
          ["artistKeys.none (works without artists pass)", { artistKeys: { none: ARTISTS.slice(0, 20) } }],
          ["artistKeys.any and .none (a second artist excludes)", { artistKeys: { any: ARTISTS.slice(0, 15), none: ["artist-03", "artist-07", "artist-30", "artist-31", "artist-32"] } }],
          ["mediumCategories.any", { mediumCategories: { any: ["print", "sculpture"] } }],
          ["mediumCategories.none (no medium passes)", { mediumCategories: { none: ["painting", "print"] } }],
          ["departments", { departments: ["Asian Art", "Drawings and Prints"] }],
          ["yearFrom (overlap; undated never match)", { yearFrom: 1700 }],
          ["yearTo", { yearTo: 1550 }],
          ["yearFrom and yearTo", { yearFrom: 1600, yearTo: 1700 }],
          ["hasImage true", { hasImage: true }],
          ["hasImage false", { hasImage: false }],
          ["ids.any", { ids: { any: someIds } }],
          ["ids.none (the nearest 25 to a query)", { ids: { none: nearQuery0 } }],
          [
            "combined",
            { artistKeys: { none: ["artist-00", "artist-01"] }, mediumCategories: { any: ["painting", "print", "drawing"] }, yearFrom: 1450, hasImage: true },
          ],
          ["combined with departments and years", { departments: ["European Paintings", "Modern Art", "Asian Art"], yearTo: 1800, hasImage: true, ids: { none: nearQuery0 } }],
          ["fewer than k pass", { ids: { any: someIds.slice(0, 6) }, hasImage: true }],
          ["nothing passes", { departments: ["No Such Department"] }],
          ["empty filter", {}],
        ];

        for (const [label, filter] of cases) {
          it(`${label}: every hit passes, k hits whenever k pass, count matches`, async () => {
            const passing = all.filter((p) => passes(p, filter));
            if (!label.startsWith("fewer") && !label.startsWith("nothing")) expect(passing.length, "test data: at least k pass").toBeGreaterThanOrEqual(10);
            if (label.startsWith("fewer")) expect(passing.length, "test data: fewer than k pass").toBeLessThan(10);
            expect(await index().count(c, filter)).toBe(passing.length);
            let total = 0;
            const qs = [queries[0], queries[5], queries[15]];
            for (const [i, q] of qs.entries()) {
              const hits = await index().search(c, { vector: q, k: 10, filter });
              expect(hits.length).toBe(Math.min(10, passing.length));
              for (const h of hits) expect(passes(stored.get(h.id)!, filter), `${h.id} passes ${JSON.stringify(filter)}`).toBe(true);
              const recall = checkHits(hits, bruteForce(all, q, 10, filter), cosTo(q), stored, `${label}, query ${i}`);
              expect(recall).toBeGreaterThanOrEqual(0.9);
              total += recall;
            }
            expect(total / qs.length).toBeGreaterThanOrEqual(0.95);
          });
        }

        it("filter and excludeIds together", async () => {
          const filter: VectorFilter = { hasImage: true, mediumCategories: { none: ["sculpture"] } };
          const q = queries[2];
          const excludeIds = bruteForce(all, q, 4, filter).map((s) => s.id);
          const hits = await index().search(c, { vector: q, k: 10, filter, excludeIds });
          expect(checkHits(hits, bruteForce(all, q, 10, filter, excludeIds), cosTo(q), stored, "filter+exclude")).toBeGreaterThanOrEqual(0.9);
          for (const h of hits) expect(excludeIds).not.toContain(h.id);
        });

        it("year conditions mean overlap with the work's dates, inclusive; undated works never match", async () => {
          const ids = yearPoints.map((p) => p.id);
          const [w1600_1650, w1500, w1700_1800, undated, w1640] = ids;
          const expectations: [VectorFilter, string[]][] = [
            [{ yearFrom: 1640 }, [w1600_1650, w1700_1800, w1640]],
            [{ yearFrom: 1650 }, [w1600_1650, w1700_1800]],
            [{ yearFrom: 1651 }, [w1700_1800]],
            [{ yearTo: 1600 }, [w1600_1650, w1500]],
            [{ yearTo: 1599 }, [w1500]],
            [{ yearFrom: 1640, yearTo: 1645 }, [w1600_1650, w1640]],
            [{ yearFrom: 1651, yearTo: 1699 }, []],
            [{ yearFrom: 1000, yearTo: 3000 }, [w1600_1650, w1500, w1700_1800, w1640]],
          ];
          expect(yearPoints[3].payload.yearStart).toBeNull(); // `undated` is in the candidates and never matches
          expect(undated).toBeDefined();
          for (const [years, want] of expectations) {
            const filter: VectorFilter = { ...years, ids: { any: ids } };
            const hits = await index().search(c, { vector: queries[1], k: 10, filter });
            expect(hits.map((h) => h.id).sort(), JSON.stringify(years)).toEqual([...want].sort());
            expect(await index().count(c, filter), JSON.stringify(years)).toBe(want.length);
          }
        });
      });

      describe("searchGroups", () => {
        it("groups by first artist, at most groupSize per group, groups ordered by best hit, k groups", async () => {
          for (const [i, q] of queries.slice(0, 6).entries()) {
            const groups = await index().searchGroups(c, { vector: q, k: 5, groupSize: 3 });
            checkGroups(groups, bruteForce(all, q, Infinity), stored, 5, 3, `groups ${i}`);
          }
        });

        it("groupSize 1 gives one best work per artist", async () => {
          const q = queries[12];
          const groups = await index().searchGroups(c, { vector: q, k: 8, groupSize: 1 });
          checkGroups(groups, bruteForce(all, q, Infinity), stored, 8, 1, "groupSize 1");
          for (const g of groups) expect(g.hits).toHaveLength(1);
        });

        it("honours filter and excludeIds", async () => {
          const q = queries[4];
          const filter: VectorFilter = { hasImage: true, yearFrom: 1500 };
          const excludeIds = bruteForce(all, q, 3, filter).map((s) => s.id);
          const groups = await index().searchGroups(c, { vector: q, k: 6, groupSize: 2, filter, excludeIds });
          for (const g of groups) for (const h of g.hits) {
            expect(passes(stored.get(h.id)!, filter)).toBe(true);
            expect(excludeIds).not.toContain(h.id);
          }
          checkGroups(groups, bruteForce(all, q, Infinity, filter, excludeIds), stored, 6, 2, "filtered groups");
        });

        it("an artist filter restricts the groups' works", async () => {
          const q = queries[7];
          const filter: VectorFilter = { artistKeys: { any: ["artist-10", "artist-11"] } };
          const groups = await index().searchGroups(c, { vector: q, k: 5, groupSize: 2 });
          expect(groups.length).toBe(5);
          const only = await index().searchGroups(c, { vector: q, k: 5, groupSize: 2, filter });
          checkGroups(only, bruteForce(all, q, Infinity, filter), stored, 5, 2, "artist filter");
        });
      });

      describe("recommend", () => {
        it("AVERAGE_VECTOR with positives only is a search with their average", async () => {
          for (const [i, ex] of [[3, 99, 250], [10, 11, 12], [400]].entries()) {
            const positive = ex.map((j) => points[j].vector);
            const avg = averageQuery(positive, []);
            const hits = await index().recommend(c, { positive, negative: [], strategy: "AVERAGE_VECTOR", k: 10 });
            const viaSearch = await index().search(c, { vector: avg, k: 10 });
            // the same ids in the same order as search(avg) (up to ties: the adapter may average in float32)
            expect(new Set(hits.map((h) => h.id)), `example ${i}: same ids as search(avg)`).toEqual(new Set(viaSearch.map((h) => h.id)));
            for (let j = 0; j < hits.length; j++) {
              expect(Math.abs(hits[j].score - viaSearch[j].score)).toBeLessThan(SCORE_TOLERANCE);
              if (hits[j].id !== viaSearch[j].id) expect(Math.abs(hits[j].score - viaSearch[j].score), `example ${i}: position ${j}`).toBeLessThan(TIE);
            }
            expect(checkHits(hits, bruteForce(all, avg, 10), cosTo(avg), stored, `average ${i}`)).toBeGreaterThanOrEqual(0.9);
          }
        });

        it("AVERAGE_VECTOR with negatives: query avg(pos) + (avg(pos) − avg(neg)); hits nearer the positives", async () => {
          const r = mulberry32(31);
          const anchor = points[42].vector;
          const positive = [perturbed(r, anchor, 0.05), perturbed(r, anchor, 0.05), perturbed(r, points[43].vector, 0.05)];
          const negative = [points[300].vector, perturbed(r, points[301].vector, 0.05)];
          const q = averageQuery(positive, negative);
          const hits = await index().recommend(c, { positive, negative, strategy: "AVERAGE_VECTOR", k: 10 });
          expect(checkHits(hits, bruteForce(all, q, 10), cosTo(q), stored, "average with negatives")).toBeGreaterThanOrEqual(0.9);
          const mean = (vs: Float32Array[], v: Float32Array) => vs.reduce((s, x) => s + cosine(x, v), 0) / vs.length;
          for (const h of hits) {
            const v = stored.get(h.id)!.vector;
            expect(mean(positive, v), `${h.id} nearer the positives`).toBeGreaterThan(mean(negative, v));
          }
          // a negative example pushes results away: the negative's own work is not recommended
          expect(hits.map((h) => h.id)).not.toContain(points[300].id);
        });

        it("BEST_SCORE: the top hit is a positive's nearest neighbour; scores are best-example scores, descending", async () => {
          const r = mulberry32(32);
          const positive = [perturbed(r, points[60].vector, 0.03), perturbed(r, points[160].vector, 0.03), randomUnitVector(r)];
          const negative = [randomUnitVector(r)];
          const hits = await index().recommend(c, { positive, negative, strategy: "BEST_SCORE", k: 10 });
          const score = (id: string) => bestScore(positive, negative, stored.get(id)!.vector);
          const expected = ranked(all, (v) => bestScore(positive, negative, v), undefined, 10);
          expect(checkHits(hits, expected, score, stored, "best score")).toBeGreaterThanOrEqual(0.9);
          const nearest = positive.map((p) => bruteForce(all, p, 1)[0].id);
          expect(nearest).toContain(hits[0].id);
          expect(hits[0].id).toBe(expected[0].id);
        });

        it("BEST_SCORE: a work closer to a negative than to every positive scores −(best negative)² and sinks", async () => {
          const r = mulberry32(33);
          const target = points[77];
          const positive = [perturbed(r, target.vector, 0.1), perturbed(r, points[78].vector, 0.03)];
          const negative = [target.vector];
          const hits = await index().recommend(c, { positive, negative, strategy: "BEST_SCORE", k: 10 });
          expect(hits.map((h) => h.id)).not.toContain(target.id);
          const expected = ranked(all, (v) => bestScore(positive, negative, v), undefined, 10);
          expect(checkHits(hits, expected, (id) => bestScore(positive, negative, stored.get(id)!.vector), stored, "negative sinks")).toBeGreaterThanOrEqual(0.9);
        });

        for (const strategy of ["AVERAGE_VECTOR", "BEST_SCORE"] as const) {
          it(`${strategy} honours filter and excludeIds`, async () => {
            const r = mulberry32(34);
            const positive = [perturbed(r, points[5].vector, 0.05), perturbed(r, points[205].vector, 0.05)];
            const negative = [randomUnitVector(r)];
            const filter: VectorFilter = { hasImage: true, mediumCategories: { none: ["painting"] } };
            const score = strategy === "AVERAGE_VECTOR" ? ((q) => (v: Float32Array) => cosine(q, v))(averageQuery(positive, negative)) : (v: Float32Array) => bestScore(positive, negative, v);
            const excludeIds = ranked(all, score, (p) => passes(p, filter), 3).map((s) => s.id);
            const hits = await index().recommend(c, { positive, negative, strategy, k: 10, filter, excludeIds });
            expect(hits).toHaveLength(10);
            for (const h of hits) {
              expect(passes(stored.get(h.id)!, filter)).toBe(true);
              expect(excludeIds).not.toContain(h.id);
            }
            const expected = ranked(all, score, (p) => passes(p, filter, excludeIds), 10);
            expect(checkHits(hits, expected, (id) => score(stored.get(id)!.vector), stored, `${strategy} filtered`)).toBeGreaterThanOrEqual(0.9);
          });
        }
      });
    });

    describe("neighbourhoods dominated by one artist or by the negatives", () => {
      // 100 works by one artist crowd around direction u; 200 works by others are spread at random
      const rng = mulberry32(777);
      const u = randomUnitVector(rng);
      const crowd = makePoints(rng, 100, (r) => randomPayload(r, { artistKeys: ["artist-dominant"] })).map((p) => ({ ...p, vector: perturbed(rng, u, 0.05) }));
      const others = makePoints(rng, 200, (r) => randomPayload(r, { artistKeys: [pick(r, ARTISTS)] }));
      const all = [...crowd, ...others];
      const stored = new Map(all.map((p) => [p.id, p]));
      let c: string;

      beforeAll(async () => {
        c = env.collection("crowded");
        await index().ensureCollection(c, DIM);
        await upsertInBatches(index(), c, all);
      });

      it("searchGroups still gives k groups when one artist fills the whole neighbourhood", async () => {
        for (const [k, groupSize] of [[5, 2], [4, 3], [8, 1]] as const) {
          const groups = await index().searchGroups(c, { vector: u, k, groupSize });
          checkGroups(groups, bruteForce(all, u, Infinity), stored, k, groupSize, `crowded k=${k} groupSize=${groupSize}`);
          expect(groups[0].key).toBe("artist-dominant");
        }
      });

      it("BEST_SCORE: when every near neighbour of the positive is nearer the negative, the best positive-chosen works still come first", async () => {
        // the positive sits beside the crowd, the negative in its middle: every crowd work scores −(best negative)²
        const w = randomUnitVector(rng);
        const positive = [normalised(Float32Array.from(u, (x, i) => x + 0.5 * w[i]))];
        const negative = [u];
        const expected = ranked(all, (v) => bestScore(positive, negative, v), undefined, 10);
        expect(expected[0].score, "test data: some work is nearer the positive").toBeGreaterThan(0);
        const hits = await index().recommend(c, { positive, negative, strategy: "BEST_SCORE", k: 10 });
        const recall = checkHits(hits, expected, (id) => bestScore(positive, negative, stored.get(id)!.vector), stored, "crowd nearer the negative");
        expect(recall).toBeGreaterThanOrEqual(0.9);
        for (const h of hits) expect(h.payload.artistKeys[0]).not.toBe("artist-dominant");
      });
    });

    describe("delete", () => {
      it("removes points from get, search and count; unknown ids are harmless", async () => {
        const rng = mulberry32(40);
        const c = env.collection("delete");
        await index().ensureCollection(c, DIM);
        const points = makePoints(rng, 60);
        await index().upsert(c, points);
        const gone = points.filter((_, i) => i % 4 === 1); // 15
        const kept = points.filter((_, i) => i % 4 !== 1);
        await index().delete(c, [...gone.map((p) => p.id), randomUuid(rng)]);

        expect(await index().count(c)).toBe(45);
        expect(await index().count(c, { hasImage: true })).toBe(kept.filter((p) => p.payload.hasImage).length);
        expectSamePoints(await index().get(c, points.map((p) => p.id)), kept, "after delete");
        const stored = new Map(kept.map((p) => [p.id, p]));
        const goneIds = new Set(gone.map((p) => p.id));
        for (const p of gone.slice(0, 5)) {
          const hits = await index().search(c, { vector: p.vector, k: 5 });
          for (const h of hits) expect(goneIds.has(h.id)).toBe(false);
          checkHits(hits, bruteForce(kept, p.vector, 5), (id) => cosine(p.vector, stored.get(id)!.vector), stored, "search after delete");
        }
        // k beyond the collection: every remaining point, none deleted
        const everything = await index().search(c, { vector: gone[0].vector, k: 100 });
        expect(everything).toHaveLength(45);
        const everythingFiltered = await index().search(c, { vector: gone[0].vector, k: 100, filter: { hasImage: false } });
        expect(everythingFiltered).toHaveLength(kept.filter((p) => !p.payload.hasImage).length);

        // deleting unknown or already deleted ids changes nothing
        await index().delete(c, [randomUuid(rng), randomUuid(rng)]);
        await index().delete(c, gone.slice(0, 3).map((p) => p.id));
        expect(await index().count(c)).toBe(45);

        // a deleted id can come back
        await index().upsert(c, [gone[0]]);
        expect(await index().count(c)).toBe(46);
        expectSamePoints(await index().get(c, [gone[0].id]), [gone[0]], "re-upserted");
        const back = await index().search(c, { vector: gone[0].vector, k: 1 });
        expect(back[0].id).toBe(gone[0].id);
      });
    });

    describe("aliases", () => {
      it("resolve, read through an alias, swap to another collection, list and drop collections", async () => {
        const rng = mulberry32(50);
        const a = env.collection("alias_a");
        const b = env.collection("alias_b");
        const alias = env.collection("alias_live");
        await index().ensureCollection(a, DIM);
        await index().ensureCollection(b, DIM);
        const inA = makePoints(rng, 30);
        const inB = makePoints(rng, 45);
        await index().upsert(a, inA);
        await index().upsert(b, inB);

        expect(await index().resolveAlias(env.collection("alias_unknown"))).toBeNull();
        await index().setAlias(alias, a);
        expect(await index().resolveAlias(alias)).toBe(a);

        const q = randomUnitVector(rng);
        const storedA = new Map(inA.map((p) => [p.id, p]));
        const storedB = new Map(inB.map((p) => [p.id, p]));
        expect(await index().count(alias)).toBe(30);
        expect(await index().count(alias, { hasImage: true })).toBe(inA.filter((p) => p.payload.hasImage).length);
        expectSamePoints(await index().get(alias, [...inA, ...inB].map((p) => p.id)), inA, "get via alias → a");
        checkHits(await index().search(alias, { vector: q, k: 5 }), bruteForce(inA, q, 5), (id) => cosine(q, storedA.get(id)!.vector), storedA, "search via alias → a");

        // the swap is atomic: reads running across it see all of a or all of b, never an error
        const idsA = new Set(inA.map((p) => p.id));
        const idsB = new Set(inB.map((p) => p.id));
        const reads: Promise<void>[] = [];
        const read = async () => {
          const [n, hits] = await Promise.all([index().count(alias), index().search(alias, { vector: q, k: 5 })]);
          expect([30, 45]).toContain(n);
          const inOne = hits.every((h) => idsA.has(h.id)) || hits.every((h) => idsB.has(h.id));
          expect(inOne, "hits all from one collection").toBe(true);
        };
        for (let i = 0; i < 10; i++) reads.push(read());
        const swap = index().setAlias(alias, b);
        for (let i = 0; i < 10; i++) reads.push(read());
        await Promise.all([swap, ...reads]);

        expect(await index().resolveAlias(alias)).toBe(b);
        expect(await index().count(alias)).toBe(45);
        expectSamePoints(await index().get(alias, [...inA, ...inB].map((p) => p.id)), inB, "get via alias → b");
        checkHits(await index().search(alias, { vector: q, k: 5 }), bruteForce(inB, q, 5), (id) => cosine(q, storedB.get(id)!.vector), storedB, "search via alias → b");
        const groups = await index().searchGroups(alias, { vector: q, k: 3, groupSize: 2 });
        for (const g of groups) for (const h of g.hits) expect(idsB.has(h.id)).toBe(true);
        const recs = await index().recommend(alias, { positive: [inB[0].vector], negative: [], strategy: "AVERAGE_VECTOR", k: 3 });
        expect(recs[0].id).toBe(inB[0].id);

        // writes through the alias go to the target
        const extra = makePoints(rng, 3);
        await index().upsert(alias, extra);
        expect(await index().count(b)).toBe(48);
        await index().delete(alias, [extra[0].id]);
        expect(await index().count(b)).toBe(47);
        expect(await index().count(a)).toBe(30);

        // paging through an alias
        const paged = await index().ids(alias, null, 1000);
        expect(paged).toHaveLength(47);

        const listed = await index().listCollections();
        expect(listed).toEqual(expect.arrayContaining([a, b]));
        expect(listed).not.toContain(alias);

        await index().dropCollection(a);
        expect(await index().listCollections()).not.toContain(a);
        expect(await index().resolveAlias(alias)).toBe(b);
        expect(await index().count(alias)).toBe(47);
        // a dropped collection can be created again, empty
        await index().ensureCollection(a, DIM);
        expect(await index().count(a)).toBe(0);
        expect(await index().get(a, inA.map((p) => p.id))).toEqual([]);
        await index().dropCollection(a);
      });
    });

    describe("ids", () => {
      it("paging through every id returns each exactly once", async () => {
        const rng = mulberry32(60);
        const c = env.collection("paging");
        await index().ensureCollection(c, DIM);
        const points = makePoints(rng, 137);
        await index().upsert(c, points);
        const removed = points.slice(0, 7).map((p) => p.id);
        await index().delete(c, removed);
        const expected = points.slice(7).map((p) => p.id).sort();

        for (const limit of [1, 20, 130, 500]) {
          const seen: string[] = [];
          let after: string | null = null;
          for (let pages = 0; pages < 200; pages++) {
            const page: string[] = await index().ids(c, after, limit);
            expect(page.length).toBeLessThanOrEqual(limit);
            if (page.length === 0) break;
            seen.push(...page);
            after = page[page.length - 1];
            if (page.length < limit) break;
          }
          expect(seen.length, `limit ${limit}: no id twice`).toBe(new Set(seen).size);
          expect([...seen].sort(), `limit ${limit}: every id`).toEqual(expected);
        }
        const empty = env.collection("paging_empty");
        await index().ensureCollection(empty, DIM);
        expect(await index().ids(empty, null, 10)).toEqual([]);
      });
    });
  });
}
