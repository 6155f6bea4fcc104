/**
 * Which index collection is live. Each embedding version gets its own collection
 * (`<prefix>-<versionKey>`); readers use an alias. On a version change the new collection is built by
 * re-embedding every work, and the alias is swapped only when nothing is left to embed: readers never
 * see a half-built index.
 */
import type { Logger } from "pino";
import { UnavailableError } from "../domain/errors.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { JobQueue } from "../ports/job-queue.port.ts";
import type { VectorIndex } from "../ports/vector-index.port.ts";
import { blendLayout } from "../encoding/blend.ts";
import type { EmbeddingVersion } from "../encoding/embedding-version.ts";
import type { ArtworkEmbedder } from "./artwork-embedder.ts";
import { idPages } from "./id-pages.ts";
import type { ReadView } from "./similarity.service.ts";

export type IndexState = "LIVE" | "BUILDING";

export class VectorIndexService {
  readonly collection: string;
  private readonly ownView: ReadView;
  /** How to read the live collection; null when it cannot be read by this version of vitrine. */
  private liveView: ReadView | null = null;
  /**
   * The concrete collection queries read (the alias's target when this process last looked); this
   * version is live when it is its own collection. Null before init.
   */
  private liveCollection: string | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly index: VectorIndex,
    private readonly embedder: ArtworkEmbedder,
    private readonly store: CatalogueStore,
    private readonly queue: JobQueue,
    readonly alias: string,
    private readonly log: Logger,
  ) {
    this.collection = `${alias}-${embedder.versionKey}`;
    this.ownView = { versionKey: embedder.versionKey, layout: embedder.layout, weights: embedder.weights };
  }

  /** Creates this version's collection; queues every work when it is new; goes live at once when the alias is free. */
  async init(): Promise<void> {
    await this.index.ensureCollection(this.collection, this.embedder.layout.dimension, { embeddingVersion: this.embedder.versionKey, version: this.embedder.version });
    const live = await this.index.resolveAlias(this.alias);
    const indexed = await this.index.count(this.collection);
    const works = await this.store.countArtworks({});
    const queued = await this.queue.counts();
    if (indexed === 0 && works > 0 && queued.PENDING + queued.RUNNING < works) {
      await this.enqueueAll("REINDEX");
      this.log.info({ collection: this.collection, works }, "new embedding version: every work is queued for embedding");
    }
    if (live === null || live === this.collection) {
      if (live === null) await this.index.setAlias(this.alias, this.collection);
      this.goLive();
    } else {
      this.liveView = await this.viewOf(live);
      this.liveCollection = live;
      // another process (a worker) completes the build: notice its alias swap
      this.refreshTimer = setInterval(() => void this.refresh().catch(() => {}), 5000);
      this.refreshTimer.unref();
      this.log.info({ live, building: this.collection }, "reindexing into a new collection; readers keep the old one until it is complete");
    }
  }

  /** Queues every work of the catalogue for (re)embedding. */
  async enqueueAll(reason: "REINDEX"): Promise<number> {
    let n = 0;
    for await (const ids of idPages((after, limit) => this.store.artworkIdsAfter(after, limit))) {
      await this.queue.enqueue(ids, reason);
      n += ids.length;
    }
    return n;
  }

  /** The live collection's layout and weights, from the embedding version stored with it. */
  private async viewOf(collection: string): Promise<ReadView | null> {
    const info = await this.index.collectionInfo(collection);
    const version = info?.metadata.version as EmbeddingVersion | undefined;
    const key = info?.metadata.embeddingVersion;
    if (!info || !version || typeof key !== "string" || version.metadataEncoder !== this.embedder.version.metadataEncoder) return null;
    if (version.imageDimension + version.metadataDimension !== info.dimension) return null;
    return { versionKey: key, layout: blendLayout(version.imageDimension, this.embedder.layout.metadata), weights: version.weights };
  }

  /** How to read what queries read. */
  readView(): ReadView {
    if (!this.liveView) {
      throw new UnavailableError("The similarity index is being rebuilt with a different metadata encoder; similarity queries are available again when the rebuild completes.");
    }
    return this.liveView;
  }

  /**
   * The collection queries read: concrete rather than the alias, so that the vectors read always
   * match readView() even when another process swaps the alias in between.
   */
  readCollection(): string {
    return this.liveCollection ?? this.collection;
  }

  /** Goes live when another process has swapped the alias to this version's collection. */
  async refresh(): Promise<void> {
    if (this.isLive) return;
    if ((await this.index.resolveAlias(this.alias)) === this.collection) this.goLive();
  }

  private goLive(): void {
    this.liveView = this.ownView;
    this.liveCollection = this.collection;
    this.close();
  }

  /** Stops watching the alias. */
  close(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
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
    return this.liveCollection === this.collection;
  }

  /** Swaps the alias to this version's collection when nothing is left to embed. */
  async completeIfBuilt(): Promise<boolean> {
    if (this.isLive) return false;
    const c = await this.queue.counts();
    if (c.PENDING + c.RUNNING > 0) return false;
    await this.index.setAlias(this.alias, this.collection);
    this.goLive();
    this.log.info({ alias: this.alias, collection: this.collection }, "reindex complete: readers now use the new collection");
    return true;
  }

  async status(): Promise<{ state: IndexState; alias: string; collection: string; live: string | null; vectors: number }> {
    return {
      state: this.isLive ? "LIVE" : "BUILDING",
      alias: this.alias,
      collection: this.collection,
      live: await this.index.resolveAlias(this.alias),
      vectors: await this.index.count(this.collection),
    };
  }
}
