/**
 * Compares the catalogue (the source of truth) with the vector index and repairs drift (DESIGN.md,
 * "nothing lost"): works without a vector are queued for embedding, vectors of works that no longer
 * exist are removed. Safe to run while the API and workers run: the index is scanned before the
 * catalogue is read (a work created and embedded meanwhile is then in the catalogue's ids), and every
 * orphan is looked up in the catalogue again right before its vector is deleted, so the vector of a
 * work that exists when the delete happens is never removed.
 */
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { JobQueue } from "../ports/job-queue.port.ts";
import type { EmbeddingGeneration } from "./embedding-generation.ts";
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
    private readonly queue: JobQueue,
  ) {}

  /** Compares a generation with the catalogue; with `repair`, queues the missing (for that generation) and deletes the orphans. */
  async run(generation: EmbeddingGeneration, options: { repair: boolean }): Promise<ReconcileReport> {
    // the index first: a vector written after this scan is not a candidate, and a work created before
    // its vector was written is in the catalogue read below
    const vectors = new Set<string>();
    for await (const ids of idPages((after, limit) => generation.ids(after, limit), PAGE)) for (const id of ids) vectors.add(id);
    const works = new Set<string>();
    for await (const ids of idPages((after, limit) => this.store.artworkIdsAfter(after, limit), PAGE)) for (const id of ids) works.add(id);
    let orphans = [...vectors].filter((id) => !works.has(id));
    const missing = [...works].filter((id) => !vectors.has(id));
    if (options.repair) {
      for (let i = 0; i < missing.length; i += PAGE) await this.queue.enqueue(missing.slice(i, i + PAGE), "REINDEX", generation.collection);
      const removed: string[] = [];
      for (let i = 0; i < orphans.length; i += PAGE) {
        const page = orphans.slice(i, i + PAGE);
        // looked up again right before the delete: one that exists now keeps its vector
        const rows = await this.store.artworksByIds(page);
        const gone = page.filter((_, j) => rows[j] === null);
        if (gone.length) await generation.delete(gone);
        removed.push(...gone);
      }
      orphans = removed;
    }
    return { works: works.size, vectors: vectors.size, missing: missing.length, orphaned: orphans.length, repaired: options.repair };
  }
}
