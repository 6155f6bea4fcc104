/**
 * The composition root: config → adapters → services → schema → HTTP. The only place that creates
 * adapters; everything else receives what it needs.
 */
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { IncomingMessage, Server } from "node:http";
import type { Logger } from "pino";
import type { Config } from "./config/config.ts";
import { createLogger } from "./config/logger.ts";
import { PhaseClock } from "./config/phase-clock.ts";
import { openDatabase, type Database } from "./adapters/prisma/database.ts";
import { PrismaApiKeyStore } from "./adapters/prisma/prisma-api-key-store.ts";
import { PrismaCatalogueStore } from "./adapters/prisma/prisma-catalogue-store.ts";
import { isConnectionFailure } from "./adapters/prisma/connection-failure.ts";
import { timeBudget } from "./domain/time-budget.ts";
import { createApollo } from "./graphql/apollo.ts";
import { batchCostCheck, createCostEstimator } from "./graphql/plugins/cost-limit.plugin.ts";
import type { GraphQLContext } from "./graphql/context.ts";
import { createCatalogueLoaders } from "./graphql/loaders/catalogue.loaders.ts";
import { RANK_DEPTH } from "./graphql/ranked-page.ts";
import { ArtistResolver } from "./graphql/resolvers/artist.resolver.ts";
import { ArtworkAdminResolver } from "./graphql/resolvers/artwork-admin.resolver.ts";
import { IndexAdminResolver } from "./graphql/resolvers/index-admin.resolver.ts";
import { IndexStatusService } from "./services/index-status.service.ts";
import { ArtworkResolver } from "./graphql/resolvers/artwork.resolver.ts";
import { ArtworkFacetsResolver } from "./graphql/resolvers/artwork-facets.resolver.ts";
import { ArtworkFacetsService } from "./services/artwork-facets.service.ts";
import { ProvenanceResearchResolver } from "./graphql/resolvers/provenance-research.resolver.ts";
import { ProvenanceResearchService } from "./services/provenance-research.service.ts";
import { DuplicatesResolver } from "./graphql/resolvers/duplicates.resolver.ts";
import { DuplicatesService } from "./services/duplicates.service.ts";
import { NodeResolver } from "./graphql/resolvers/node.resolver.ts";
import { buildVitrineSchema } from "./graphql/schema.ts";
import { checkHealth, type HealthReport } from "./http/health.ts";
import { Metrics } from "./http/metrics.ts";
import { baseUrlOf } from "./http/base-url.ts";
import { createIiifHandler, IIIF_PREFIX } from "./http/iiif.ts";
import { createHttpServer } from "./http/server.ts";
import { exampleIdsFrom, graphiqlTabs } from "./http/graphiql-examples.ts";
import { ApiKeyService } from "./services/api-key.service.ts";
import { CatalogueImportService } from "./services/catalogue-import.service.ts";
import { CatalogueService } from "./services/catalogue.service.ts";
import { CachedCatalogueStore } from "./adapters/cache/cached-catalogue-store.ts";
import { CatalogueChangeListener } from "./adapters/prisma/catalogue-changes.ts";
import { ThreadedVectorIndex } from "./adapters/embedded/threaded-vector-index.ts";
import { FsBlobStore } from "./adapters/fs/fs-blob-store.ts";
import { GuardedImageFetcher } from "./adapters/http/guarded-image-fetcher.ts";
import { OnnxImageEncoder } from "./adapters/onnx/onnx-image-encoder.ts";
import { PrismaImageFetchQueue } from "./adapters/prisma/prisma-image-fetch-queue.ts";
import { PrismaJobQueue } from "./adapters/prisma/prisma-job-queue.ts";
import { SharpImagePreprocessor } from "./adapters/sharp/sharp-image-preprocessor.ts";
import { SharpImageRenderer } from "./adapters/sharp/sharp-image-renderer.ts";
import { SharpPaletteExtractor } from "./adapters/sharp/sharp-palette-extractor.ts";
import { MetadataEncoderV1 } from "./encoding/metadata-encoder.v1.ts";
import { DEFAULT_SIMILARITY_WEIGHTS } from "./encoding/similarity-weights.ts";
import { SimilarityResolver } from "./graphql/resolvers/similarity.resolver.ts";
import type { CatalogueStore } from "./ports/catalogue-store.port.ts";
import type { ImageEncoder } from "./ports/image-encoder.port.ts";
import type { ImageFetchQueue } from "./ports/image-fetch-queue.port.ts";
import type { JobQueue } from "./ports/job-queue.port.ts";
import type { VectorIndex } from "./ports/vector-index.port.ts";
import { ArtworkEmbedder } from "./services/artwork-embedder.ts";
import { ArtworkImageService } from "./services/artwork-image.service.ts";
import { ImageIngestService } from "./services/image-ingest.service.ts";
import { IiifImageService } from "./services/iiif-image.service.ts";
import { ArtworkImageResolver } from "./graphql/resolvers/artwork-image.resolver.ts";
import { ComputeLane } from "./domain/compute-lane.ts";
import { SimilarityService } from "./services/similarity.service.ts";
import { EmbeddingMapService } from "./services/embedding-map.service.ts";
import { EmbeddingQualityService } from "./services/embedding-quality.service.ts";
import { EmbeddingQualityResolver } from "./graphql/resolvers/embedding-quality.resolver.ts";
import { EmbeddingMapResolver } from "./graphql/resolvers/embedding-map.resolver.ts";
import { ThreadedProjector } from "./adapters/threads/threaded-projector.ts";
import { VectorIndexService, type SwapOptions } from "./services/vector-index.service.ts";
import { EmbeddingWorker, progressLogger, type WorkerPass } from "./worker/embedding.worker.ts";
import { ImageIngestWorker } from "./worker/image-ingest.worker.ts";
import type { ImageFetchOutcome } from "./services/image-ingest.service.ts";

/** The bundled demo catalogue imported on a first start (data/demo/README.md). */
export const DEMO_CATALOGUE = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../data/demo/catalogue.jsonl");

export interface AppOptions {
  readonly log?: Logger;
  /** Called for every SQL statement (tests count them). */
  readonly onQuery?: (sql: string) => void;
  /** Receives the bootstrap admin key when one is created (default: printed to stdout). */
  readonly onBootstrapKey?: (secret: string) => void;
  /** An image encoder to use instead of loading config.model.path (benchmarks with synthetic image parts). */
  readonly imageEncoder?: ImageEncoder;
  /** Times the start-up phases (createApp passes its own; the first lap runs from process start). */
  readonly clock?: PhaseClock;
  /** Awaited as each part is opened, in this order (the memory benchmark reads the process's memory in between). */
  readonly onOpened?: (part: OpenedPart) => Promise<void> | void;
}

/** The parts of a server `onOpened` reports, in the order they open. */
export type OpenedPart = "catalogue store" | "image model" | "vector index" | "GraphQL schema";

export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Database;
  readonly services: { readonly catalogue: CatalogueService; readonly apiKeys: ApiKeyService; readonly importer: CatalogueImportService; readonly similarity: SimilarityService };
  readonly core: Core;
  /** The in-process embedding runner (null when VITRINE_INPROCESS_WORKER=0). */
  readonly worker: EmbeddingWorker | null;
  /** The in-process image fetcher (null when VITRINE_INPROCESS_WORKER=0 or VITRINE_IMAGE_INGEST=0). */
  readonly imageWorker: ImageIngestWorker | null;
  readonly server: Server;
  readonly health: () => Promise<HealthReport>;
  /** Starts the row cache's warm-up (if the server has not yet) and settles when it has read every work's rows (at once when warming is off). */
  readonly rowsWarmed: Promise<void>;
  /** Listens on config.port (0 = any free port); resolves to the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

/** Everything but HTTP: the stores, the index, the encoders and the services over them (the CLI uses it too). */
export interface Core {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly db: Database;
  readonly store: CatalogueStore;
  /** The row cache in front of the store (null when turned off). */
  readonly rowCache: CachedCatalogueStore | null;
  /** Other processes' change notices for the row cache (null with the embedded store or no cache). */
  readonly changes: CatalogueChangeListener | null;
  readonly queue: JobQueue;
  readonly index: VectorIndex;
  readonly indexService: VectorIndexService;
  readonly embedder: ArtworkEmbedder;
  /** Why there is no image model (null when one is loaded). */
  readonly modelProblem: string | null;
  /** The image model (null when there is none: modelProblem says why). */
  readonly encoder: ImageEncoder | null;
  readonly images: ArtworkImageService;
  /** The outbox of image fetches named by imported rows. */
  readonly imageQueue: ImageFetchQueue;
  readonly imageIngest: ImageIngestService;
  /** Stored images at the sizes pages ask for (the /iiif/ route). */
  readonly iiif: IiifImageService;
  readonly similarity: SimilarityService;
  /** The embedding map (2-D projections of the live generation). */
  readonly maps: EmbeddingMapService;
  /** The quality report of the live generation. */
  readonly quality: EmbeddingQualityService;
  readonly catalogue: CatalogueService;
  readonly apiKeys: ApiKeyService;
  readonly importer: CatalogueImportService;
  /** A worker filling this core's own generation (not started); `swap` says how it may move the alias. */
  createWorker(onPass?: (pass: WorkerPass) => void, swap?: SwapOptions): EmbeddingWorker;
  /** An image fetcher over this core's image queue (not started). */
  createImageWorker(onOutcome?: (outcome: ImageFetchOutcome) => void): ImageIngestWorker;
  close(): Promise<void>;
}

/** Ends a start-up phase on the clock, then tells `onOpened` (the memory benchmark) that its part is open. */
async function partOpened(clock: PhaseClock, options: AppOptions, phase: string, part: OpenedPart): Promise<void> {
  clock.lap(phase);
  await options.onOpened?.(part);
}

/** How long after listening the background work starts when no request came first (see listen). */
const BACKGROUND_DELAY_MS = 1000;

/** Opens the catalogue store (migrating it), the vector index and the image model. */
export async function openCore(config: Config, options: AppOptions = {}): Promise<Core> {
  const log = options.log ?? createLogger(config);
  const clock = options.clock ?? new PhaseClock();
  clock.lap("node and modules");
  const metrics = new Metrics();
  const db = await openDatabase({
    url: config.databaseUrl,
    embeddedDir: path.join(config.dataDir, "db"),
    sharedBuffersMb: config.embeddedStoreBuffersMb,
    onQuery: (sql) => {
      metrics.sqlQueries.inc();
      options.onQuery?.(sql);
    },
  });
  await partOpened(clock, options, "catalogue store open and migrated", "catalogue store");
  if (db.migrations.applied.length) log.info({ applied: db.migrations.applied, store: db.kind }, "migrations applied");

  // a shared PostgreSQL store: announce each write to the other processes and listen to theirs
  const shared = db.kind === "postgresql" && config.databaseUrl !== undefined;
  const rows = new PrismaCatalogueStore(db.prisma, { announceChanges: shared });
  const rowCache = config.rowCache.maxEntries > 0 ? new CachedCatalogueStore(rows, config.rowCache) : null;
  const changes =
    shared && rowCache ? new CatalogueChangeListener(config.databaseUrl!, (change) => (change === "all" ? rowCache.forgetAll() : rowCache.forgetWorks(change)), log) : null;
  const store: CatalogueStore = rowCache ?? rows;
  const queue = new PrismaJobQueue(db.prisma);
  const catalogue = new CatalogueService(store, { maxPageSize: config.limits.maxPageSize, defaultPageSize: 20 });
  const apiKeys = new ApiKeyService(new PrismaApiKeyStore(db.prisma));
  const preprocessor = new SharpImagePreprocessor({
    maxBytes: config.images.maxBytes,
    maxPixels: config.images.maxPixels,
    exactMaxPixels: config.model.exactResizeMaxPixels,
  });
  const palettes = new SharpPaletteExtractor({ maxPixels: config.images.maxPixels });
  const blobs = new FsBlobStore(path.join(config.dataDir, "images"));
  const fetcher = new GuardedImageFetcher(config.images);
  const images = new ArtworkImageService(store, preprocessor, palettes, blobs, fetcher, config.images.maxBytes);
  const importer = new CatalogueImportService(store, { blobs, maxBytes: config.images.maxBytes }, fetcher);
  const imageQueue = new PrismaImageFetchQueue(db.prisma);
  const imageIngest = new ImageIngestService(store, imageQueue, fetcher, preprocessor, palettes, blobs, config.imageIngest, log);
  const iiif = new IiifImageService(blobs, new SharpImageRenderer({ maxPixels: config.images.maxPixels }), config.iiif);

  let encoder: ImageEncoder | null = options.imageEncoder ?? null;
  let modelProblem: string | null = null;
  if (!encoder) {
    try {
      encoder = await OnnxImageEncoder.open(config.model.path, {
        threads: config.model.threads,
        batchSize: config.model.batchSize,
        preprocessor,
        idleMs: config.model.idleSeconds * 1000,
        // a model checked in full by an earlier start is loaded by the first image, not at start
        checkRecord: path.join(config.dataDir, "model-check.json"),
      });
      log.info({ model: config.model.path, dimension: encoder.dimension }, "image model loaded");
    } catch (e) {
      modelProblem = e instanceof Error ? e.message : String(e);
      log.warn({ model: config.model.path }, `similarity uses catalogue metadata only: ${modelProblem}`);
    }
  }
  await partOpened(clock, options, "image model", "image model");
  const embedder = new ArtworkEmbedder(new MetadataEncoderV1(), encoder, blobs, DEFAULT_SIMILARITY_WEIGHTS, log);

  // the Qdrant client is loaded only when Qdrant is configured
  const index: VectorIndex = config.qdrant
    ? new (await import("./adapters/qdrant/qdrant-vector-index.ts")).QdrantVectorIndex(config.qdrant)
    : await ThreadedVectorIndex.open({ dir: path.join(config.dataDir, "vectors"), ...config.embeddedIndex });
  await partOpened(clock, options, "vector index open", "vector index");
  const alias = config.qdrant?.collectionPrefix ?? "artworks";
  const indexService = new VectorIndexService(index, embedder, store, queue, alias, log);
  const similarity = new SimilarityService(indexService, embedder, store, images, palettes, preprocessor, { maxK: RANK_DEPTH, maxPrefilterIds: 20_000 }, new ComputeLane());

  const projector = new ThreadedProjector();
  const maps = new EmbeddingMapService(index, indexService, store, projector);
  const quality = new EmbeddingQualityService(index, indexService);
  // listen last: nothing above reads through the cache, and no later failure leaves a connection open
  await changes?.start();
  clock.lap("services");

  return {
    config,
    log,
    metrics,
    db,
    store,
    rowCache,
    changes,
    queue,
    index,
    indexService,
    embedder,
    modelProblem,
    encoder,
    images,
    imageQueue,
    imageIngest,
    iiif,
    similarity,
    maps,
    quality,
    catalogue,
    apiKeys,
    importer,
    createWorker: (onPass, swap) => new EmbeddingWorker(queue, store, embedder, indexService, config.worker, log, onPass, swap),
    createImageWorker: (onOutcome) => new ImageIngestWorker(imageQueue, imageIngest, config.imageIngest, config.worker.pollIntervalMs, log, onOutcome),
    close: async () => {
      await changes?.close();
      await fetcher.close();
      await indexService.close();
      await projector.close();
      await index.close();
      await encoder?.close();
      await db.close();
    },
  };
}

/** Opens the stores, runs first-start chores (demo import, bootstrap key) and builds the HTTP server. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? new PhaseClock();
  const core = await openCore(config, { ...options, clock });
  const { log, metrics, db, store, catalogue, apiKeys, importer, index, indexService, similarity, images } = core;

  if (config.demo && (await store.countArtworks({})) === 0) {
    const t0 = Date.now();
    const summary = await importer.importFile(DEMO_CATALOGUE, { defaultSource: "demo" });
    log.info({ works: summary.created, rejected: summary.rejected.length, ms: Date.now() - t0 }, "demo catalogue imported (VITRINE_DEMO=0 skips this)");
  }
  clock.lap("demo import (first start)");
  if (db.kind === "embedded") {
    const secret = await apiKeys.ensureBootstrapKey();
    if (secret) {
      (options.onBootstrapKey ?? ((s) => process.stdout.write(`\nvitrine: created the first admin API key. It is shown only this once; keep it safe:\n\n  ${s}\n\nSend it as "Authorization: Bearer <key>". Manage keys with \`vitrine apikey\`.\n\n`)))(secret);
    }
  }

  const resolvers = new Map<Function, object>([
    [NodeResolver, new NodeResolver()],
    [ArtworkResolver, new ArtworkResolver(catalogue)],
    [ArtistResolver, new ArtistResolver(catalogue)],
    [SimilarityResolver, new SimilarityResolver(similarity)],
    [ArtworkAdminResolver, new ArtworkAdminResolver(catalogue, images, importer)],
    [ArtworkFacetsResolver, new ArtworkFacetsResolver(new ArtworkFacetsService(store))],
    [ProvenanceResearchResolver, new ProvenanceResearchResolver(new ProvenanceResearchService(store))],
    [ArtworkImageResolver, new ArtworkImageResolver(config.iiif.maxDimension)],
    [EmbeddingMapResolver, new EmbeddingMapResolver(core.maps)],
    [EmbeddingQualityResolver, new EmbeddingQualityResolver(core.quality)],
    [DuplicatesResolver, new DuplicatesResolver(new DuplicatesService(index, indexService, store))],
    [IndexAdminResolver, new IndexAdminResolver(new IndexStatusService(store, indexService, core.queue))],
  ]);

  // vectors for what is in the catalogue: a new embedding version queues every work; the in-process
  // runner (the embedded default) embeds them in the background with progress in the log
  await indexService.init();
  clock.lap("index init");
  let worker: EmbeddingWorker | null = null;
  let imageWorker: ImageIngestWorker | null = null;
  if (config.worker.inProcess) {
    worker = core.createWorker(progressLogger(core.queue, log));
    if (config.imageIngest.enabled) {
      // a stored image queues its work for re-embedding: wake the embedding runner at once
      imageWorker = core.createImageWorker((outcome) => outcome === "READY" && worker?.nudge());
    }
  }
  // the embedded store is read on the API's own thread (~2 ms a statement): remember every work's rows.
  // Started when asked for or once the server listens, so the first answer does not wait behind it
  const warming = new AbortController();
  let warmed: Promise<void> | null = null;
  const warmRows = () =>
    (warmed ??=
      config.rowCache.warm && core.rowCache
        ? (async (cache) => {
            const t0 = Date.now();
            const works = await cache.warm({ signal: warming.signal });
            log.info({ works, ms: Date.now() - t0 }, "work rows remembered (VITRINE_ROW_CACHE_WARM=0 skips this)");
          })(core.rowCache).catch((e: unknown) => log.warn({ err: e }, "remembering work rows stopped"))
        : Promise.resolve());
  /** The work that runs beside the API (embedding, image fetching, row warm-up), started once it listens. */
  let backgroundStarted = false;
  const startBackground = () => {
    if (stopping || backgroundStarted) return;
    backgroundStarted = true;
    worker?.start();
    imageWorker?.start();
    void warmRows();
  };
  const schema = buildVitrineSchema(resolvers);
  clock.lap("schema build");
  const costs = createCostEstimator(schema);
  const apollo = createApollo(schema, config.limits, costs, metrics, log, isConnectionFailure);
  await apollo.start();
  await partOpened(clock, options, "apollo start", "GraphQL schema");

  const health = () =>
    checkHealth({
      store: async () => (await db.ping(), { status: "ok", kind: db.kind }),
      index: async () => {
        const st = await indexService.status();
        const jobs = await core.queue.counts();
        return {
          status: st.state === "LIVE" ? "ok" : "degraded",
          kind: config.qdrant ? "qdrant" : "embedded",
          state: st.state,
          collection: st.collection,
          vectors: st.vectors,
          pendingJobs: jobs.PENDING + jobs.RUNNING,
          failedJobs: jobs.FAILED,
          ...(st.state === "LIVE" ? {} : { message: "Rebuilding the index for a new embedding version; similar-work queries use the previous version until it completes." }),
        };
      },
      images: async () => ({ status: "ok", works: await store.imageStatusCounts(), ...(config.imageIngest.enabled ? {} : { message: "Image fetching is off (VITRINE_IMAGE_INGEST=0): imported works keep their image PENDING." }) }),
      model: async () =>
        core.modelProblem
          ? { status: "disabled", message: `Similarity uses catalogue metadata only. To add what works look like: ${core.modelProblem}`, path: config.model.path }
          : {
              status: "ok",
              path: config.model.path,
              embeddingVersion: core.embedder.versionKey,
              // false while the model rests (VITRINE_MODEL_IDLE_SECONDS without an image); the next image loads it
              inMemory: core.encoder?.loaded ?? true,
            },
    });

  const makeContext = async (req: IncomingMessage, requestId: string): Promise<GraphQLContext> => {
    const auth = req.headers.authorization;
    const bearer = auth?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const principal = bearer ? await apiKeys.authenticate(bearer) : null;
    return { requestId, principal, badCredential: Boolean(auth) && !principal, loaders: createCatalogueLoaders(store), log, imageBaseUrl: `${baseUrlOf(req, config.publicUrl)}${IIIF_PREFIX}`, budget: timeBudget(config.limits.rankingBudgetMs) };
  };

  const queryFields = Object.keys(schema.getQueryType()?.getFields() ?? {});
  const graphiqlTabsNow = async () => graphiqlTabs(await exampleIdsFrom(store), queryFields);
  const batchCost = batchCostCheck(costs, config.limits.maxComplexity, config.limits.maxTokens);
  const server = createHttpServer({ apollo, makeContext, batchCost, health, metrics, limits: config.limits, cors: config.cors, iiif: createIiifHandler(core.iiif, config.publicUrl), graphiqlTabs: graphiqlTabsNow, log });
  clock.lap("http server");
  log.debug({ phases: clock.phases }, "start-up phases (ms)");
  let stopping: Promise<void> | null = null;

  return {
    config,
    log,
    db,
    services: { catalogue, apiKeys, importer, similarity },
    core,
    worker,
    imageWorker,
    server,
    health,
    get rowsWarmed() {
      return warmRows();
    },
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
          // the embedding runner, the image fetcher and the row warm-up share this thread (PGlite runs on
          // it): they start once the first request is answered, or a second after listening, so a
          // restarted server answers its first client without waiting behind them (BENCHMARKS.md, startup)
          server.once("request", (_req, res) => res.once("close", startBackground));
          setTimeout(startBackground, BACKGROUND_DELAY_MS).unref();
          resolve(`http://${host}:${port}`);
        });
      }),
    stop: () =>
      (stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await apollo.stop();
        warming.abort();
        await warmed;
        await imageWorker?.stop();
        await worker?.stop();
        await core.close();
      })()),
  };
}
