/**
 * The one typed configuration, read once from the environment (loadConfig) and passed down as an
 * immutable object. Nothing else in vitrine reads process.env.
 */
import path from "node:path";

export interface QdrantConfig {
  readonly url: string;
  readonly apiKey: string | undefined;
  /** Shards per collection (distributed mode). */
  readonly shardNumber: number;
  /** Copies of each shard; ≥ 2 in a cluster. */
  readonly replicationFactor: number;
  /** Replicas that must acknowledge a write. */
  readonly writeConsistencyFactor: number;
  /** Prefix of collection and alias names. */
  readonly collectionPrefix: string;
  /** Scalar (int8) quantization of new collections, searches rescored with the full vectors; or none. */
  readonly quantization: QdrantQuantization;
}

export const QDRANT_QUANTIZATIONS = ["none", "int8"] as const;
export type QdrantQuantization = (typeof QDRANT_QUANTIZATIONS)[number];

export interface LimitsConfig {
  readonly maxDepth: number;
  readonly maxComplexity: number;
  readonly maxPageSize: number;
  readonly maxAliases: number;
  readonly maxBatchOperations: number;
  readonly maxBodyBytes: number;
  /** Most bytes of a body besides the base64 images it carries: a request without an image is held to this, well under maxBodyBytes. */
  readonly maxBodyBytesWithoutImage: number;
  /** Most lexical tokens a query document may hold; graphql-js stops parsing beyond it. */
  readonly maxTokens: number;
  /** Time one HTTP request's rankings (diversity, weights, grouping) may take, all its operations together, before QUERY_TOO_EXPENSIVE. */
  readonly rankingBudgetMs: number;
}

/** Which web pages on other origins may call the API from a browser (CORS). */
export interface CorsConfig {
  /** Exact origins allowed, e.g. "https://gallery.example.org". */
  readonly origins: readonly string[];
  /** Also allow http://localhost and http://127.0.0.1 on any port (development default). */
  readonly localhost: boolean;
  /** Allow cookies and Authorization with credentials: "include" (Access-Control-Allow-Credentials). */
  readonly credentials: boolean;
  /** How long a browser may cache a preflight answer, in seconds. */
  readonly maxAgeSeconds: number;
}

/** Serving stored images at the sizes a page asks for (IIIF Image API URLs). */
export interface IiifConfig {
  /** Largest width or height of a rendered image, in pixels. */
  readonly maxDimension: number;
  /** Rendered images kept in memory, in bytes (least recently used dropped first). */
  readonly cacheBytes: number;
}

export interface ImageLimitsConfig {
  /** Largest accepted image file. */
  readonly maxBytes: number;
  /** Largest accepted width × height, checked from the header before decoding. */
  readonly maxPixels: number;
  readonly fetchTimeoutMs: number;
  /** Hosts or CIDR ranges that image URLs may reach even though they are private or loopback. */
  readonly fetchAllowList: readonly string[];
}

/** How the worker fetches the images catalogue rows name (image ingest). */
export interface ImageIngestConfig {
  /** Fetch images named by imported rows in the worker (off: works keep their image PENDING). */
  readonly enabled: boolean;
  /** Image fetches one worker runs at once, over all hosts. */
  readonly concurrency: number;
  /** Image fetches running at once against one host, over all workers. */
  readonly perHost: number;
  /** Tries of a transient failure (timeout, 5xx, 429, connection error) before the image is FAILED. */
  readonly maxAttempts: number;
  /** First retry delay; doubled each attempt (with ±25% jitter, at most 10 minutes) unless the host sends Retry-After. */
  readonly backoffMs: number;
}

export interface ModelConfig {
  /** ONNX file of the ViTMAE encoder; when missing, similarity uses metadata only. */
  readonly path: string;
  readonly threads: number;
  readonly batchSize: number;
  /**
   * Seconds without an image after which the model is released (its weights leave memory) until the
   * next image; 0 keeps it loaded. VITRINE_MODEL_IDLE_SECONDS, default 300.
   */
  readonly idleSeconds: number;
  readonly modelsDir: string;
  /**
   * Images up to this width × height are resized to the model's input by the Pillow-exact port on
   * the JS thread; larger ones by sharp's closest kernel off it (docs/preprocessing.md measures both
   * at 12 MP). VITRINE_IMAGE_EXACT_MAX_PIXELS, default 4 MP.
   */
  readonly exactResizeMaxPixels: number;
  /** Base URL of the Hugging Face Hub or a mirror that `vitrine model fetch` downloads from (HF_ENDPOINT). */
  readonly hubEndpoint: string;
}

export interface WorkerConfig {
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly maxAttempts: number;
  /** Run the embedding runner inside the API process (the embedded default). */
  readonly inProcess: boolean;
  /** How long DONE embedding jobs are kept before the worker removes them, in hours (0: at the next pass). */
  readonly jobRetentionHours: number;
  /** How long a taken job is held before another worker may take it (the taker may have died). */
  readonly leaseMs: number;
}

export interface RowCacheConfig {
  /** Works whose rows are remembered (per kind of row); 0 turns the cache off. */
  readonly maxEntries: number;
  /** How long a remembered row is trusted; Infinity when no other process writes the store. */
  readonly ttlMs: number;
  /** Read every work's rows into the cache after start (default when the store is embedded: nothing else writes it). */
  readonly warm: boolean;
}

/** How the embedded index's graph stores vectors for its distance computations. */
export const QUANTIZATIONS = ["f32", "f16", "i8"] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** How the embedded index keeps the vectors it ranks candidates by. */
export const VECTOR_PRECISIONS = ["f32", "f16"] as const;
export type VectorPrecision = (typeof VECTOR_PRECISIONS)[number];

export interface EmbeddedIndexConfig {
  /**
   * How the embedded index's graph stores vectors: i8 (the default) or f16 pick candidates several
   * times faster than f32, and every result is then ranked by its exact cosine (see BENCHMARKS.md).
   */
  readonly quantization: Quantization;
  /**
   * How the embedded index keeps the vectors that rank and score the graph's candidates (and that
   * explain scores): f16 (the default) takes half the memory of f32; a cosine moves by ~1e-4.
   */
  readonly precision: VectorPrecision;
}

export interface Config {
  readonly env: "development" | "production" | "test";
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL URL; undefined means the embedded store in dataDir. */
  readonly databaseUrl: string | undefined;
  /** The embedded store's shared_buffers in MB (PGlite's page cache, in memory that never shrinks). */
  readonly embeddedStoreBuffersMb: number;
  /** Qdrant settings; undefined means the embedded index in dataDir. */
  readonly qdrant: QdrantConfig | undefined;
  readonly model: ModelConfig;
  readonly images: ImageLimitsConfig;
  readonly imageIngest: ImageIngestConfig;
  readonly limits: LimitsConfig;
  readonly worker: WorkerConfig;
  readonly rowCache: RowCacheConfig;
  readonly embeddedIndex: EmbeddedIndexConfig;
  readonly cors: CorsConfig;
  readonly iiif: IiifConfig;
  /** Base URL clients reach this server at (behind a proxy), for absolute image URLs; undefined: the request's Host. */
  readonly publicUrl: string | undefined;
  /** Import the bundled demo catalogue when the store is empty. */
  readonly demo: boolean;
  /** API key the command line sends to a running server (VITRINE_API_KEY; `vitrine import --key` wins). */
  readonly apiKey: string | undefined;
  readonly logLevel: string;
}

export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}; got "${raw}".`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be 1/0 or true/false; got "${raw}".`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(", ")}; got "${raw}".`);
  return raw as T;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function url(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${raw}".`);
  }
  return raw;
}

/** VITRINE_CORS_ORIGINS: comma-separated origins (scheme://host[:port], no path). */
function corsOrigins(env: Env): string[] {
  return list(env, "VITRINE_CORS_ORIGINS").map((raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(`VITRINE_CORS_ORIGINS holds "${raw}", which is not an origin like https://gallery.example.org.`);
    }
    if (parsed.origin === "null" || parsed.pathname !== "/" || raw.replace(/\/$/, "") !== parsed.origin) {
      throw new ConfigError(`VITRINE_CORS_ORIGINS holds "${raw}"; write an origin only (scheme, host and port), e.g. ${parsed.origin}.`);
    }
    return parsed.origin;
  });
}

/**
 * The environment of the image model's process (onnx-session.process.js): this process's, with glibc's
 * mmap threshold fixed at 128 KiB unless one is set. glibc raises that threshold after freeing a large
 * block, and onnxruntime's weights then come from malloc arenas that keep their pages: a ViTMAE-base
 * held 665 MB loaded with the default and 387 MB with it fixed (BENCHMARKS.md, "encoder").
 */
export function modelProcessEnv(env: Env = process.env): Record<string, string | undefined> {
  return { ...env, MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? "131072" };
}

/** Reads the configuration from an environment (process.env by default). Throws ConfigError with the variable's name. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : "development";
  const dataDir = path.resolve(env.VITRINE_DATA_DIR || "./.vitrine");
  const modelsDir = path.join(dataDir, "models");
  const qdrantUrl = url(env, "QDRANT_URL");
  const config: Config = {
    env: nodeEnv,
    port: int(env, "PORT", 4000),
    host: env.HOST || "0.0.0.0",
    dataDir,
    databaseUrl: url(env, "DATABASE_URL"),
    embeddedStoreBuffersMb: int(env, "VITRINE_PGLITE_SHARED_BUFFERS_MB", 16, 1),
    qdrant: qdrantUrl
      ? {
          url: qdrantUrl,
          apiKey: env.QDRANT_API_KEY || undefined,
          shardNumber: int(env, "QDRANT_SHARD_NUMBER", 1, 1),
          replicationFactor: int(env, "QDRANT_REPLICATION_FACTOR", 1, 1),
          writeConsistencyFactor: int(env, "QDRANT_WRITE_CONSISTENCY", 1, 1),
          collectionPrefix: env.QDRANT_COLLECTION_PREFIX || "vitrine",
          quantization: oneOf(env, "QDRANT_QUANTIZATION", QDRANT_QUANTIZATIONS, "none"),
        }
      : undefined,
    model: {
      path: path.resolve(env.VITRINE_MODEL_PATH || path.join(modelsDir, "vit-mae-base.onnx")),
      threads: int(env, "VITRINE_MODEL_THREADS", 0),
      batchSize: int(env, "VITRINE_MODEL_BATCH", 8, 1),
      idleSeconds: int(env, "VITRINE_MODEL_IDLE_SECONDS", 300, 0),
      modelsDir,
      exactResizeMaxPixels: int(env, "VITRINE_IMAGE_EXACT_MAX_PIXELS", 4_000_000, 0),
      hubEndpoint: (url(env, "HF_ENDPOINT") ?? "https://huggingface.co").replace(/\/+$/, ""),
    },
    images: {
      maxBytes: int(env, "VITRINE_IMAGE_MAX_BYTES", 20 * 1024 * 1024, 1),
      maxPixels: int(env, "VITRINE_IMAGE_MAX_PIXELS", 50_000_000, 1),
      fetchTimeoutMs: int(env, "VITRINE_IMAGE_FETCH_TIMEOUT_MS", 10_000, 1),
      fetchAllowList: list(env, "VITRINE_IMAGE_FETCH_ALLOW"),
    },
    imageIngest: {
      enabled: bool(env, "VITRINE_IMAGE_INGEST", true),
      concurrency: int(env, "VITRINE_IMAGE_FETCH_CONCURRENCY", 8, 1),
      perHost: int(env, "VITRINE_IMAGE_FETCH_PER_HOST", 2, 1),
      maxAttempts: int(env, "VITRINE_IMAGE_FETCH_ATTEMPTS", 8, 1),
      backoffMs: int(env, "VITRINE_IMAGE_FETCH_BACKOFF_MS", 2000, 1),
    },
    limits: {
      maxDepth: int(env, "VITRINE_MAX_DEPTH", 10, 1),
      maxComplexity: int(env, "VITRINE_MAX_COMPLEXITY", 5000, 1),
      maxPageSize: Math.min(int(env, "VITRINE_MAX_PAGE_SIZE", 100, 1), 100),
      maxAliases: int(env, "VITRINE_MAX_ALIASES", 30, 1),
      maxBatchOperations: int(env, "VITRINE_MAX_BATCH", 10, 1),
      maxBodyBytes: int(env, "VITRINE_MAX_BODY_BYTES", 28 * 1024 * 1024, 1024),
      maxBodyBytesWithoutImage: int(env, "VITRINE_MAX_BODY_BYTES_WITHOUT_IMAGE", 4 * 1024 * 1024, 1024),
      maxTokens: int(env, "VITRINE_MAX_TOKENS", 10_000, 100),
      rankingBudgetMs: int(env, "VITRINE_RANKING_BUDGET_MS", 5000, 1),
    },
    worker: {
      pollIntervalMs: int(env, "VITRINE_WORKER_POLL_MS", 1000, 10),
      batchSize: int(env, "VITRINE_WORKER_BATCH", 32, 1),
      maxAttempts: int(env, "VITRINE_WORKER_MAX_ATTEMPTS", 8, 1),
      inProcess: bool(env, "VITRINE_INPROCESS_WORKER", true),
      jobRetentionHours: int(env, "VITRINE_JOB_RETENTION_HOURS", 24, 0),
      leaseMs: int(env, "VITRINE_WORKER_LEASE_SECONDS", 300, 1) * 1000,
    },
    rowCache: {
      maxEntries: int(env, "VITRINE_ROW_CACHE_ENTRIES", 100_000),
      // the embedded store belongs to this process alone; a shared PostgreSQL may be written by others
      ttlMs: env.VITRINE_ROW_CACHE_TTL_MS ? int(env, "VITRINE_ROW_CACHE_TTL_MS", 30_000, 1) : env.DATABASE_URL ? 30_000 : Infinity,
      warm: bool(env, "VITRINE_ROW_CACHE_WARM", !env.DATABASE_URL),
    },
    embeddedIndex: { quantization: oneOf(env, "VITRINE_INDEX_QUANTIZATION", QUANTIZATIONS, "i8"), precision: oneOf(env, "VITRINE_INDEX_VECTORS", VECTOR_PRECISIONS, "f16") },
    cors: {
      origins: corsOrigins(env),
      localhost: env.VITRINE_CORS_ORIGINS === undefined && nodeEnv === "development",
      credentials: bool(env, "VITRINE_CORS_CREDENTIALS", false),
      maxAgeSeconds: int(env, "VITRINE_CORS_MAX_AGE", 600),
    },
    iiif: {
      maxDimension: int(env, "VITRINE_IIIF_MAX_DIMENSION", 4096, 1),
      cacheBytes: int(env, "VITRINE_IIIF_CACHE_BYTES", 64 * 1024 * 1024),
    },
    publicUrl: url(env, "VITRINE_PUBLIC_URL")?.replace(/\/+$/, ""),
    demo: bool(env, "VITRINE_DEMO", true),
    apiKey: env.VITRINE_API_KEY || undefined,
    logLevel: env.LOG_LEVEL || (nodeEnv === "test" ? "silent" : "info"),
  };
  return Object.freeze({ ...config, ...overrides });
}
