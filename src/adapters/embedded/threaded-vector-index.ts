/**
 * The embedded VectorIndex on its own thread. usearch's graph search is synchronous native code
 * (~1 ms over 100k vectors); on the API's thread every search would stall HTTP parsing, GraphQL
 * execution and the catalogue reads of every other request. Here a worker thread owns the
 * UsearchVectorIndex (graph, vectors, payloads, write-ahead log and snapshots) and the API thread
 * only posts calls to it (~35 µs a round trip), so searches overlap with the rest of the work on
 * another core, and snapshot writes never block requests.
 *
 * Behaviour is UsearchVectorIndex's: the same contract suite runs on both. Errors come back with
 * the same class name and message.
 *
 * One thread serves every index the process opens and is never stopped: the TypeScript loader it
 * needs (@swc/core, a native addon) crashes the process when loaded again in a new thread after an
 * earlier one was terminated. The thread keeps the process alive only while a call is waiting.
 */
import { Worker } from "node:worker_threads";
import { UnavailableError } from "../../domain/errors.ts";
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
  VectorPoint,
  VectorQuery,
} from "../../ports/vector-index.port.ts";
import type { IndexAnswer, IndexCall, IndexRequest } from "./index-thread.ts";
import type { EmbeddedIndexOptions } from "./usearch-vector-index.ts";

const ERRORS: Record<string, new (message: string) => Error> = { RangeError, TypeError, UnavailableError };
/** File-system failures of the index's folder: the index is unavailable (jobs wait), not the work at fault. */
const OUTAGE_CODES = new Set(["EIO", "ENOSPC", "EROFS", "EACCES", "EPERM", "EMFILE", "ENFILE", "EDQUOT", "EBUSY"]);

export function errorOf(error: { readonly name: string; readonly message: string; readonly code?: string }): Error {
  if (error.code && OUTAGE_CODES.has(error.code)) return new UnavailableError(`The vector index cannot use its folder (${error.code}).`);
  return new (ERRORS[error.name] ?? Error)(error.message);
}

/** The process's index thread and the calls waiting for its answers. */
class IndexThread {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private next = 1;
  private readonly worker: Worker;
  /** Why the thread is gone; calls fail with it. */
  private gone: Error | null = null;

  constructor() {
    this.worker = new Worker(new URL("./index-thread.mjs", import.meta.url), { name: "vitrine vector index" });
    this.worker.on("message", (answer: IndexAnswer) => this.settle(answer));
    this.worker.on("error", (e) => this.fail(new UnavailableError(`The vector index thread failed: ${e.message}`)));
    this.worker.on("exit", (code) => this.fail(new UnavailableError(`The vector index thread stopped (exit code ${code}).`)));
    this.worker.unref();
  }

  call<T>(message: IndexRequest): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...message, id } satisfies IndexCall);
    });
  }

  private settle(answer: IndexAnswer): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.worker.unref();
    if ("error" in answer) waiting.reject(errorOf(answer.error));
    else waiting.resolve(answer.result);
  }

  private fail(error: Error): void {
    this.gone ??= error;
    if (shared === this) shared = null;
    for (const waiting of this.pending.values()) waiting.reject(this.gone);
    this.pending.clear();
  }
}

let shared: IndexThread | null = null;

export class ThreadedVectorIndex implements VectorIndex {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly thread: IndexThread,
    private readonly handle: number,
  ) {}

  /** Opens (or creates) the index folder in the index thread (started on first use). */
  static async open(options: EmbeddedIndexOptions): Promise<ThreadedVectorIndex> {
    const thread = (shared ??= new IndexThread());
    const handle = await thread.call<number>({ method: "open", options });
    return new ThreadedVectorIndex(thread, handle);
  }

  ensureCollection(name: string, dimension: number, metadata?: Readonly<Record<string, unknown>>): Promise<void> {
    return this.call("ensureCollection", [name, dimension, metadata]);
  }
  collectionInfo(name: string): Promise<CollectionInfo | null> {
    return this.call("collectionInfo", [name]);
  }
  upsert(collection: string, points: readonly VectorPoint[]): Promise<void> {
    return this.call("upsert", [collection, points]);
  }
  delete(collection: string, ids: readonly string[]): Promise<void> {
    return this.call("delete", [collection, ids]);
  }
  get(collection: string, ids: readonly string[]): Promise<VectorPoint[]> {
    return this.call("get", [collection, ids]);
  }
  count(collection: string, filter?: VectorFilter): Promise<number> {
    return this.call("count", [collection, filter]);
  }
  search(collection: string, query: VectorQuery): Promise<VectorHit[]> {
    return this.call("search", [collection, query]);
  }
  searchNear(collection: string, query: NearQuery): Promise<NearResult | null> {
    return this.call("searchNear", [collection, query]);
  }
  searchGroups(collection: string, query: GroupQuery): Promise<VectorGroup[]> {
    return this.call("searchGroups", [collection, query]);
  }
  recommend(collection: string, query: RecommendQuery): Promise<VectorHit[]> {
    return this.call("recommend", [collection, query]);
  }
  setAlias(alias: string, collection: string): Promise<void> {
    return this.call("setAlias", [alias, collection]);
  }
  resolveAlias(alias: string): Promise<string | null> {
    return this.call("resolveAlias", [alias]);
  }
  listCollections(): Promise<string[]> {
    return this.call("listCollections", []);
  }
  dropCollection(name: string): Promise<void> {
    return this.call("dropCollection", [name]);
  }
  ids(collection: string, after: string | null, limit: number): Promise<string[]> {
    return this.call("ids", [collection, after, limit]);
  }

  /** Snapshots and closes the index (in its thread); later calls fail. */
  close(): Promise<void> {
    return (this.closing ??= this.thread.call<void>({ method: "close", handle: this.handle, args: [] }));
  }

  private call<T>(method: Exclude<IndexCall["method"], "open" | "close">, args: unknown[]): Promise<T> {
    if (this.closing) return Promise.reject(new Error("The vector index is closed."));
    return this.thread.call<T>({ method, handle: this.handle, args });
  }
}
