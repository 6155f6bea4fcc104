/**
 * The Qdrant VectorIndex (used when QDRANT_URL is set): one Qdrant collection per embedding version,
 * cosine distance, the artwork UUID as point id and the VectorPayload as point payload.
 *
 * Written against Qdrant's REST API through the official client (@qdrant/js-client-rest 1.19; `search`
 * is gone there, every vector query goes through `query` / `queryGroups`). Qdrant resolves aliases in
 * collection paths itself, so every method that reads or writes points accepts an alias as it is.
 *
 * Differences from the embedded index, kept as small as possible:
 * - Qdrant normalises vectors of a cosine collection on write, so `get` returns unit vectors (the
 *   port's vectors are unit length anyway) and ids come back in lower-case hyphenated UUID form.
 * - Grouping: `group_by` on the artistKeys array would put a work with two artists in two groups and
 *   leave works without artists out. Each point therefore carries one extra payload field, GROUP_KEY
 *   (the first artist key, or the point's own id when it has no artist), and `queryGroups` groups by
 *   it: exactly the port's grouping. The field is removed again when payloads are read.
 * - BEST_SCORE: recent Qdrant servers pass the best-score objective through a sigmoid (scores in
 *   (0, 1) for positive-chosen points, (−1, 0) otherwise), older ones return the raw formula. To
 *   return the port's scores on any server version, candidates come from Qdrant's best_score query and
 *   are rescored here from their vectors.
 */
import { QdrantClient, QdrantClientResourceExhaustedError, QdrantClientTimeoutError, type Schemas } from "@qdrant/js-client-rest";
import type { QdrantConfig } from "../../config/config.ts";
import { UnavailableError } from "../../domain/errors.ts";
import { isUuid } from "../../domain/uuid.ts";
import type {
  CollectionInfo,
  GroupQuery,
  KeywordCondition,
  NearQuery,
  NearResult,
  RecommendQuery,
  VectorFilter,
  VectorGroup,
  VectorHit,
  VectorIndex,
  VectorPayload,
  VectorPoint,
  VectorQuery,
} from "../../ports/vector-index.port.ts";
import { groupKeyOf } from "../../ports/vector-index.port.ts";
import { cosine } from "../../encoding/normalise.ts";
import { bestScore } from "../../encoding/scores.ts";

type Filter = Schemas["Filter"];
type Condition = Schemas["Condition"];

/** Points per upsert request (keeps request bodies a few MB at most). */
const UPSERT_BATCH = 256;
/** Ids per retrieve / delete request. */
const ID_BATCH = 1000;
/** Per-request timeout; a hung server becomes UnavailableError instead of a 5-minute wait (the client's default). */
const REQUEST_TIMEOUT_MS = 60_000;
/** Hidden payload field holding the grouping key (see the header). */
const GROUP_KEY = "groupKey";
/** Payload indexes of every filterable (and the grouping) field. */
const PAYLOAD_INDEXES: readonly (readonly [string, Schemas["PayloadSchemaType"]])[] = [
  ["artistKeys", "keyword"],
  ["mediumCategory", "keyword"],
  ["department", "keyword"],
  ["yearStart", "integer"],
  ["yearEnd", "integer"],
  ["hasImage", "bool"],
  ["embeddingVersion", "keyword"],
  [GROUP_KEY, "keyword"],
];
/** Connection-level failures worth retrying (undici puts them in `cause.code`). */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

/**
 * Searches of a collection with int8 quantization: twice the candidates asked for are picked with the
 * int8 copies and ranked by their full-precision vectors (as the embedded i8 graph does with 10 more).
 * Without quantization Qdrant ignores the setting.
 */
const RESCORED: Schemas["SearchParams"] = { quantization: { rescore: true, oversampling: 2 } };

export class QdrantVectorIndex implements VectorIndex {
  private readonly client: QdrantClient;
  private closed = false;
  private readonly searchParams: Schemas["SearchParams"] | undefined;

  constructor(private readonly config: QdrantConfig) {
    this.searchParams = config.quantization === "int8" ? RESCORED : undefined;
    // The client drops a path in `url` (it honours only `prefix`) and any port equal to the scheme's
    // default (URL parsing drops ":443"), dialling 6333 instead. Keep Qdrant's convention (no port means
    // 6333) but pass an explicit port and a path prefix as written, e.g. for Qdrant behind a proxy.
    const u = new URL(config.url);
    const explicitPort = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(config.url)?.[1];
    const prefix = u.pathname.replace(/\/+$/, "");
    this.client = new QdrantClient({
      url: u.origin,
      port: explicitPort ? Number(explicitPort) : 6333,
      ...(prefix ? { prefix } : {}),
      apiKey: config.apiKey,
      timeout: REQUEST_TIMEOUT_MS,
      checkCompatibility: false, // otherwise the constructor calls the server
    });
  }

  async ensureCollection(name: string, dimension: number, metadata: Readonly<Record<string, unknown>> = {}): Promise<void> {
    let info = await this.info(name);
    if (!info) {
      try {
        await this.call(`create collection ${name}`, () =>
          this.client.createCollection(name, {
            vectors: { size: dimension, distance: "Cosine" },
            shard_number: this.config.shardNumber,
            replication_factor: this.config.replicationFactor,
            write_consistency_factor: this.config.writeConsistencyFactor,
            // int8 copies of the vectors kept in RAM pick the candidates; searches rescore them (searchParams)
            ...(this.config.quantization === "int8" ? { quantization_config: { scalar: { type: "int8" as const, quantile: 0.99, always_ram: true } } } : {}),
            // collection metadata needs Qdrant ≥ 1.16; like the embedded index, only a new collection gets it
            ...(Object.keys(metadata).length ? { metadata: { ...metadata } } : {}),
          }),
        );
      } catch (e) {
        // another process (API and worker start together) may have created it first
        if (e instanceof UnavailableError || !(await this.info(name))) throw e;
      }
      info = await this.info(name);
      if (!info) throw new Error(`Qdrant did not create collection ${name}.`);
    }
    const size = vectorSize(name, info);
    if (size !== dimension) throw new Error(`Collection ${name} holds vectors of ${size} values, not ${dimension}.`);
    for (const [field, type] of PAYLOAD_INDEXES) {
      if (info.payload_schema?.[field]?.data_type === type) continue;
      await this.call(`index ${field} of ${name}`, () => this.client.createPayloadIndex(name, { field_name: field, field_schema: type, wait: true }));
    }
  }

  async collectionInfo(name: string): Promise<CollectionInfo | null> {
    // Qdrant's collection info resolves aliases but does not name the target: ask the alias list
    const target = (await this.resolveAlias(name)) ?? name;
    const info = await this.info(target);
    return info ? { name: target, dimension: vectorSize(target, info), metadata: { ...(info.config.metadata ?? {}) } } : null;
  }

  async upsert(collection: string, points: readonly VectorPoint[]): Promise<void> {
    this.assertOpen();
    for (let i = 0; i < points.length; i += UPSERT_BATCH) {
      const batch = points.slice(i, i + UPSERT_BATCH).map((p) => {
        // the id forms Qdrant accepts as strings are UUIDs; it answers with the lower-case hyphenated form
        if (!isUuid(p.id)) throw new Error(`Qdrant point ids must be UUIDs; got "${p.id}".`);
        const payload = { ...p.payload, artistKeys: [...p.payload.artistKeys], [GROUP_KEY]: groupKeyOf(p.id.toLowerCase(), p.payload) };
        return { id: p.id, vector: Array.from(p.vector), payload };
      });
      // wait: resolve only once the points are applied (searchable); medium ordering routes writes through a leader
      const r = await this.call(`upsert into ${collection}`, () => this.client.upsert(collection, { wait: true, ordering: "medium", points: batch }));
      this.checkApplied(r, `upsert into ${collection}`);
    }
  }

  async delete(collection: string, ids: readonly string[]): Promise<void> {
    this.assertOpen();
    const valid = pointIds(ids); // a non-UUID id cannot be stored, so there is nothing to delete
    for (let i = 0; i < valid.length; i += ID_BATCH) {
      const points = valid.slice(i, i + ID_BATCH);
      const r = await this.call(`delete from ${collection}`, () => this.client.delete(collection, { wait: true, ordering: "medium", points }));
      this.checkApplied(r, `delete from ${collection}`);
    }
  }

  async get(collection: string, ids: readonly string[]): Promise<VectorPoint[]> {
    const valid = pointIds(ids);
    const out: VectorPoint[] = [];
    for (let i = 0; i < valid.length; i += ID_BATCH) {
      const records = await this.call(`retrieve from ${collection}`, () =>
        this.client.retrieve(collection, { ids: valid.slice(i, i + ID_BATCH), with_payload: true, with_vector: true }),
      );
      for (const r of records) {
        if (!Array.isArray(r.vector) || typeof r.vector[0] !== "number") throw new Error(`Point ${r.id} of ${collection} has no single dense vector.`);
        out.push({ id: String(r.id), vector: Float32Array.from(r.vector as number[]), payload: toPayload(r.payload) });
      }
    }
    return out;
  }

  async count(collection: string, filter?: VectorFilter): Promise<number> {
    const f = toFilter(filter);
    if (f === null) return 0;
    const r = await this.call(`count ${collection}`, () => this.client.count(collection, { exact: true, filter: f }));
    return Number(r.count);
  }

  async search(collection: string, query: VectorQuery): Promise<VectorHit[]> {
    const filter = toFilter(query.filter, query.excludeIds);
    if (filter === null || query.k <= 0) return [];
    const r = await this.call(`search ${collection}`, () =>
      this.client.query(collection, { query: Array.from(query.vector), limit: query.k, filter, params: this.searchParams, with_payload: true, with_vector: query.withVectors === true }),
    );
    return r.points.map(toHit);
  }

  async searchNear(collection: string, query: NearQuery): Promise<NearResult | null> {
    const [id] = pointIds([query.id]);
    if (!id) return null; // not a UUID: never stored
    const filter = toFilter(query.filter, [id, ...(query.excludeIds ?? [])]);
    // the point and its neighbours (Qdrant's query by id) at once: one round trip's wait, not two
    const [points, hits] = await Promise.all([
      this.get(collection, [id]),
      filter === null || query.k <= 0
        ? Promise.resolve([])
        : this.call(`search ${collection}`, () => this.client.query(collection, { query: id, limit: query.k, filter, params: this.searchParams, with_payload: true, with_vector: query.withVectors === true })).then(
            (r) => r.points.map(toHit),
            // a point that is not stored fails the query by id; `get` tells that case apart
            (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
          ),
    ]);
    if (points.length === 0) return null;
    if (hits instanceof Error) throw hits;
    return { vector: points[0].vector, hits };
  }

  async searchGroups(collection: string, query: GroupQuery): Promise<VectorGroup[]> {
    const filter = toFilter(query.filter, query.excludeIds);
    if (filter === null || query.k <= 0 || query.groupSize <= 0) return [];
    // groups come best group first (by the group's best hit), hits best first within a group
    const r = await this.call(`search groups in ${collection}`, () =>
      this.client.queryGroups(collection, {
        query: Array.from(query.vector),
        group_by: GROUP_KEY,
        group_size: query.groupSize,
        limit: query.k,
        filter,
        params: this.searchParams,
        with_payload: true,
        with_vector: query.withVectors === true,
      }),
    );
    return r.groups.map((g) => ({ key: String(g.id), hits: g.hits.map(toHit) }));
  }

  async recommend(collection: string, query: RecommendQuery): Promise<VectorHit[]> {
    if (query.positive.length === 0) throw new RangeError("recommend needs at least one positive example.");
    const filter = toFilter(query.filter, query.excludeIds);
    if (filter === null || query.k <= 0) return [];
    const positive = query.positive.map((v) => Array.from(v));
    const negative = query.negative.map((v) => Array.from(v));
    if (query.strategy === "AVERAGE_VECTOR") {
      // Qdrant builds avg(pos) + (avg(pos) − avg(neg)) itself and scores by cosine to it: the port's definition
      const r = await this.call(`recommend in ${collection}`, () =>
        this.client.query(collection, {
          query: { recommend: { positive, negative, strategy: "average_vector" } },
          limit: query.k,
          filter,
          params: this.searchParams,
          with_payload: true,
          with_vector: query.withVectors === true,
        }),
      );
      return r.points.map(toHit);
    }
    // BEST_SCORE: over-fetch candidates with Qdrant's objective, then score them by the port's formula
    const r = await this.call(`recommend in ${collection}`, () =>
      this.client.query(collection, {
        query: { recommend: { positive, negative, strategy: "best_score" } },
        limit: Math.max(query.k * 4, 32),
        filter,
        params: this.searchParams,
        with_payload: true,
        with_vector: true,
      }),
    );
    const scored = r.points.map((p) => {
      const v = p.vector;
      if (!Array.isArray(v) || typeof v[0] !== "number") throw new Error(`Point ${p.id} of ${collection} has no single dense vector.`);
      const { score } = bestScore(query.positive.map((e) => cosine(e, v as number[])), query.negative.map((e) => cosine(e, v as number[])));
      const hit: VectorHit = { id: String(p.id), score, payload: toPayload(p.payload) };
      return query.withVectors ? { ...hit, vector: Float32Array.from(v as number[]) } : hit;
    });
    return scored.sort((a, b) => b.score - a.score).slice(0, query.k);
  }

  async setAlias(alias: string, collection: string): Promise<void> {
    // one request = one atomic change; deleting an alias that does not exist is not an error in Qdrant
    await this.call(`point alias ${alias} at ${collection}`, () =>
      this.client.updateCollectionAliases({
        actions: [{ delete_alias: { alias_name: alias } }, { create_alias: { alias_name: alias, collection_name: collection } }],
      }),
    );
  }

  async resolveAlias(alias: string): Promise<string | null> {
    const r = await this.call("list aliases", () => this.client.getAliases());
    return r.aliases.find((a) => a.alias_name === alias)?.collection_name ?? null;
  }

  async listCollections(): Promise<string[]> {
    const r = await this.call("list collections", () => this.client.getCollections());
    return r.collections.map((c) => c.name).sort();
  }

  async dropCollection(name: string): Promise<void> {
    // Qdrant also removes the aliases pointing at the collection; a missing collection is fine
    try {
      await this.call(`drop collection ${name}`, () => this.client.deleteCollection(name));
    } catch (e) {
      if (!(e instanceof QdrantRequestError && e.status === 404)) throw e;
    }
  }

  async ids(collection: string, after: string | null, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    // Without order_by, scroll walks points by id (UUIDs compare like their lower-case text), and
    // `offset` is inclusive: ask for one more and drop `after` itself when it still exists.
    const from = after === null ? undefined : after.toLowerCase();
    const r = await this.call(`list ids of ${collection}`, () =>
      this.client.scroll(collection, { offset: from, limit: limit + (from ? 1 : 0), with_payload: false, with_vector: false }),
    );
    const ids = r.points.map((p) => String(p.id));
    return (from !== undefined && ids[0] === from ? ids.slice(1) : ids).slice(0, limit);
  }

  /**
   * Nothing to flush: every write was acknowledged before it returned, and the client holds no more
   * than idle keep-alive sockets. Idempotent; later writes are refused, as in the embedded index.
   */
  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("The vector index is closed.");
  }

  /** The collection's description, or null when there is no collection (or alias) of that name. */
  private async info(name: string): Promise<Schemas["CollectionInfo"] | null> {
    try {
      return await this.call(`read collection ${name}`, () => this.client.getCollection(name));
    } catch (e) {
      if (e instanceof QdrantRequestError && e.status === 404) return null;
      throw e;
    }
  }

  private checkApplied(r: Schemas["UpdateResult"], what: string): void {
    // with wait=true anything but "completed" means the write may not be applied yet: retry later
    if (r.status !== "completed") throw new UnavailableError(`The vector index (Qdrant at ${this.config.url}) did not confirm "${what}" (status ${r.status}).`);
  }

  /** Runs one client call and turns its failures into vitrine errors (see `mapError`). */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw mapError(e, what, this.config.url);
    }
  }
}

/** A 4xx answer of Qdrant (a missing collection, a bad request), with Qdrant's own explanation. */
class QdrantRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "QdrantRequestError";
  }
}

/**
 * Unreachable (network error, timeout, 429, 5xx) → UnavailableError, so callers report
 * SERVICE_UNAVAILABLE and the worker retries; a 4xx → QdrantRequestError naming the operation.
 */
function mapError(e: unknown, what: string, url: string): Error {
  const unavailable = (detail: string) => new UnavailableError(`The vector index (Qdrant at ${url}) is unreachable: ${detail} (${what}).`);
  if (e instanceof QdrantClientTimeoutError) return unavailable(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
  if (e instanceof QdrantClientResourceExhaustedError) return unavailable(`rate limited, retry after ${e.retry_after} s`);
  // the client's ApiError carries the HTTP status and Qdrant's JSON body ({ status: { error } })
  const status = (e as { status?: unknown } | null)?.status;
  if (typeof status === "number") {
    const body = (e as { data?: { status?: { error?: unknown } } }).data;
    const detail = typeof body?.status?.error === "string" ? body.status.error : (e as Error).message || `HTTP ${status}`;
    if (status === 429 || status >= 500) return unavailable(`HTTP ${status}: ${detail}`);
    return new QdrantRequestError(status, `Qdrant refused to ${what}: ${detail}`);
  }
  // fetch itself failed: "TypeError: fetch failed" with the socket error as cause
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : "";
  if (NETWORK_CODES.has(code) || code.startsWith("UND_ERR") || (e instanceof TypeError && e.message === "fetch failed")) {
    return unavailable(typeof cause?.message === "string" ? cause.message : code || "fetch failed");
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** The size of a collection's single cosine vector; anything else is not a vitrine collection. */
function vectorSize(name: string, info: Schemas["CollectionInfo"]): number {
  const vectors = info.config.params.vectors as Partial<Schemas["VectorParams"]> | undefined;
  if (typeof vectors?.size !== "number") throw new Error(`Qdrant collection ${name} has named vectors; vitrine expects one unnamed vector per point.`);
  if (vectors.distance !== "Cosine") throw new Error(`Qdrant collection ${name} uses ${vectors.distance} distance, not Cosine.`);
  return vectors.size;
}

/** Valid point ids (lower-cased); anything else cannot be stored in Qdrant. */
function pointIds(ids: readonly string[] | undefined): string[] {
  return (ids ?? []).filter(isUuid).map((id) => id.toLowerCase());
}

/**
 * VectorFilter (+ excluded ids) as a Qdrant filter: undefined when nothing restricts, null when
 * nothing can match (ids.any names no storable id). Semantics are the embedded index's
 * (payload-filter.ts): empty lists do not restrict; a range condition never matches a null or
 * missing year in Qdrant, so undated works fail every year condition, as the port requires.
 */
function toFilter(filter: VectorFilter | undefined, excludeIds: readonly string[] = []): Filter | undefined | null {
  const f = filter ?? {};
  const must: Condition[] = [];
  const mustNot: Condition[] = [];
  const keyword = (key: string, c: KeywordCondition | undefined) => {
    if (c?.any?.length) must.push({ key, match: { any: [...c.any] } });
    if (c?.none?.length) mustNot.push({ key, match: { any: [...c.none] } });
  };
  keyword("artistKeys", f.artistKeys);
  keyword("mediumCategory", f.mediumCategories);
  keyword("department", { any: f.departments });
  if (f.yearFrom !== undefined) must.push({ key: "yearEnd", range: { gte: f.yearFrom } });
  if (f.yearTo !== undefined) must.push({ key: "yearStart", range: { lte: f.yearTo } });
  if (f.hasImage !== undefined) must.push({ key: "hasImage", match: { value: f.hasImage } });
  if (f.ids?.any?.length) {
    const any = pointIds(f.ids.any);
    if (any.length === 0) return null;
    must.push({ has_id: any });
  }
  const none = pointIds([...(f.ids?.none ?? []), ...excludeIds]);
  if (none.length) mustNot.push({ has_id: none });
  if (must.length === 0 && mustNot.length === 0) return undefined;
  return { ...(must.length ? { must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) };
}

/** A stored payload back in the port's exact shape (null years stay null; the group key is dropped). */
function toPayload(p: Record<string, unknown> | null | undefined): VectorPayload {
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : null);
  const q = p ?? {};
  return {
    artistKeys: Array.isArray(q.artistKeys) ? q.artistKeys.map(String) : [],
    mediumCategory: str(q.mediumCategory),
    department: str(q.department),
    yearStart: num(q.yearStart),
    yearEnd: num(q.yearEnd),
    hasImage: q.hasImage === true,
    embeddingVersion: str(q.embeddingVersion) ?? "",
  };
}

function toHit(p: Schemas["ScoredPoint"]): VectorHit {
  const hit: VectorHit = { id: String(p.id), score: p.score, payload: toPayload(p.payload) };
  // present only when the query asked for vectors (with_vector)
  return Array.isArray(p.vector) && typeof p.vector[0] === "number" ? { ...hit, vector: Float32Array.from(p.vector as number[]) } : hit;
}

