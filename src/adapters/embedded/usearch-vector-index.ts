/**
 * The embedded VectorIndex (the default when QDRANT_URL is not set): usearch HNSW graphs in memory,
 * persisted in a folder (VITRINE_DATA_DIR/vectors) so a restart loads rather than rebuilds.
 *
 * Durability without slow writes: every upsert or delete is appended to the collection's write-ahead
 * log and fsynced before it resolves; every SNAPSHOT_EVERY operations (and on close) the whole
 * collection is written as a new generation folder (written under a .tmp name, fsynced, renamed),
 * then CURRENT is switched to it by write-then-rename and the old generation and log are removed.
 * Opening loads CURRENT's generation and replays its log; a torn last log line (a crash mid-append)
 * is cut off, and leftover .tmp folders are removed. Aliases live in aliases.json, also written by
 * write-then-rename.
 *
 * Opening loads only the collections aliases point at (the live generation); any other collection
 * folder is loaded when it is first used (the generation being built), so an old generation left on
 * disk costs no memory.
 *
 * Layout: <dir>/aliases.json, <dir>/<collection>/{CURRENT, gen-N/{hnsw.usearch, vectors.f32 or
 * vectors.f16, points.json}, wal-N.log}.
 *
 * The graph's quantization (f32, f16 or i8; see usearch-collection.ts) is an option of `open`; a
 * snapshot records the one it was saved with, and a collection saved with another is given a new
 * graph built from its stored vectors when it is loaded. So is the precision of the vectors kept for
 * exact ranking (f32 or f16, vector-rows.ts): a generation saved with the other one is converted as it
 * is read, a few vectors at a time, and written in the new precision at the next snapshot.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type {
  CollectionInfo,
  GroupQuery,
  NearQuery,
  NearResult,
  RecommendQuery,
  VectorFilter,
  VectorGroup,
  VectorHit,
  VectorIndex,
  VectorPayload,
  VectorPoint,
  VectorQuery,
} from "../../ports/vector-index.port.ts";
import { groupKeyOf } from "../../ports/vector-index.port.ts";
import { cosine } from "../../encoding/normalise.ts";
import { averageQuery, bestScore } from "../../encoding/scores.ts";
import { compileFilter } from "./payload-filter.ts";
import type { Quantization, VectorPrecision } from "../../config/config.ts";
import { newHnsw, UsearchCollection } from "./usearch-collection.ts";
import { fromF16Bits, toF16Bits, type RowData } from "./vector-rows.ts";

/** Log operations between snapshots. */
const SNAPSHOT_EVERY = 20_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export interface EmbeddedIndexOptions {
  /** The folder holding the collections. */
  readonly dir: string;
  readonly quantization?: Quantization;
  /** Precision of the vectors kept for exact ranking (default f32). */
  readonly precision?: VectorPrecision;
}

interface Stored {
  readonly collection: UsearchCollection;
  readonly metadata: Readonly<Record<string, unknown>>;
  generation: number;
  log: FileHandle;
  logged: number;
  /** The saved graph is of another quantization (this one was built at load): save at close even without writes. */
  rebuilt?: boolean;
  /** Serialises writes and snapshots of this collection. */
  lock: Promise<void>;
}

interface LogLine {
  readonly op: "upsert" | "delete";
  readonly points?: { id: string; payload: VectorPayload; vector: string }[];
  readonly ids?: string[];
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`Not a valid collection or alias name: "${name}".`);
}

const gen = (n: number) => `gen-${String(n).padStart(6, "0")}`;
const wal = (n: number) => `wal-${String(n).padStart(6, "0")}.log`;

function writeDurably(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, "w");
  try {
    if (typeof data === "string") writeSync(fd, data);
    else writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems cannot fsync a directory; the rename is still atomic
  }
}

function toBase64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

function fromBase64(s: string): Float32Array {
  const b = Buffer.from(s, "base64");
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/**
 * A generation's vectors in the precision asked for: read straight into the rows (no second copy of
 * every vector while opening), or converted from the other precision a few thousand vectors at a time.
 */
function readVectors(genDir: string, saved: VectorPrecision, wanted: VectorPrecision, dimension: number): RowData {
  const file = path.join(genDir, `vectors.${saved}`);
  const byteLength = statSync(file).size;
  const savedBytes = saved === "f32" ? 4 : 2;
  const values = byteLength / savedBytes;
  const capacity = Math.max(values, dimension * 64);
  const fd = openSync(file, "r");
  const readAt = (into: Uint8Array, position: number) => {
    for (let done = 0; done < into.byteLength; ) {
      const n = readSync(fd, into, done, into.byteLength - done, position + done);
      if (n === 0) throw new Error(`${file} ends early.`);
      done += n;
    }
  };
  try {
    const rows = wanted === "f32" ? new Float32Array(capacity) : new Uint16Array(capacity);
    if (saved === wanted) {
      readAt(new Uint8Array(rows.buffer, 0, byteLength), 0);
      return rows;
    }
    const chunkValues = dimension * 4096;
    const chunk = new Uint8Array(chunkValues * savedBytes);
    for (let start = 0; start < values; start += chunkValues) {
      const n = Math.min(chunkValues, values - start);
      readAt(chunk.subarray(0, n * savedBytes), start * savedBytes);
      if (saved === "f32") rows.set(toF16Bits(new Float32Array(chunk.buffer, 0, n)), start);
      else rows.set(fromF16Bits(new Uint16Array(chunk.buffer, 0, n)), start);
    }
    return rows;
  } finally {
    closeSync(fd);
  }
}

/** The hits, each with a copy of its stored vector when asked for. */
function withVectors(c: UsearchCollection, hits: VectorHit[], wanted: boolean | undefined): VectorHit[] {
  return wanted ? hits.map((h) => ({ ...h, vector: (c.get(h.id) as VectorPoint).vector })) : hits;
}

export class UsearchVectorIndex implements VectorIndex {
  private readonly collections = new Map<string, Stored>();
  /** Collection folders on disk not loaded yet, and loads in progress. */
  private readonly unloaded = new Set<string>();
  private readonly loading = new Map<string, Promise<void>>();
  private aliases = new Map<string, string>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly quantization: Quantization,
    private readonly precision: VectorPrecision,
  ) {}

  /** Opens (or creates) the index folder and loads the collections aliases point at; graphs quantized as asked (default f32). */
  static async open(options: EmbeddedIndexOptions): Promise<UsearchVectorIndex> {
    const index = new UsearchVectorIndex(options.dir, options.quantization ?? "f32", options.precision ?? "f32");
    mkdirSync(options.dir, { recursive: true });
    const aliasFile = path.join(options.dir, "aliases.json");
    if (existsSync(aliasFile)) index.aliases = new Map(Object.entries(JSON.parse(readFileSync(aliasFile, "utf8")) as Record<string, string>));
    for (const entry of readdirSync(options.dir, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(path.join(options.dir, entry.name, "CURRENT"))) index.unloaded.add(entry.name);
    }
    for (const target of new Set(index.aliases.values())) await index.stored(target);
    return index;
  }

  async ensureCollection(name: string, dimension: number, metadata: Readonly<Record<string, unknown>> = {}): Promise<void> {
    checkName(name);
    const existing = await this.stored(name);
    if (existing) {
      if (existing.collection.dimension !== dimension) {
        throw new Error(`Collection ${name} holds vectors of ${existing.collection.dimension} values, not ${dimension}.`);
      }
      return;
    }
    const folder = path.join(this.dir, name);
    mkdirSync(folder, { recursive: true });
    const stored: Stored = { collection: new UsearchCollection(dimension, this.quantization, undefined, undefined, this.precision), metadata, generation: 0, log: null as unknown as FileHandle, logged: 0, lock: Promise.resolve() };
    this.writeSnapshot(name, stored, 0);
    stored.log = await open(path.join(folder, wal(0)), "a");
    this.collections.set(name, stored);
  }

  async collectionInfo(name: string): Promise<CollectionInfo | null> {
    const target = this.resolve(name);
    const stored = await this.stored(target);
    return stored ? { name: target, dimension: stored.collection.dimension, metadata: stored.metadata } : null;
  }

  async upsert(collection: string, points: readonly VectorPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.write(collection, { op: "upsert", points: points.map((p) => ({ id: p.id, payload: p.payload, vector: toBase64(p.vector) })) }, (c) => c.upsertMany(points));
  }

  async delete(collection: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.write(collection, { op: "delete", ids: [...ids] }, (c) => {
      for (const id of ids) c.delete(id);
    });
  }

  async get(collection: string, ids: readonly string[]): Promise<VectorPoint[]> {
    const c = await this.read(collection);
    return ids.flatMap((id) => {
      const p = c.get(id);
      return p ? [p] : [];
    });
  }

  async count(collection: string, filter?: VectorFilter): Promise<number> {
    return (await this.read(collection)).count(compileFilter(filter));
  }

  async search(collection: string, query: VectorQuery): Promise<VectorHit[]> {
    const c = await this.read(collection);
    return withVectors(c, c.search(query.vector, query.k, compileFilter(query.filter, query.excludeIds)).slice(0, query.k), query.withVectors);
  }

  async searchNear(collection: string, query: NearQuery): Promise<NearResult | null> {
    const point = (await this.read(collection)).get(query.id);
    if (!point) return null;
    const hits = await this.search(collection, { ...query, vector: point.vector, excludeIds: [query.id, ...(query.excludeIds ?? [])] });
    return { vector: point.vector, hits };
  }

  async searchGroups(collection: string, query: GroupQuery): Promise<VectorGroup[]> {
    const c = await this.read(collection);
    const groupsOf = (hits: readonly VectorHit[]): VectorGroup[] => {
      const groups = new Map<string, VectorHit[]>();
      for (const h of hits) {
        const key = groupKeyOf(h.id, h.payload);
        const g = groups.get(key);
        if (!g) groups.set(key, [h]);
        else if (g.length < query.groupSize) g.push(h);
      }
      return [...groups].slice(0, query.k).map(([key, hits]) => ({ key, hits: withVectors(c, hits, query.withVectors) }));
    };
    // ask for more hits until k groups are formed (or every passing point has been seen)
    const predicate = compileFilter(query.filter, query.excludeIds);
    const hits = c.search(query.vector, query.k * Math.max(4, query.groupSize * 2), predicate, (h) => new Set(h.map((x) => groupKeyOf(x.id, x.payload))).size >= query.k);
    return groupsOf(hits);
  }

  async recommend(collection: string, query: RecommendQuery): Promise<VectorHit[]> {
    const c = await this.read(collection);
    if (query.positive.length === 0) throw new RangeError("recommend needs at least one positive example.");
    const predicate = compileFilter(query.filter, query.excludeIds);
    if (query.strategy === "AVERAGE_VECTOR") {
      const q = averageQuery(query.positive, query.negative);
      return withVectors(c, c.search(q, query.k, predicate).slice(0, query.k), query.withVectors);
    }
    // BEST_SCORE: candidates near each positive, each scored by its best example; widened until k of
    // them are nearer a liked example than a disliked one (or every passing point has been scored)
    for (let want = query.k * 4; ; want *= 4) {
      const pool = new Map<string, VectorHit>();
      for (const p of query.positive) for (const h of c.search(p, want, predicate, (hits) => hits.length >= want)) pool.set(h.id, h);
      let liked = 0;
      const scored = [...pool.values()].map((h) => {
        const v = (c.get(h.id) as VectorPoint).vector;
        const best = bestScore(query.positive.map((p) => cosine(p, v)), query.negative.map((n) => cosine(n, v)));
        if (best.example.kind === "positive") liked++;
        return { ...h, score: best.score };
      });
      if (liked >= query.k || pool.size >= c.count(predicate) || want >= c.size) {
        return withVectors(c, scored.sort((a, b) => b.score - a.score).slice(0, query.k), query.withVectors);
      }
    }
  }

  async setAlias(alias: string, collection: string): Promise<void> {
    checkName(alias);
    if (!(await this.stored(collection))) throw new Error(`No collection named ${collection}.`);
    this.saveAliases(new Map(this.aliases).set(alias, collection));
  }

  private saveAliases(next: Map<string, string>): void {
    const file = path.join(this.dir, "aliases.json");
    writeDurably(`${file}.tmp`, JSON.stringify(Object.fromEntries(next)));
    renameSync(`${file}.tmp`, file);
    fsyncDir(this.dir);
    this.aliases = next;
  }

  async resolveAlias(alias: string): Promise<string | null> {
    return this.aliases.get(alias) ?? null;
  }

  async listCollections(): Promise<string[]> {
    return [...new Set([...this.collections.keys(), ...this.unloaded])].sort();
  }

  async dropCollection(name: string): Promise<void> {
    await this.loading.get(name);
    const stored = this.collections.get(name);
    if (!stored && !this.unloaded.delete(name)) return;
    if (stored) {
      await stored.lock;
      this.collections.delete(name);
      await stored.log.close();
    }
    rmSync(path.join(this.dir, name), { recursive: true, force: true });
    // as in Qdrant, aliases of a dropped collection go with it
    const pointing = [...this.aliases].filter(([, target]) => target === name).map(([alias]) => alias);
    if (pointing.length) {
      const next = new Map(this.aliases);
      for (const alias of pointing) next.delete(alias);
      this.saveAliases(next);
    }
  }

  async ids(collection: string, after: string | null, limit: number): Promise<string[]> {
    return (await this.read(collection)).idsAfter(after, limit);
  }

  /** Writes a snapshot of every collection and closes the logs. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [name, stored] of this.collections) {
      await stored.lock;
      if (stored.logged > 0 || stored.rebuilt) await this.snapshot(name, stored);
      await stored.log.close();
    }
  }

  private resolve(name: string): string {
    return this.aliases.get(name) ?? name;
  }

  /** A collection by name, loaded from its folder on first use; undefined when there is none. */
  private async stored(name: string): Promise<Stored | undefined> {
    const loaded = this.collections.get(name);
    if (loaded || !this.unloaded.has(name)) return loaded;
    let loading = this.loading.get(name);
    if (!loading) {
      loading = this.load(name)
        .then(() => void this.unloaded.delete(name))
        .finally(() => this.loading.delete(name));
      this.loading.set(name, loading);
    }
    await loading;
    return this.collections.get(name);
  }

  private async read(name: string): Promise<UsearchCollection> {
    const stored = await this.stored(this.resolve(name));
    if (!stored) throw new Error(`No collection or alias named ${name}.`);
    return stored.collection;
  }

  /** Logs the operation durably, applies it, and snapshots when the log has grown. */
  private async write(name: string, line: LogLine, apply: (c: UsearchCollection) => void): Promise<void> {
    const target = this.resolve(name);
    const stored = await this.stored(target);
    if (!stored) throw new Error(`No collection or alias named ${name}.`);
    if (this.closed) throw new Error("The vector index is closed.");
    const run = stored.lock.then(async () => {
      await stored.log.appendFile(`${JSON.stringify(line)}\n`);
      await stored.log.datasync();
      apply(stored.collection);
      stored.logged += line.points?.length ?? line.ids?.length ?? 1;
      if (stored.logged >= SNAPSHOT_EVERY) await this.snapshot(target, stored);
    });
    stored.lock = run.catch(() => {});
    await run;
  }

  private async snapshot(name: string, stored: Stored): Promise<void> {
    const next = stored.generation + 1;
    this.writeSnapshot(name, stored, next);
    const folder = path.join(this.dir, name);
    await stored.log.close();
    stored.log = await open(path.join(folder, wal(next)), "a");
    const previous = stored.generation;
    stored.generation = next;
    stored.logged = 0;
    stored.rebuilt = false;
    rmSync(path.join(folder, gen(previous)), { recursive: true, force: true });
    rmSync(path.join(folder, wal(previous)), { force: true });
  }

  /** Writes generation `n` of a collection and makes it CURRENT (each step write-then-rename). */
  private writeSnapshot(name: string, stored: Pick<Stored, "collection" | "metadata">, n: number): void {
    const c = stored.collection;
    const folder = path.join(this.dir, name);
    const tmp = path.join(folder, `${gen(n)}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    c.hnsw.save(path.join(tmp, "hnsw.usearch"));
    const m = c.matrix;
    writeDurably(path.join(tmp, `vectors.${c.precision}`), new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
    writeDurably(path.join(tmp, "points.json"), JSON.stringify({ dimension: c.dimension, quantization: c.quantization, precision: c.precision, metadata: stored.metadata, ids: c.ids, payloads: c.payloads }));
    fsyncDir(tmp);
    rmSync(path.join(folder, gen(n)), { recursive: true, force: true });
    renameSync(tmp, path.join(folder, gen(n)));
    writeDurably(path.join(folder, "CURRENT.tmp"), gen(n));
    renameSync(path.join(folder, "CURRENT.tmp"), path.join(folder, "CURRENT"));
    fsyncDir(folder);
  }

  private async load(name: string): Promise<void> {
    const folder = path.join(this.dir, name);
    for (const e of readdirSync(folder)) if (e.endsWith(".tmp")) rmSync(path.join(folder, e), { recursive: true, force: true });
    const current = readFileSync(path.join(folder, "CURRENT"), "utf8").trim();
    const generation = Number(current.slice(4));
    const genDir = path.join(folder, current);
    const meta = JSON.parse(readFileSync(path.join(genDir, "points.json"), "utf8")) as {
      dimension: number;
      /** Absent in snapshots written before graphs could be quantized: f32. */
      quantization?: Quantization;
      /** Absent in snapshots written before f16 vectors: f32. */
      precision?: VectorPrecision;
      metadata?: Record<string, unknown>;
      ids: (string | null)[];
      payloads: (VectorPayload | null)[];
    };
    const vectors = readVectors(genDir, meta.precision ?? "f32", this.precision, meta.dimension);
    const sameGraph = (meta.quantization ?? "f32") === this.quantization;
    const hnsw = newHnsw(meta.dimension, this.quantization);
    if (sameGraph && meta.ids.some((id) => id !== null)) hnsw.load(path.join(genDir, "hnsw.usearch"));
    const collection = new UsearchCollection(meta.dimension, this.quantization, hnsw, vectors, this.precision);
    meta.ids.forEach((id, slot) => collection.restoreSlot(slot, id, meta.payloads[slot]));
    // saved with another quantization: the graph is built again from the vectors (saved so at the next snapshot)
    if (!sameGraph) collection.rebuildGraph();

    // replay the log written since this generation; cut a torn last line
    const logFile = path.join(folder, wal(generation));
    let logged = 0;
    if (existsSync(logFile)) {
      const text = readFileSync(logFile, "utf8");
      let good = 0;
      for (const line of text.split("\n")) {
        if (good + line.length >= text.length) break; // no newline after it: torn (or the empty tail)
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          break;
        }
        if (parsed.op === "upsert") collection.upsertMany((parsed.points ?? []).map((p) => ({ id: p.id, payload: p.payload, vector: fromBase64(p.vector) })));
        else for (const id of parsed.ids ?? []) collection.delete(id);
        logged += parsed.points?.length ?? parsed.ids?.length ?? 1;
        good += line.length + 1;
      }
      if (good < text.length) writeFileSync(logFile, Buffer.from(text, "utf8").subarray(0, Buffer.byteLength(text.slice(0, good))));
    }
    for (const e of readdirSync(folder)) {
      if ((e.startsWith("gen-") && e !== current) || (e.startsWith("wal-") && e !== wal(generation))) rmSync(path.join(folder, e), { recursive: true, force: true });
    }
    this.collections.set(name, { collection, metadata: meta.metadata ?? {}, generation, log: await open(logFile, "a"), logged, rebuilt: !sameGraph, lock: Promise.resolve() });
  }
}

