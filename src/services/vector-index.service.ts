/**
 * Which embedding generation is live (DESIGN.md, "a change of version is a reindex into a new
 * collection, then an alias swap"). Each embedding version gets its own collection
 * (`<prefix>-<versionKey>`); readers use an alias. On a version change the new (building) generation
 * is filled by jobs that name it, and the alias moves only when none of them is pending, running or
 * failed (`completeIfBuilt({ acceptFailures: true })` moves it anyway): readers never see a half-built
 * index. The previous generation is dropped after the swap, unless kept (`keepPrevious`, removed later
 * by `prune`).
 */
import type { Logger } from "pino";
import { UnavailableError } from "../domain/errors.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { JobQueue, OpenJobStatus } from "../ports/job-queue.port.ts";
import type { VectorIndex } from "../ports/vector-index.port.ts";
import { blendLayout } from "../encoding/blend.ts";
import type { EmbeddingVersion } from "../encoding/embedding-version.ts";
import type { ArtworkEmbedder } from "./artwork-embedder.ts";
import { EmbeddingGeneration } from "./embedding-generation.ts";
import { idPages } from "./id-pages.ts";

export type IndexState = "LIVE" | "BUILDING";

/** How a swap is allowed to happen. */
export interface SwapOptions {
  /** Move the alias although some of the building generation's jobs failed for good. */
  readonly acceptFailures?: boolean;
  /** Keep the previous generation after the swap (remove it later with prune). */
  readonly keepPrevious?: boolean;
}

/** What completeIfBuilt did, and why not when it did not. */
export interface SwapOutcome {
  readonly swapped: boolean;
  /** Why the alias stayed: there is nothing to swap, or jobs are still open or failed. */
  readonly blockedBy: "NOTHING_BUILDING" | "OPEN_JOBS" | "FAILED_JOBS" | null;
  readonly jobs: Readonly<Record<OpenJobStatus, number>>;
  /** Works of the catalogue without a vector in the new live generation (after a swap). */
  readonly missing: number;
  /** The generation readers used before (null when nothing was swapped). */
  readonly previous: string | null;
  readonly previousKept: boolean;
}

/** A generation as an admin sees it. */
export interface GenerationReport {
  readonly collection: string;
  /** Null when the collection does not record an embedding version this server can read. */
  readonly embeddingVersion: string | null;
  readonly vectors: number;
}

/** How long a swapped-out generation stays for requests (here and in other processes) that still read it. */
const DROP_GRACE_MS = 15_000;
/** How often a process whose generation is not live looks for another process's swap. */
const REFRESH_MS = 5000;

export class VectorIndexService {
  /** The generation this process's embedding version fills (what its worker writes). */
  readonly own: EmbeddingGeneration;
  /** The generation readers use (null before init, or when this version of vitrine cannot read it). */
  private liveGeneration: EmbeddingGeneration | null = null;
  /** The alias's target when this process last looked (null before init). */
  private liveCollection: string | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  /** A swapped-out generation waiting for its grace period to end before it is dropped. */
  private pendingDrop: { collection: string; timer: NodeJS.Timeout } | null = null;
  private warnedFailures = false;
  /** The swap this process made, if any. */
  lastSwap: SwapOutcome | null = null;

  constructor(
    private readonly index: VectorIndex,
    private readonly embedder: ArtworkEmbedder,
    private readonly store: CatalogueStore,
    private readonly queue: JobQueue,
    readonly alias: string,
    private readonly log: Logger,
  ) {
    this.own = new EmbeddingGeneration(index, `${alias}-${embedder.versionKey}`, {
      versionKey: embedder.versionKey,
      layout: embedder.layout,
      weights: embedder.weights,
      version: embedder.version,
    });
  }

  /** The own generation's collection. */
  get collection(): string {
    return this.own.collection;
  }

  /** Creates this version's collection; queues every work when it is new; goes live at once when the alias is free. */
  async init(): Promise<void> {
    await this.index.ensureCollection(this.own.collection, this.embedder.layout.dimension, { embeddingVersion: this.embedder.versionKey, version: this.embedder.version });
    const live = await this.index.resolveAlias(this.alias);
    const indexed = await this.own.count();
    const works = await this.store.countArtworks({});
    const queued = await this.queue.generationCounts(this.own.collection);
    if (indexed === 0 && works > 0 && queued.PENDING + queued.RUNNING + queued.FAILED < works) {
      await this.enqueueAll("REINDEX");
      this.log.info({ collection: this.own.collection, works }, "new embedding version: every work is queued for embedding");
    }
    if (live === null || live === this.own.collection) {
      if (live === null) await this.index.setAlias(this.alias, this.own.collection);
      this.goLive();
    } else {
      await this.follow(live);
      // another process (a worker) completes the build: notice its alias swap
      this.refreshTimer = setInterval(() => void this.refresh().catch(() => {}), REFRESH_MS);
      this.refreshTimer.unref();
      this.log.info({ live, building: this.own.collection }, "reindexing into a new collection; readers keep the old one until it is complete");
    }
  }

  /** Queues every work of the catalogue for (re)embedding into the own generation. */
  async enqueueAll(reason: "REINDEX"): Promise<number> {
    let n = 0;
    for await (const ids of idPages((after, limit) => this.store.artworkIdsAfter(after, limit))) {
      await this.queue.enqueue(ids, reason, this.own.collection);
      n += ids.length;
    }
    return n;
  }

  /** Reads `collection` as the live generation (its layout and weights from the version stored with it). */
  private async follow(collection: string): Promise<void> {
    this.liveCollection = collection;
    this.liveGeneration = collection === this.own.collection ? this.own : await this.generationOf(collection);
  }

  /** A generation of another embedding version, when its stored version can be read by this one. */
  private async generationOf(collection: string): Promise<EmbeddingGeneration | null> {
    const info = await this.index.collectionInfo(collection);
    const version = info?.metadata.version as EmbeddingVersion | undefined;
    const key = info?.metadata.embeddingVersion;
    if (!info || !version || typeof key !== "string" || version.metadataEncoder !== this.embedder.version.metadataEncoder) return null;
    if (version.imageDimension + version.metadataDimension !== info.dimension) return null;
    return new EmbeddingGeneration(this.index, info.name, { versionKey: key, layout: blendLayout(version.imageDimension, this.embedder.layout.metadata), weights: version.weights, version });
  }

  /**
   * The generation queries read: a concrete collection with its layout, so the vectors read always
   * match how they are read even when another process swaps the alias in between.
   */
  live(): EmbeddingGeneration {
    if (!this.liveGeneration) {
      throw new UnavailableError("The similarity index is being rebuilt with a different metadata encoder; similarity queries are available again when the rebuild completes.");
    }
    return this.liveGeneration;
  }

  /** The generation being filled while it is not live (null when this version is live). */
  building(): EmbeddingGeneration | null {
    return this.isLive ? null : this.own;
  }

  /** Follows the alias when another process has moved it. */
  async refresh(): Promise<void> {
    const live = await this.index.resolveAlias(this.alias);
    if (live === null || live === this.liveCollection) return;
    if (live === this.own.collection) this.goLive();
    else await this.follow(live);
  }

  private goLive(): void {
    this.liveGeneration = this.own;
    this.liveCollection = this.own.collection;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** Stops watching the alias; drops a swapped-out generation still in its grace period. */
  async close(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    const drop = this.pendingDrop;
    this.pendingDrop = null;
    if (drop) {
      clearTimeout(drop.timer);
      await this.drop(drop.collection);
    }
  }

  /**
   * For queries whose vectors this server computes (search by image, works not indexed yet): only
   * valid once this version is live, since the live collection may hold another version's vectors.
   */
  assertLive(): void {
    if (!this.isLive) {
      throw new UnavailableError("The similarity index is being rebuilt for a new embedding version; this query is available again when the rebuild completes.");
    }
  }

  get isLive(): boolean {
    return this.liveCollection === this.own.collection;
  }

  /**
   * Moves the alias to the building generation when none of its jobs is pending, running or failed
   * (with `acceptFailures`, failed ones do not hold it back), then drops the previous generation after
   * a grace period (or keeps it with `keepPrevious`).
   */
  async completeIfBuilt(options: SwapOptions = {}): Promise<SwapOutcome> {
    const idle = { swapped: false, missing: 0, previous: null, previousKept: false } as const;
    if (this.isLive) return { ...idle, blockedBy: "NOTHING_BUILDING", jobs: { PENDING: 0, RUNNING: 0, FAILED: 0 } };
    const jobs = await this.queue.generationCounts(this.own.collection);
    if (jobs.PENDING + jobs.RUNNING > 0) return { ...idle, blockedBy: "OPEN_JOBS", jobs };
    if (jobs.FAILED > 0 && !options.acceptFailures) {
      if (!this.warnedFailures) {
        this.warnedFailures = true;
        this.log.warn({ building: this.own.collection, failedJobs: jobs.FAILED }, "the new generation is complete but for failed jobs: readers stay on the old one (re-queue them, or `vitrine reindex --accept-failures` moves readers anyway)");
      }
      return { ...idle, blockedBy: "FAILED_JOBS", jobs };
    }
    // another process may have swapped meanwhile: the previous generation is the alias's target now
    const previous = await this.index.resolveAlias(this.alias);
    await this.index.setAlias(this.alias, this.own.collection);
    this.goLive();
    const missing = Math.max(0, (await this.store.countArtworks({})) - (await this.own.count()));
    const keep = Boolean(options.keepPrevious);
    if (previous && previous !== this.own.collection && !keep) this.scheduleDrop(previous);
    this.log.info({ alias: this.alias, collection: this.own.collection, previous, kept: keep, failedJobs: jobs.FAILED, missing }, "reindex complete: readers now use the new collection");
    this.lastSwap = { swapped: true, blockedBy: null, jobs, missing, previous: previous === this.own.collection ? null : previous, previousKept: keep && previous !== null };
    return this.lastSwap;
  }

  /** Drops the swapped-out generation once requests that started on it have had time to finish. */
  private scheduleDrop(collection: string): void {
    const timer = setTimeout(() => {
      if (this.pendingDrop?.collection !== collection) return;
      this.pendingDrop = null;
      void this.drop(collection);
    }, DROP_GRACE_MS);
    timer.unref();
    this.pendingDrop = { collection, timer };
  }

  private async drop(collection: string): Promise<void> {
    try {
      // never the generation readers use now (another process may have swapped back to it)
      if ((await this.index.resolveAlias(this.alias)) === collection) return;
      await this.index.dropCollection(collection);
      this.log.info({ collection }, "previous embedding generation dropped");
    } catch (e) {
      this.log.warn({ collection, err: e instanceof Error ? e.message : String(e) }, "could not drop the previous embedding generation; `vitrine reindex --prune` removes it");
    }
  }

  /** Drops every generation of this alias that is neither live nor the own one (kept previous ones); returns their names. */
  async prune(): Promise<string[]> {
    const live = await this.index.resolveAlias(this.alias);
    // only this alias's generations (`<alias>-v-<12 hex>`): another prefix on a shared Qdrant may start the same way
    const ours = (c: string) => c.startsWith(`${this.alias}-`) && /^v-[0-9a-f]{12}$/.test(c.slice(this.alias.length + 1));
    const stale = (await this.index.listCollections()).filter((c) => ours(c) && c !== live && c !== this.own.collection);
    for (const c of stale) await this.index.dropCollection(c);
    return stale;
  }

  /** The live and building generations with their vector counts (the alias as it is now). */
  async generations(): Promise<{ live: GenerationReport | null; building: GenerationReport | null }> {
    await this.refresh();
    const live = this.liveCollection;
    const building = this.building();
    const [liveVectors, buildingVectors] = await Promise.all([live ? this.index.count(live) : 0, building ? building.count() : 0]);
    return {
      live: live ? { collection: live, embeddingVersion: this.liveGeneration?.versionKey ?? null, vectors: liveVectors } : null,
      building: building ? { collection: building.collection, embeddingVersion: building.versionKey, vectors: buildingVectors } : null,
    };
  }

  async status(): Promise<{ state: IndexState; alias: string; collection: string; live: string | null; vectors: number }> {
    return {
      state: this.isLive ? "LIVE" : "BUILDING",
      alias: this.alias,
      collection: this.own.collection,
      live: await this.index.resolveAlias(this.alias),
      vectors: await this.own.count(),
    };
  }
}
