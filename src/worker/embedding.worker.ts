/**
 * Takes embedding jobs from the outbox, embeds the works they name and writes their vectors (or
 * removes them for deleted works). A failure is retried with exponential backoff and stays visible
 * (status, attempts, lastError); when the index or the model is unavailable, jobs wait without being
 * given up, so nothing is lost while a service is down. The same runner works inside the API (the
 * embedded default) and as `vitrine worker`.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { WorkerConfig } from "../config/config.ts";
import type { Artwork } from "../domain/artwork.ts";
import { UnavailableError } from "../domain/errors.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { ClaimedJob, JobQueue } from "../ports/job-queue.port.ts";
import type { VectorPayload } from "../ports/vector-index.port.ts";
import type { ArtworkEmbedder } from "../services/artwork-embedder.ts";
import type { EmbeddingGeneration } from "../services/embedding-generation.ts";
import type { SwapOptions } from "../services/vector-index.service.ts";

/** The generation a worker fills, and how its build is completed (VectorIndexService). */
export interface WorkerTarget {
  /** The generation this worker's embedding version fills. */
  readonly own: EmbeddingGeneration;
  /** Moves readers to the generation once none of its jobs is open (or failed, unless accepted). */
  completeIfBuilt(options?: SwapOptions): Promise<unknown>;
}

/** What one pass did. */
export interface WorkerPass {
  readonly claimed: number;
  readonly upserted: number;
  readonly deleted: number;
  readonly failed: number;
}

/** DONE jobs past their retention are removed at most this often, this many per pass (a bounded delete). */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 5000;
const MAX_BACKOFF_MS = 10 * 60_000;

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(1, attempts));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/** The payload stored beside a vector, for filters. Artist keys are artist ids. */
export function payloadOf(work: Artwork, embeddingVersion: string, hasImage: boolean): VectorPayload {
  return {
    artistKeys: work.artists.map((c) => c.artist.id),
    mediumCategory: work.mediumCategory,
    department: work.department,
    yearStart: work.yearStart ?? work.yearEnd,
    yearEnd: work.yearEnd ?? work.yearStart,
    hasImage,
    embeddingVersion,
  };
}

/**
 * An onPass callback that logs progress (works embedded, still queued, failed) at most every `everyMs`,
 * and once when the queue has been drained.
 */
export function progressLogger(queue: JobQueue, log: Logger, everyMs = 2000): (pass: WorkerPass) => void {
  let done = 0;
  let reported = 0;
  let lastLog = 0;
  return (pass) => {
    if (pass.claimed === 0) {
      if (done > reported) log.info({ embedded: done }, "the embedding queue is empty: every queued work is indexed");
      reported = done;
      return;
    }
    done += pass.upserted + pass.deleted;
    if (Date.now() - lastLog < everyMs) return;
    lastLog = Date.now();
    void queue.counts().then(
      (c) => log.info({ embedded: done, pending: c.PENDING + c.RUNNING, failed: c.FAILED }, "embedding works"),
      () => {},
    );
  };
}

export class EmbeddingWorker {
  private readonly id = `worker-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastPrune = 0;

  constructor(
    private readonly queue: JobQueue,
    private readonly store: CatalogueStore,
    private readonly embedder: ArtworkEmbedder,
    private readonly target: WorkerTarget,
    private readonly config: WorkerConfig,
    private readonly log: Logger,
    private readonly onPass: (pass: WorkerPass) => void = () => {},
    /** How the alias may move when the queue runs dry (`vitrine reindex --accept-failures --keep-previous`). */
    private readonly swap: SwapOptions = {},
  ) {}

  /** One pass: claim a batch, embed, write, complete. Returns what it did. */
  async runOnce(): Promise<WorkerPass> {
    await this.pruneIfDue();
    const jobs = await this.queue.claim(this.config.batchSize, this.id, this.config.leaseMs, this.target.own.collection);
    if (jobs.length === 0) {
      await this.target.completeIfBuilt(this.swap);
      const idle = { claimed: 0, upserted: 0, deleted: 0, failed: 0 };
      this.onPass(idle);
      return idle;
    }
    let result: WorkerPass;
    try {
      result = { claimed: jobs.length, ...(await this.process(jobs)), failed: 0 };
    } catch (e) {
      // isolate the failure: one work at a time, so one bad work does not hold back the batch
      const byWork = groupByWork(jobs);
      let upserted = 0;
      let deleted = 0;
      let failed = 0;
      for (const group of byWork.values()) {
        try {
          const r = await this.process(group);
          upserted += r.upserted;
          deleted += r.deleted;
        } catch (err) {
          failed += group.length;
          await this.failJobs(group, err);
        }
      }
      if (failed) this.log.warn({ failed, err: e instanceof Error ? e.message : String(e) }, "embedding jobs failed; they will be retried");
      result = { claimed: jobs.length, upserted, deleted, failed };
    }
    this.onPass(result);
    return result;
  }

  /** Runs passes until the queue is empty (tests, `vitrine worker --once`). */
  async drain(): Promise<WorkerPass> {
    const total = { claimed: 0, upserted: 0, deleted: 0, failed: 0 };
    for (;;) {
      const pass = await this.runOnce();
      total.claimed += pass.claimed;
      total.upserted += pass.upserted;
      total.deleted += pass.deleted;
      total.failed += pass.failed;
      // stop when nothing is due, or when everything taken failed (what is left waits for its retry time)
      if (pass.claimed === 0 || pass.claimed === pass.failed) return total;
    }
  }

  /** Polls in the background until stop(); a full batch is followed at once by the next one. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let pass: WorkerPass = { claimed: 0, upserted: 0, deleted: 0, failed: 0 };
        try {
          pass = await this.runOnce();
        } catch (e) {
          this.log.error({ err: e instanceof Error ? e.message : String(e) }, "embedding worker pass failed; retrying");
        }
        if (this.running && pass.claimed < this.config.batchSize) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.config.pollIntervalMs);
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

  /** Asks the loop to look for jobs now (after a write). */
  nudge(): void {
    this.wake?.();
  }

  /** Finishes the pass in progress, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /**
   * Removes DONE jobs older than the retention (VITRINE_JOB_RETENTION_HOURS), in passes of at most
   * PRUNE_BATCH, once a minute or at the next pass while a backlog remains. A failure only delays it.
   */
  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    try {
      const removed = await this.queue.pruneDone(new Date(Date.now() - this.config.jobRetentionHours * 3_600_000), PRUNE_BATCH);
      if (removed === PRUNE_BATCH) this.lastPrune = 0;
      if (removed) this.log.debug({ removed }, "removed finished embedding jobs past their retention");
    } catch (e) {
      this.log.warn({ err: e instanceof Error ? e.message : String(e) }, "could not remove finished embedding jobs; trying again later");
    }
  }

  private async process(jobs: readonly ClaimedJob[]): Promise<{ upserted: number; deleted: number }> {
    const ids = [...new Set(jobs.map((j) => j.artworkId))];
    const works = await this.store.loadArtworks(ids);
    const present = new Set(works.map((w) => w.id));
    const gone = ids.filter((id) => !present.has(id));
    const embedded = await this.embedder.embed(works);
    const generation = this.target.own;
    const points = embedded.map((e, i) => ({ id: e.id, vector: e.vector, payload: payloadOf(works[i], generation.versionKey, e.hasImageVector) }));
    if (points.length) await generation.upsert(points);
    if (gone.length) await generation.delete(gone);
    await this.queue.complete(jobs.map((j) => j.id));
    return { upserted: points.length, deleted: gone.length };
  }

  private async failJobs(jobs: readonly ClaimedJob[], err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    for (const job of jobs) {
      // a dependency being down is not the work's fault: keep retrying, never give up
      const giveUp = !(err instanceof UnavailableError) && job.attempts >= this.config.maxAttempts;
      await this.queue.fail(job.id, message, giveUp ? null : new Date(Date.now() + backoffMs(job.attempts)));
    }
  }
}

function groupByWork(jobs: readonly ClaimedJob[]): Map<string, ClaimedJob[]> {
  const m = new Map<string, ClaimedJob[]>();
  for (const j of jobs) m.set(j.artworkId, [...(m.get(j.artworkId) ?? []), j]);
  return m;
}
