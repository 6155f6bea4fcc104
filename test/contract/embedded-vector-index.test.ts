/**
 * The embedded (usearch) VectorIndex: the shared contract on a fresh temp folder, then what only the
 * embedded adapter promises: it persists in its folder (close and reopen → same points, results and
 * aliases; a crash image of the folder opens with every acknowledged write), saves crash-safely (no
 * temp files after a save; half-written temp files from a crash don't break opening), and filtered
 * search still returns k results when very few points pass.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UsearchVectorIndex } from "../../src/adapters/embedded/usearch-vector-index.ts";
import type { VectorFilter, VectorHit, VectorIndex, VectorPoint } from "../../src/ports/vector-index.port.ts";
import {
  bruteForce,
  checkHits,
  cosine,
  DEPARTMENTS,
  DIM,
  makePoints,
  mulberry32,
  normalised,
  passes,
  perturbed,
  randomPayload,
  randomUnitVector,
  randomUuid,
  inTempFolder,
  vectorIndexContract,
} from "./vector-index.contract.ts";

vectorIndexContract("UsearchVectorIndex (embedded, f32 graph)", () => inTempFolder("vitrine-usearch-contract-", (dir) => UsearchVectorIndex.open({ dir, quantization: "f32" })));
vectorIndexContract("UsearchVectorIndex (embedded, i8 graph)", () => inTempFolder("vitrine-usearch-i8-contract-", (dir) => UsearchVectorIndex.open({ dir, quantization: "i8" })));
// the served default: candidates from an i8 graph, ranked and scored by f16 vectors
vectorIndexContract("UsearchVectorIndex (embedded, i8 graph, f16 vectors)", () => inTempFolder("vitrine-usearch-f16-contract-", (dir) => UsearchVectorIndex.open({ dir, quantization: "i8", precision: "f16" })), {
  componentTolerance: 5e-4,
});

/** Temp-file names a write-then-rename save might leave behind. */
const TEMP_NAME = /\.(tmp|temp|part|partial|swp)$|\.tmp[-.]|~$/i;

async function walk(dir: string, rel = ""): Promise<{ rel: string; isDir: boolean }[]> {
  const out: { rel: string; isDir: boolean }[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    out.push({ rel: r, isDir: e.isDirectory() });
    if (e.isDirectory()) out.push(...(await walk(dir, r)));
  }
  return out;
}

async function tempFiles(dir: string): Promise<string[]> {
  return (await walk(dir)).filter((e) => TEMP_NAME.test(path.basename(e.rel))).map((e) => e.rel);
}

/** Everything a reader can observe of some collections and aliases (vectors exactly as stored). */
async function observe(index: VectorIndex, ids: Record<string, readonly string[]>, aliases: readonly string[], queries: readonly Float32Array[]) {
  const collections = await index.listCollections();
  const infos = await Promise.all([...collections, ...aliases].map((n) => index.collectionInfo(n)));
  const resolved = await Promise.all(aliases.map((a) => index.resolveAlias(a)));
  const per: Record<string, unknown> = {};
  for (const [name, known] of Object.entries(ids)) {
    const points = (await index.get(name, known)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const searches: VectorHit[][] = [];
    for (const q of queries) {
      searches.push(await index.search(name, { vector: q, k: 10 }));
      searches.push(await index.search(name, { vector: q, k: 10, filter: { hasImage: true, yearFrom: 1500 } }));
    }
    per[name] = {
      count: await index.count(name),
      countFiltered: await index.count(name, { mediumCategories: { any: ["print", "painting"] } }),
      points: points.map((p) => ({ id: p.id, vector: Array.from(p.vector), payload: p.payload })),
      searches,
      pages: await index.ids(name, null, 100_000),
    };
  }
  return { collections, infos, resolved, per };
}

type Observed = Awaited<ReturnType<typeof observe>>;

/**
 * Same ids and payloads everywhere; vectors identical; search answers identical with scores equal to
 * 1e-6 — unless the graph was built anew (`newGraph`): an approximate search over another graph may
 * answer another near-tie, so its answers are checked against exact search instead (by the caller).
 */
function expectSameObservation(actual: Observed, expected: Observed, newGraph = false): void {
  expect(actual.collections).toEqual(expected.collections);
  expect(actual.resolved).toEqual(expected.resolved);
  expect(actual.infos).toEqual(expected.infos);
  for (const name of Object.keys(expected.per)) {
    const a = actual.per[name] as { searches: VectorHit[][] };
    const e = expected.per[name] as { searches: VectorHit[][] };
    expect({ ...(actual.per[name] as object), searches: null }, `collection ${name}`).toEqual({ ...(expected.per[name] as object), searches: null });
    if (newGraph) continue;
    expect(a.searches.map((s) => s.map((h) => h.id)), `search ids in ${name}`).toEqual(e.searches.map((s) => s.map((h) => h.id)));
    for (let i = 0; i < e.searches.length; i++) {
      for (let j = 0; j < e.searches[i].length; j++) expect(Math.abs(a.searches[i][j].score - e.searches[i][j].score)).toBeLessThan(1e-6);
    }
  }
}

describe("UsearchVectorIndex (embedded only)", () => {
  const dirs: string[] = [];
  const opened: UsearchVectorIndex[] = [];

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-usearch-"));
    dirs.push(dir);
    return dir;
  }

  async function openIndex(dir: string): Promise<UsearchVectorIndex> {
    const index = await UsearchVectorIndex.open({ dir });
    opened.push(index);
    return index;
  }

  afterEach(async () => {
    for (const index of opened.splice(0)) await index.close().catch(() => {});
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  /** Writes a small catalogue: two versions, an empty and a dropped collection, two aliases, replacements and deletes. */
  async function populate(index: VectorIndex, seed: number) {
    const rng = mulberry32(seed);
    const v1 = makePoints(rng, 300);
    const v2 = makePoints(rng, 40);
    await index.ensureCollection("works_v1", DIM, { embeddingVersion: "v1", note: "first" });
    await index.ensureCollection("works_v2", DIM);
    await index.ensureCollection("empty", DIM);
    await index.ensureCollection("dropped", DIM);
    for (let i = 0; i < v1.length; i += 100) await index.upsert("works_v1", v1.slice(i, i + 100));
    await index.upsert("works_v2", v2);
    await index.upsert("dropped", makePoints(rng, 5));
    const replaced = v1.slice(0, 10).map((p) => ({ id: p.id, vector: randomUnitVector(rng), payload: randomPayload(rng) }));
    await index.upsert("works_v1", replaced);
    const deleted = v1.slice(290).map((p) => p.id);
    await index.delete("works_v1", deleted);
    await index.setAlias("artworks", "works_v1");
    await index.setAlias("previous", "works_v1");
    await index.setAlias("artworks", "works_v2");
    await index.dropCollection("dropped");
    const ids = {
      works_v1: [...v1.map((p) => p.id), randomUuid(rng)],
      works_v2: v2.map((p) => p.id),
      empty: [randomUuid(rng)],
    };
    const queries = [randomUnitVector(rng), perturbed(rng, v1[50].vector, 0.08), perturbed(rng, v2[3].vector, 0.08)];
    const live = [...replaced, ...v1.slice(10, 290)];
    return { ids, queries, live, v2, aliases: ["artworks", "previous", "unknown"] };
  }

  describe("persistence", () => {
    it("close and reopen from the same folder: same collections, points, search results and aliases", async () => {
      const dir = await tempDir();
      const first = await openIndex(dir);
      const { ids, queries, live, aliases } = await populate(first, 1);
      const before = await observe(first, ids, aliases, queries);
      expect(before.collections).toEqual(["empty", "works_v1", "works_v2"]);
      expect(before.resolved).toEqual(["works_v2", "works_v1", null]);
      expect(await first.collectionInfo("previous")).toEqual({ name: "works_v1", dimension: DIM, metadata: { embeddingVersion: "v1", note: "first" } });
      expect((before.per.works_v1 as { count: number }).count).toBe(290);
      await first.close();

      const second = await openIndex(dir);
      const after = await observe(second, ids, aliases, queries);
      expectSameObservation(after, before);
      // and the reopened index still answers exactly
      const stored = new Map(live.map((p) => [p.id, p]));
      const q = queries[1];
      checkHits(await second.search("previous", { vector: q, k: 10 }), bruteForce(live, q, 10), (id) => cosine(q, stored.get(id)!.vector), stored, "reopened");

      // writes after a reopen persist as well (a second save over the first)
      const rng = mulberry32(2);
      const more = makePoints(rng, 25);
      await second.upsert("works_v1", more);
      await second.delete("works_v1", [live[20].id]);
      await second.setAlias("artworks", "works_v1");
      await second.dropCollection("empty");
      const before2 = await observe(second, { works_v1: [...ids.works_v1, ...more.map((p) => p.id)], works_v2: ids.works_v2 }, aliases, queries);
      await second.close();
      const third = await openIndex(dir);
      expectSameObservation(await observe(third, { works_v1: [...ids.works_v1, ...more.map((p) => p.id)], works_v2: ids.works_v2 }, aliases, queries), before2);
      expect(await third.count("works_v1")).toBe(290 + 25 - 1);
      expect(await third.listCollections()).toEqual(["works_v1", "works_v2"]);
    });

    it("a folder saved with one graph quantization opens with another: same points, exact scores, the new graph saved", async () => {
      const dir = await tempDir();
      const f32 = await openIndex(dir);
      const { ids, queries, live, aliases } = await populate(f32, 5);
      const before = await observe(f32, ids, aliases, queries);
      await f32.close();

      // the same data; the new graph's answers exact-scored and (nearly) the exact top 10
      const stored = new Map(live.map((p) => [p.id, p]));
      const expectSameDataNewGraph = async (index: VectorIndex, label: string) => {
        expectSameObservation(await observe(index, ids, aliases, queries), before, true);
        let recall = 0;
        for (const q of queries) recall += checkHits(await index.search("previous", { vector: q, k: 10 }), bruteForce(live, q, 10), (id) => cosine(q, stored.get(id)!.vector), stored, label);
        expect(recall / queries.length, `${label}: mean recall@10`).toBeGreaterThanOrEqual(0.9);
      };

      const i8 = await UsearchVectorIndex.open({ dir, quantization: "i8" });
      opened.push(i8);
      await expectSameDataNewGraph(i8, "i8 graph");
      await i8.close();
      const current = (await readFile(path.join(dir, "works_v1", "CURRENT"), "utf8")).trim();
      expect(JSON.parse(await readFile(path.join(dir, "works_v1", current, "points.json"), "utf8")).quantization).toBe("i8");
      // and back: an f32 graph built again from the same vectors
      await expectSameDataNewGraph(await openIndex(dir), "f32 graph built again");
    });

    it("a folder saved with f32 vectors opens with f16 ones (half the bytes once saved) and back: same points, scores within 1e-4", async () => {
      const dir = await tempDir();
      const f32 = await UsearchVectorIndex.open({ dir, quantization: "i8" });
      opened.push(f32);
      const { ids, queries, live, aliases } = await populate(f32, 6);
      const before = await observe(f32, ids, aliases, queries);
      await f32.close();
      const vectorFiles = async () => {
        const current = (await readFile(path.join(dir, "works_v1", "CURRENT"), "utf8")).trim();
        const files = (await readdir(path.join(dir, "works_v1", current))).filter((f) => f.startsWith("vectors."));
        return Object.fromEntries(await Promise.all(files.map(async (f) => [f, (await stat(path.join(dir, "works_v1", current, f))).size] as const)));
      };
      const f32Files = await vectorFiles();
      expect(Object.keys(f32Files)).toEqual(["vectors.f32"]);

      const stored = new Map(live.map((p) => [p.id, p]));
      const expectSameData = async (index: VectorIndex, label: string) => {
        const now = await observe(index, ids, aliases, queries);
        expect(now.collections).toEqual(before.collections);
        for (const q of queries) checkHits(await index.search("previous", { vector: q, k: 10 }), bruteForce(live, q, 10), (id) => cosine(q, stored.get(id)!.vector), stored, label);
      };
      const f16 = await UsearchVectorIndex.open({ dir, quantization: "i8", precision: "f16" });
      opened.push(f16);
      await expectSameData(f16, "f16 rows read from f32");
      // a write, then the snapshot at close is written in f16: half the bytes
      await f16.upsert("works_v1", [live.find((p) => ids.works_v1.includes(p.id))!]);
      await f16.close();
      expect(await vectorFiles()).toEqual({ "vectors.f16": f32Files["vectors.f32"] / 2 });
      const again = await UsearchVectorIndex.open({ dir, quantization: "i8", precision: "f16" });
      opened.push(again);
      await expectSameData(again, "f16 rows read from f16");
      await again.close();
      const back = await UsearchVectorIndex.open({ dir, quantization: "i8" });
      opened.push(back);
      await expectSameData(back, "f32 rows read from f16");
    });

    it("a crash image of the folder (copied while open, never closed) holds every acknowledged write", async () => {
      const dir = await tempDir();
      const live = await openIndex(dir);
      const { ids, queries, aliases } = await populate(live, 3);
      // after a save, more writes that only the running process has seen
      await live.close();
      const reopened = await openIndex(dir);
      const rng = mulberry32(4);
      const more = makePoints(rng, 30);
      await reopened.upsert("works_v2", more.slice(0, 10));
      await reopened.upsert("works_v2", more.slice(10));
      await reopened.delete("works_v1", ids.works_v1.slice(0, 5));
      await reopened.setAlias("previous", "works_v2");
      const allIds = { ...ids, works_v2: [...ids.works_v2, ...more.map((p) => p.id)] };
      const expected = await observe(reopened, allIds, aliases, queries);

      const image = await tempDir();
      await cp(dir, image, { recursive: true });
      const recovered = await openIndex(image);
      expectSameObservation(await observe(recovered, allIds, aliases, queries), expected);
      expect(await recovered.count("works_v2")).toBe(70);
    });

    it("reopens an empty folder and a folder with only empty collections", async () => {
      const dir = await tempDir();
      const a = await openIndex(dir);
      expect(await a.listCollections()).toEqual([]);
      await a.close();
      const b = await openIndex(dir);
      await b.ensureCollection("nothing_yet", DIM);
      await b.close();
      const c = await openIndex(dir);
      expect(await c.listCollections()).toEqual(["nothing_yet"]);
      expect(await c.count("nothing_yet")).toBe(0);
      const p = makePoints(mulberry32(5), 3);
      await c.upsert("nothing_yet", p);
      expect((await c.search("nothing_yet", { vector: p[1].vector, k: 1 }))[0].id).toBe(p[1].id);
    });
  });

  describe("crash-safe saves", () => {
    it("leaves no temp files behind after writes, alias changes and close", async () => {
      const dir = await tempDir();
      const index = await openIndex(dir);
      await populate(index, 6);
      expect(await tempFiles(dir), "while open").toEqual([]);
      await index.close();
      expect(await tempFiles(dir), "after close").toEqual([]);
      const again = await openIndex(dir);
      await again.upsert("works_v2", makePoints(mulberry32(7), 5));
      await again.setAlias("artworks", "works_v1");
      await again.close();
      expect(await tempFiles(dir), "after a second save").toEqual([]);
    });

    it("half-written temp files left by a crash mid-save do not break opening or later saves", async () => {
      const dir = await tempDir();
      const index = await openIndex(dir);
      const { ids, queries, aliases } = await populate(index, 8);
      await index.close();
      const expected = await (async () => {
        const clean = await openIndex(dir);
        const o = await observe(clean, ids, aliases, queries);
        await clean.close();
        return o;
      })();

      // a crash during write-then-rename: beside every saved file a temp copy cut off halfway,
      // and beside every folder inside a collection a half-written temp folder
      const halfCopy = async (from: string, to: string) => {
        const bytes = await readFile(from);
        await writeFile(to, bytes.subarray(0, Math.floor(bytes.length / 2)));
      };
      const entries = await walk(dir);
      for (const e of entries) {
        const full = path.join(dir, e.rel);
        if (!e.isDir) await halfCopy(full, `${full}.tmp`);
        else if (e.rel.includes(path.sep)) {
          await mkdir(`${full}.tmp`, { recursive: true });
          for (const f of await readdir(full)) if ((await stat(path.join(full, f))).isFile()) await halfCopy(path.join(full, f), path.join(`${full}.tmp`, f));
        }
      }
      expect((await tempFiles(dir)).length).toBeGreaterThan(0);

      const recovered = await openIndex(dir);
      expectSameObservation(await observe(recovered, ids, aliases, queries), expected);
      // and it keeps working: write, save, reopen
      const more = makePoints(mulberry32(9), 12);
      await recovered.upsert("works_v1", more);
      await recovered.setAlias("previous", "works_v2");
      await recovered.close();
      const again = await openIndex(dir);
      expect(await again.count("works_v1")).toBe(290 + 12);
      expect(await again.resolveAlias("previous")).toBe("works_v2");
      expect(await again.resolveAlias("artworks")).toBe("works_v2");
    });
  });

  describe("filtered search when few points pass", () => {
    const rng = mulberry32(99);
    const rare = new Set<number>();
    while (rare.size < 15) rare.add(Math.floor(rng() * 2000));
    const points: VectorPoint[] = makePoints(rng, 2000, (r, i) =>
      randomPayload(r, { department: rare.has(i) ? "Rare Books" : DEPARTMENTS[i % DEPARTMENTS.length] }),
    );
    const stored = new Map(points.map((p) => [p.id, p]));
    const passers = points.filter((p) => p.payload.department === "Rare Books");
    // queries: random, near a non-passing work, and pointing away from every passing work (ANN neighbours all fail the filter)
    const away = normalised(Array.from({ length: DIM }, (_, d) => -passers.reduce((s, p) => s + p.vector[d], 0)));
    const nonPassing = points.find((p) => p.payload.department !== "Rare Books")!;
    const queries = [randomUnitVector(rng), randomUnitVector(rng), perturbed(rng, nonPassing.vector, 0.03), away];

    async function loaded(): Promise<UsearchVectorIndex> {
      const index = await openIndex(await tempDir());
      await index.ensureCollection("selective", DIM);
      for (let i = 0; i < points.length; i += 500) await index.upsert("selective", points.slice(i, i + 500));
      return index;
    }

    it("2,000 points, 15 pass: k = 10 gives the exact top 10, all passing", async () => {
      const index = await loaded();
      const filter: VectorFilter = { departments: ["Rare Books"] };
      expect(await index.count("selective", filter)).toBe(15);
      for (const [i, q] of queries.entries()) {
        const hits = await index.search("selective", { vector: q, k: 10, filter });
        expect(hits, `query ${i}`).toHaveLength(10);
        for (const h of hits) expect(h.payload.department).toBe("Rare Books");
        const recall = checkHits(hits, bruteForce(points, q, 10, filter), (id) => cosine(q, stored.get(id)!.vector), stored, `selective query ${i}`);
        expect(recall, `selective query ${i}: exact`).toBe(1);
      }
    });

    it("with excludeIds leaving 9 passing: returns those 9; other selective filters also fill k", async () => {
      const index = await loaded();
      const q = queries[3];
      const excludeIds = passers.slice(0, 6).map((p) => p.id);
      const hits = await index.search("selective", { vector: q, k: 10, filter: { departments: ["Rare Books"] }, excludeIds });
      expect(hits.map((h) => h.id).sort()).toEqual(passers.slice(6).map((p) => p.id).sort());

      const filters: VectorFilter[] = [
        { ids: { any: passers.map((p) => p.id) } },
        { departments: ["Rare Books", "No Such Department"], artistKeys: { none: ["artist-00"] } },
        { ids: { any: points.filter((_, i) => i % 150 === 7).map((p) => p.id) } },
      ];
      for (const filter of filters) {
        const expected = bruteForce(points, q, 10, filter);
        const got = await index.search("selective", { vector: q, k: 10, filter });
        expect(got.length).toBe(expected.length);
        for (const h of got) expect(passes(stored.get(h.id)!, filter)).toBe(true);
        expect(checkHits(got, expected, (id) => cosine(q, stored.get(id)!.vector), stored, JSON.stringify(filter).slice(0, 60))).toBe(1);
      }
      // grouped and recommended searches fill up too
      const groups = await index.searchGroups("selective", { vector: q, k: 10, groupSize: 2, filter: { departments: ["Rare Books"] } });
      expect(groups.flatMap((g) => g.hits).every((h) => h.payload.department === "Rare Books")).toBe(true);
      const distinct = new Set(passers.map((p) => p.payload.artistKeys[0] ?? p.id)).size;
      expect(groups.length).toBe(Math.min(10, distinct));
      const recs = await index.recommend("selective", { positive: [q], negative: [], strategy: "BEST_SCORE", k: 10, filter: { departments: ["Rare Books"] } });
      expect(recs).toHaveLength(10);
      expect(recs.every((h) => h.payload.department === "Rare Books")).toBe(true);
    });

    it("a large collection whose passing points are all far from the query still gives k exact-ish hits", async () => {
      // 6,000 points; 4,500 pass; the 1,500 failing ones crowd around the query, so approximate
      // candidates fail the filter until the search widens well past k
      const r = mulberry32(123);
      const q = randomUnitVector(r);
      const big: VectorPoint[] = [];
      for (let i = 0; i < 6000; i++) {
        const near = i % 4 === 0;
        big.push({
          id: randomUuid(r),
          vector: near ? perturbed(r, q, 0.05) : randomUnitVector(r),
          payload: randomPayload(r, { hasImage: !near }),
        });
      }
      const index = await openIndex(await tempDir());
      await index.ensureCollection("big", DIM);
      for (let i = 0; i < big.length; i += 1000) await index.upsert("big", big.slice(i, i + 1000));
      const bigStored = new Map(big.map((p) => [p.id, p]));
      const filter: VectorFilter = { hasImage: true };
      const hits = await index.search("big", { vector: q, k: 10, filter });
      expect(hits).toHaveLength(10);
      for (const h of hits) expect(h.payload.hasImage).toBe(true);
      const recall = checkHits(hits, bruteForce(big, q, 10, filter), (id) => cosine(q, bigStored.get(id)!.vector), bigStored, "far passers");
      expect(recall).toBeGreaterThanOrEqual(0.9);
    });
  });
});
