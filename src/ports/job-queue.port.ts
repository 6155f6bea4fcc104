/**
 * The outbox of embedding jobs (DESIGN.md, "nothing lost"): written in the same transaction as the
 * catalogue change, taken by workers with a lease, retried with backoff, visible when it fails.
 */
import type { EmbeddingReason } from "./catalogue-store.port.ts";

export type JobStatus = "PENDING" | "RUNNING" | "DONE" | "FAILED";

export interface ClaimedJob {
  readonly id: string;
  readonly artworkId: string;
  readonly reason: string;
  /** Attempts including this one. */
  readonly attempts: number;
}

export interface JobQueue {
  /**
   * Takes up to `limit` due jobs (pending and due, or running with an expired lease), marking them
   * running for `workerId`. Jobs of a work another worker holds are left alone.
   */
  claim(limit: number, workerId: string, leaseMs: number): Promise<ClaimedJob[]>;
  complete(jobIds: readonly string[]): Promise<void>;
  /** Records a failure; `retryAt` null marks the job FAILED for good. */
  fail(jobId: string, error: string, retryAt: Date | null): Promise<void>;
  /** Queues works again (reindex, repair). */
  enqueue(artworkIds: readonly string[], reason: EmbeddingReason): Promise<void>;
  counts(): Promise<Record<JobStatus, number>>;
  /** Jobs that failed for good, newest first. */
  failures(limit: number): Promise<{ artworkId: string; attempts: number; lastError: string | null }[]>;
}
