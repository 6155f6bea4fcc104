/**
 * What an admin needs to know about the vector index and its outbox: how many works the catalogue
 * holds, how many vectors each generation (the live collection and the one being built) holds, the
 * jobs pending and failed (with their reasons), and the jobs themselves page by page.
 */
import { InvalidInputError } from "../domain/errors.ts";
import type { Page } from "../ports/catalogue-store.port.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { EmbeddingJobRow, JobCursor, JobQueue, JobStatus } from "../ports/job-queue.port.ts";
import type { GenerationReport, VectorIndexService } from "./vector-index.service.ts";

export interface IndexStatusReport {
  readonly catalogueCount: number;
  readonly live: GenerationReport | null;
  /** The generation of this process's embedding version while it is not live yet. */
  readonly building: GenerationReport | null;
  readonly pendingJobs: number;
  readonly runningJobs: number;
  readonly failedJobs: number;
  /** Jobs that failed for good, newest first. */
  readonly failures: readonly { artworkId: string; attempts: number; lastError: string | null; updatedAt: Date }[];
}

/** Jobs a page may hold. */
export const MAX_JOB_PAGE = 100;

function encodeCursor(row: EmbeddingJobRow): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): JobCursor {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new InvalidInputError("after", "Not a cursor of embeddingJobs; pass `pageInfo.endCursor` or an edge's cursor from an earlier page.");
  }
  return { createdAt, id };
}

export class IndexStatusService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly indexService: VectorIndexService,
    private readonly queue: JobQueue,
  ) {}

  /** The catalogue, the generations and the outbox; `failureLimit` failures at most. */
  async status(failureLimit: number): Promise<IndexStatusReport> {
    const [catalogueCount, counts, failures, generations] = await Promise.all([
      this.store.countArtworks({}),
      this.queue.counts(),
      this.queue.failures(failureLimit),
      this.indexService.generations(),
    ]);
    return {
      catalogueCount,
      ...generations,
      pendingJobs: counts.PENDING,
      runningJobs: counts.RUNNING,
      failedJobs: counts.FAILED,
      failures,
    };
  }

  /** A page of jobs (of one status, or all), oldest first. */
  async jobs(status: JobStatus | null, first: number, after: string | null): Promise<Page<EmbeddingJobRow>> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_JOB_PAGE) throw new InvalidInputError("first", `"first" must be 0 to ${MAX_JOB_PAGE}; got ${first}.`);
    const rows = await this.queue.list(status, first + 1, after ? decodeCursor(after) : null);
    return {
      items: rows.slice(0, first).map((node) => ({ node, cursor: encodeCursor(node) })),
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
    };
  }

  /** How many jobs have `status` (all when null). */
  countJobs(status: JobStatus | null): Promise<number> {
    return this.queue.count(status);
  }
}
