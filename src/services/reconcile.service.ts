/**
 * Compares the catalogue (the source of truth) with the vector index and repairs drift (DESIGN.md,
 * "nothing lost"): works without a vector are queued for embedding, vectors of works that no longer
 * exist are removed. Safe to run while the API and workers run.
 */
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { JobQueue } from "../ports/job-queue.port.ts";
import type { VectorIndex } from "../ports/vector-index.port.ts";
import { idPages } from "./id-pages.ts";

export interface ReconcileReport {
  readonly works: number;
  readonly vectors: number;
  /** Works with no vector (queued for embedding when repairing). */
  readonly missing: number;
  /** Vectors whose work is gone (removed when repairing). */
  readonly orphaned: number;
  readonly repaired: boolean;
}

const PAGE = 1000;

export class ReconcileService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly index: VectorIndex,
    private readonly queue: JobQueue,
  ) {}

  /** Compares `collection` with the catalogue; with `repair`, queues the missing and deletes the orphans. */
  async run(collection: string, options: { repair: boolean }): Promise<ReconcileReport> {
    const works = new Set<string>();
    for await (const ids of idPages((after, limit) => this.store.artworkIdsAfter(after, limit), PAGE)) for (const id of ids) works.add(id);
    const indexed = new Set<string>();
    const orphans: string[] = [];
    for await (const ids of idPages((after, limit) => this.index.ids(collection, after, limit), PAGE)) {
      for (const id of ids) {
        if (works.has(id)) indexed.add(id);
        else orphans.push(id);
      }
    }
    const missing = [...works].filter((id) => !indexed.has(id));
    if (options.repair) {
      for (let i = 0; i < missing.length; i += PAGE) await this.queue.enqueue(missing.slice(i, i + PAGE), "REINDEX");
      for (let i = 0; i < orphans.length; i += PAGE) await this.index.delete(collection, orphans.slice(i, i + PAGE));
    }
    return { works: works.size, vectors: indexed.size + orphans.length, missing: missing.length, orphaned: orphans.length, repaired: options.repair };
  }
}
