/**
 * The outbox of image fetches (DESIGN.md, "nothing lost"): a job is written in the same transaction as
 * the import that names a new image source, taken by image workers with a lease, at most a few per
 * host at once, and removed when the work's image is READY or FAILED (CatalogueStore.recordImage*).
 */

export interface ClaimedImageFetch {
  readonly artworkId: string;
  /** The request key (Artwork.imageRequest when the job was queued). */
  readonly request: string;
  readonly host: string;
  /** Attempts including this one. */
  readonly attempts: number;
}

export interface ImageFetchCounts {
  readonly PENDING: number;
  readonly RUNNING: number;
}

export interface ImageFetchQueue {
  /**
   * Takes up to `limit` due jobs (pending and due, or running with an expired lease) such that no host
   * has more than `perHost` jobs running with a live lease (counting other workers' jobs). Local files
   * (host "local") are not limited.
   */
  claim(limit: number, perHost: number, workerId: string, leaseMs: number): Promise<ClaimedImageFetch[]>;
  /** Puts a job back to be tried at `retryAt`, unless its request has changed since it was claimed. */
  retry(job: ClaimedImageFetch, error: string, retryAt: Date): Promise<void>;
  /** When the next pending job is due, or null when none is pending. */
  nextDueAt(): Promise<Date | null>;
  counts(): Promise<ImageFetchCounts>;
}
