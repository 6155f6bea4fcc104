/**
 * The outbox of embedding jobs (DESIGN.md, "nothing lost"): written in the same transaction as the
 * catalogue change, taken by workers with a lease, retried with backoff, visible when it fails.
 */
import type { EmbeddingReason } from "./catalogue-store.port.ts";

export type JobStatus = "PENDING" | "RUNNING" | "DONE" | "FAILED";

/** The states worth counting often: DONE jobs are only kept for a while (see pruneDone) and never counted. */
export type OpenJobStatus = Exclude<JobStatus, "DONE">;

/** One job as an admin sees it. */
export interface EmbeddingJobRow {
  readonly id: string;
  readonly artworkId: string;
  readonly reason: string;
  /** The generation (vector collection) the job fills; null until a worker takes a job the catalogue's writes queued. */
  readonly generation: string | null;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Where a page of jobs starts: after this job in (createdAt, id) order. */
export interface JobCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface ClaimedJob {
  readonly id: string;
  readonly artworkId: string;
  readonly reason: string;
  /** Attempts including this one. */
  readonly attempts: number;
}

export interface JobQueue {
  /**
   * Takes up to `limit` due jobs (pending and due, or running with an expired lease) that fill
   * `generation` or name none (those are stamped with it), marking them running for `workerId`. Jobs
   * of a work another worker holds are left alone.
   */
  claim(limit: number, workerId: string, leaseMs: number, generation: string): Promise<ClaimedJob[]>;
  complete(jobIds: readonly string[]): Promise<void>;
  /** Records a failure; `retryAt` null marks the job FAILED for good. */
  fail(jobId: string, error: string, retryAt: Date | null): Promise<void>;
  /** Queues works again (reindex, repair) for `generation` (null: whichever generation the worker that takes them fills). */
  enqueue(artworkIds: readonly string[], reason: EmbeddingReason, generation?: string | null): Promise<void>;
  /** Jobs by open state, read from the status index (DONE jobs are not counted: they are many and pruned). */
  counts(): Promise<Record<OpenJobStatus, number>>;
  /**
   * Open jobs that stand between `generation` and completion: its own pending, running and failed
   * jobs, plus pending jobs that name no generation yet (a worker of it may take them).
   */
  generationCounts(generation: string): Promise<Record<OpenJobStatus, number>>;
  /** Jobs that failed for good, newest first. */
  failures(limit: number): Promise<{ artworkId: string; attempts: number; lastError: string | null; updatedAt: Date }[]>;
  /** Removes up to `limit` DONE jobs finished before `before`, oldest first; returns how many. */
  pruneDone(before: Date, limit: number): Promise<number>;
  /** Up to `limit` jobs (of one status, or all) after `after`, oldest first. */
  list(status: JobStatus | null, limit: number, after: JobCursor | null): Promise<EmbeddingJobRow[]>;
  /** How many jobs have `status` (all when null). */
  count(status: JobStatus | null): Promise<number>;
}
