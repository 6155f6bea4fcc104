/**
 * Runs queued image fetches (ImageIngestService) beside the embedding worker: up to `concurrency`
 * at once, each job on its own, so a slow host holds only its own slots (the queue hands out at most
 * `perHost` jobs of one host at a time) and the other hosts' works keep flowing. Jobs live in the
 * database with a lease: a process that dies leaves them to be taken again when the lease expires.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { ImageIngestConfig } from "../config/config.ts";
import type { ImageFetchQueue } from "../ports/image-fetch-queue.port.ts";
import type { ImageFetchOutcome, ImageIngestService } from "../services/image-ingest.service.ts";

/** How long a claimed fetch is held before another worker may take it (a fetch is bounded by its timeouts). */
const LEASE_MS = 5 * 60_000;
/** How often the background loop logs what it has done (when it has done something). */
const PROGRESS_LOG_MS = 10_000;

/** What a drain did, by outcome. */
export type ImageIngestTotals = Record<ImageFetchOutcome, number>;

export class ImageIngestWorker {
  private readonly id = `images-${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private totals: ImageIngestTotals = { READY: 0, FAILED: 0, RETRY: 0, STALE: 0 };
  private logged = { at: 0, done: 0 };

  constructor(
    private readonly queue: ImageFetchQueue,
    private readonly service: ImageIngestService,
    private readonly config: ImageIngestConfig,
    private readonly pollIntervalMs: number,
    private readonly log: Logger,
    /** Called after each job with its outcome (e.g. to nudge the embedding worker after READY). */
    private readonly onOutcome: (outcome: ImageFetchOutcome) => void = () => {},
  ) {}

  /** Claims as many jobs as there are free slots and starts them; returns how many it started. */
  private async fill(): Promise<number> {
    const free = this.config.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const jobs = await this.queue.claim(free, this.config.perHost, this.id, LEASE_MS);
    for (const job of jobs) {
      const run: Promise<void> = this.service
        .process(job)
        .then(
          (outcome) => {
            this.totals[outcome]++;
            this.onOutcome(outcome);
          },
          (e: unknown) => this.log.error({ artworkId: job.artworkId, err: e instanceof Error ? e.message : String(e) }, "image fetch failed; it is retried when its lease expires"),
        )
        .finally(() => {
          this.inFlight.delete(run);
          this.wake?.();
        });
      this.inFlight.add(run);
    }
    return jobs.length;
  }

  /**
   * Runs until no job is pending or in flight (tests, `vitrine worker --once`); with `waitForRetries`
   * (the default) it also waits for jobs whose retry time has not come yet. Returns what it did.
   */
  async drain(options: { waitForRetries?: boolean } = {}): Promise<ImageIngestTotals> {
    const waitForRetries = options.waitForRetries ?? true;
    this.totals = { READY: 0, FAILED: 0, RETRY: 0, STALE: 0 };
    for (;;) {
      const started = await this.fill();
      if (this.inFlight.size > 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      if (started > 0) continue;
      const next = await this.queue.nextDueAt();
      if (!next || !waitForRetries) return { ...this.totals };
      // due but held back by the per-host limit of another worker, or not due yet
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(next.getTime() - Date.now(), 25), this.pollIntervalMs * 5)));
    }
  }

  /** Polls in the background until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let started = 0;
        try {
          started = await this.fill();
        } catch (e) {
          this.log.error({ err: e instanceof Error ? e.message : String(e) }, "image worker pass failed; retrying");
        }
        if (!this.running) break;
        this.logProgress();
        // wait for a free slot (a job finishing wakes us) or the next poll
        if (started === 0 || this.inFlight.size >= this.config.concurrency) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.pollIntervalMs);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = null;
        }
      }
    })();
  }

  /** Logs the images stored and failed so far, at most every PROGRESS_LOG_MS and only after a change. */
  private logProgress(): void {
    const done = this.totals.READY + this.totals.FAILED;
    if (done === this.logged.done || Date.now() - this.logged.at < PROGRESS_LOG_MS) return;
    this.logged = { at: Date.now(), done };
    void this.queue.counts().then(
      (c) => this.log.info({ stored: this.totals.READY, failed: this.totals.FAILED, waiting: c.PENDING + c.RUNNING }, "fetching catalogue images (failed ones: Artwork.image.problem)"),
      () => {},
    );
  }

  /** Asks the loop to look for jobs now. */
  nudge(): void {
    this.wake?.();
  }

  /** Stops claiming, and waits for the fetches in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }
}
