/**
 * A CatalogueStore that remembers the rows every response reads (works, their credits, provenance
 * and image) per work id, in front of the real store. Similar-work lists name the same popular works
 * again and again; with the embedded store every SQL statement runs on the API's own thread, so a
 * remembered row is the difference between ~2 ms and ~2 µs.
 *
 * Correctness: every write that goes through this store forgets what it changes (one work, or
 * everything for bulk writes). Writes by another process (another API replica, `vitrine import`
 * against PostgreSQL) arrive as change notices (adapters/prisma/catalogue-changes.ts) that call
 * `forgetWorks` / `forgetAll`; as a safety net entries also expire after `ttlMs` (the composition
 * root sets it when the store is shared; the embedded store belongs to one process, so nothing expires).
 * Cached values are shared between requests and must not be mutated.
 */
import { LRUCache } from "lru-cache";
import { SharedStrings } from "./shared-strings.ts";
import type { Artist, ArtistCredit, ArtworkImage, PaletteColour, ProvenanceEvent } from "../../domain/artwork.ts";
import type {
  ArtworkRow,
  CatalogueStore,
  EmbeddingReason,
  ArtworkFacetName,
  ArtworkFilter,
  ImportBatchResult,
  ImportRecord,
} from "../../ports/catalogue-store.port.ts";

export interface RowCacheOptions {
  /** Works remembered per kind of row; the least recently used go first. */
  readonly maxEntries: number;
  /** How long an entry is trusted; Infinity when no other process writes the store. */
  readonly ttlMs: number;
}

/**
 * Least-recently-used rows with expiry, on lru-cache: a hit moves the entry in the cache's own
 * linked lists. (Moving it in a Map, by deleting and setting the key, left a deleted entry in the
 * hash chain of every popular work on each hit; lookups slowed with use, to ~0.1 ms each after
 * ~20,000 requests, until the Map next rebuilt its table.)
 */
class RowCache<T> {
  // lru-cache stores no null (a work that does not exist is remembered too): values are boxed
  private readonly entries: LRUCache<string, { readonly value: T }>;
  /** Bumped by every forget: rows loaded before a write finished are not kept (they may be stale). */
  private writes = 0;
  constructor(options: RowCacheOptions) {
    this.entries = new LRUCache({ max: options.maxEntries, ...(Number.isFinite(options.ttlMs) ? { ttl: options.ttlMs } : {}), perf: Date });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Values for `ids` in order, loading the ones not remembered with one call of `load`. */
  async getMany(ids: readonly string[], load: (missing: readonly string[]) => Promise<T[]>): Promise<T[]> {
    const out = new Array<T>(ids.length);
    const missing: string[] = [];
    const missingAt: number[] = [];
    ids.forEach((id, i) => {
      const e = this.entries.get(id);
      if (e) out[i] = e.value;
      else {
        missing.push(id);
        missingAt.push(i);
      }
    });
    if (missing.length) {
      const writes = this.writes;
      const readAt = Date.now();
      const loaded = await load(missing);
      loaded.forEach((value, j) => (out[missingAt[j]] = value));
      this.remember(missing, loaded, readAt, writes);
    }
    return out;
  }

  /** Keeps rows read at `readAt` (Date.now()) when the write counter stood at `writes`, unless a write has happened since. */
  remember(ids: readonly string[], values: readonly T[], readAt: number, writes: number): void {
    if (writes !== this.writes) return;
    ids.forEach((id, j) => this.entries.set(id, { value: values[j] }, { start: readAt }));
  }

  /** The write counter, to pass back to `remember`. */
  get writeCount(): number {
    return this.writes;
  }

  forget(id: string): void {
    this.writes++;
    this.entries.delete(id);
  }

  clear(): void {
    this.writes++;
    this.entries.clear();
  }
}

/** Distinct shared values kept at most (each costs a table entry; a new table starts when full). */
const VALUES_KEPT = 100_000;
const NO_URLS: readonly string[] = Object.freeze([]);
const NO_COLOURS: readonly PaletteColour[] = Object.freeze([]);

function sameFields<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(a) as (keyof T)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export class CachedCatalogueStore implements CatalogueStore {
  private readonly works: RowCache<ArtworkRow | null>;
  private readonly credits: RowCache<ArtistCredit[]>;
  private readonly provenance: RowCache<ProvenanceEvent[]>;
  private readonly images: RowCache<ArtworkImage | null>;
  /** One object per artist, shared by the remembered credits. */
  private readonly artists = new Map<string, Artist>();
  /** One string per value of the fields many works share (department, credit line …), see shareValues. */
  private readonly values = new SharedStrings(VALUES_KEPT);

  constructor(
    private readonly store: CatalogueStore,
    private readonly options: RowCacheOptions,
  ) {
    this.works = new RowCache(options);
    this.credits = new RowCache(options);
    this.provenance = new RowCache(options);
    this.images = new RowCache(options);
  }

  /**
   * Reads the rows lists of works show (the work, its credited artists, its image) for every work
   * into the cache, a page at a time, until it is full: with the embedded store no similar-work list
   * then waits for SQL. Provenance is left to be read when asked for (one work's page at a time; it
   * is the bulk of a work's text). Pages yield to requests in between; rows a write changed while
   * their page was read are left for the next read. Resolves with the works remembered.
   */
  async warm(options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<number> {
    const pageSize = options.pageSize ?? 500;
    let after: string | null = null;
    let remembered = 0;
    while (remembered < this.options.maxEntries && !options.signal?.aborted) {
      const ids = await this.store.artworkIdsAfter(after, Math.min(pageSize, this.options.maxEntries - remembered));
      if (ids.length === 0) break;
      const readAt = Date.now();
      const writes = [this.works.writeCount, this.credits.writeCount, this.images.writeCount];
      const [works, credits, images] = await Promise.all([this.store.artworksByIds(ids), this.store.creditsByArtworkIds(ids), this.store.imagesByArtworkIds(ids)]);
      this.works.remember(ids, this.shareValues(works), readAt, writes[0]);
      this.credits.remember(ids, this.shareArtists(credits), readAt, writes[1]);
      this.images.remember(ids, images, readAt, writes[2]);
      remembered += ids.length;
      after = ids[ids.length - 1];
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.works.size;
  }

  artworksByIds(ids: readonly string[]) {
    return this.works.getMany(ids, async (m) => this.shareValues(await this.store.artworksByIds(m)));
  }
  creditsByArtworkIds(ids: readonly string[]) {
    return this.credits.getMany(ids, async (m) => this.shareArtists(await this.store.creditsByArtworkIds(m)));
  }
  provenanceByArtworkIds(ids: readonly string[]) {
    return this.provenance.getMany(ids, (m) => this.store.provenanceByArtworkIds(m));
  }
  imagesByArtworkIds(ids: readonly string[]) {
    return this.images.getMany(ids, (m) => this.store.imagesByArtworkIds(m));
  }

  // reads that are not per-work rows go straight through
  artistsByIds(ids: readonly string[]): Promise<(Artist | null)[]> {
    return this.store.artistsByIds(ids);
  }
  loadArtworks(ids: readonly string[]) {
    return this.store.loadArtworks(ids);
  }
  listArtworks(...args: Parameters<CatalogueStore["listArtworks"]>) {
    return this.store.listArtworks(...args);
  }
  countArtworks(...args: Parameters<CatalogueStore["countArtworks"]>) {
    return this.store.countArtworks(...args);
  }
  artworkIdsMatching(...args: Parameters<CatalogueStore["artworkIdsMatching"]>) {
    return this.store.artworkIdsMatching(...args);
  }
  artworkIdsAfter(...args: Parameters<CatalogueStore["artworkIdsAfter"]>) {
    return this.store.artworkIdsAfter(...args);
  }
  artworkIdsSharingImage(ids: readonly string[]) {
    return this.store.artworkIdsSharingImage(ids);
  }
  listArtists(...args: Parameters<CatalogueStore["listArtists"]>) {
    return this.store.listArtists(...args);
  }
  countArtists(...args: Parameters<CatalogueStore["countArtists"]>) {
    return this.store.countArtists(...args);
  }
  artworkIdsByArtistIds(...args: Parameters<CatalogueStore["artworkIdsByArtistIds"]>) {
    return this.store.artworkIdsByArtistIds(...args);
  }
  mediumCategories() {
    return this.store.mediumCategories();
  }
  artworkFacet(filter: ArtworkFilter, facet: ArtworkFacetName, limit: number) {
    return this.store.artworkFacet(filter, facet, limit);
  }
  worksSharingOwners(id: string, limit: number) {
    return this.store.worksSharingOwners(id, limit);
  }
  findArtworkIdBySource(source: string, sourceId: string) {
    return this.store.findArtworkIdBySource(source, sourceId);
  }
  missingArtistIds(ids: readonly string[]) {
    return this.store.missingArtistIds(ids);
  }

  // writes forget what they change
  createArtwork(...args: Parameters<CatalogueStore["createArtwork"]>) {
    return this.store.createArtwork(...args);
  }
  async updateArtwork(id: string, write: Parameters<CatalogueStore["updateArtwork"]>[1], reembed: EmbeddingReason | null): Promise<boolean> {
    try {
      return await this.store.updateArtwork(id, write, reembed);
    } finally {
      this.forget(id);
    }
  }
  async deleteArtwork(id: string): Promise<boolean> {
    try {
      return await this.store.deleteArtwork(id);
    } finally {
      this.forget(id);
    }
  }
  async setArtworkImage(id: string, image: ArtworkImage, palette: readonly PaletteColour[]): Promise<boolean> {
    try {
      return await this.store.setArtworkImage(id, image, palette);
    } finally {
      this.forget(id);
    }
  }
  async recordImageReady(id: string, request: string, image: ArtworkImage, palette: readonly PaletteColour[]): Promise<boolean> {
    try {
      return await this.store.recordImageReady(id, request, image, palette);
    } finally {
      this.forget(id);
    }
  }
  async recordImageFailed(id: string, request: string, problem: string): Promise<boolean> {
    try {
      return await this.store.recordImageFailed(id, request, problem);
    } finally {
      this.forget(id);
    }
  }
  async requeueFailedImages(): Promise<number> {
    try {
      return await this.store.requeueFailedImages();
    } finally {
      this.clearAll();
    }
  }
  imageStatusCounts() {
    return this.store.imageStatusCounts();
  }
  async createArtist(...args: Parameters<CatalogueStore["createArtist"]>): Promise<string> {
    return this.store.createArtist(...args);
  }
  artistsByNameKey(name: string) {
    return this.store.artistsByNameKey(name);
  }
  artistByKey(key: string) {
    return this.store.artistByKey(key);
  }
  creditedWorkCounts(ids: readonly string[]) {
    return this.store.creditedWorkCounts(ids);
  }
  // an artist's change shows in the credits of every work crediting it: forget everything (a rare admin write)
  async updateArtist(...args: Parameters<CatalogueStore["updateArtist"]>): Promise<boolean> {
    try {
      return await this.store.updateArtist(...args);
    } finally {
      this.clearAll();
    }
  }
  async deleteArtist(id: string): Promise<boolean> {
    try {
      return await this.store.deleteArtist(id);
    } finally {
      this.clearAll();
    }
  }
  async mergeArtists(keep: string, merge: readonly string[]): Promise<string[]> {
    try {
      return await this.store.mergeArtists(keep, merge);
    } finally {
      this.clearAll();
    }
  }
  async importArtworks(records: readonly ImportRecord[]): Promise<ImportBatchResult> {
    try {
      return await this.store.importArtworks(records);
    } finally {
      // an import may replace any work and rename artists: forget everything
      this.clearAll();
    }
  }

  /** Forgets the rows of these works (another process changed them). */
  forgetWorks(ids: readonly string[]): void {
    for (const id of ids) this.forget(id);
  }

  /** Forgets every row (another process made a bulk change, or its notices may have been missed). */
  forgetAll(): void {
    this.clearAll();
  }

  /**
   * Credits whose artist objects are shared between works (one object per artist, not one per
   * credit): most of a credit is its artist, and a catalogue has far fewer artists than credits.
   */
  private shareArtists(lists: ArtistCredit[][]): ArtistCredit[][] {
    return lists.map((credits) =>
      credits.map((credit) => {
        const known = this.artists.get(credit.artist.id);
        if (known && sameFields(known, credit.artist)) return { ...credit, artist: known };
        this.artists.set(credit.artist.id, credit.artist);
        return credit;
      }),
    );
  }

  /**
   * Rows whose repeated values are one string each: a catalogue's departments, media, credit lines,
   * licences and locations repeat across thousands of works, but each row read from the database
   * carries its own copy. With every work's row remembered that is ~200 bytes a work (CMOA sample).
   */
  private shareValues(rows: (ArtworkRow | null)[]): (ArtworkRow | null)[] {
    const share = (v: string | null): string | null => (v === null ? v : this.values.share(v));
    return rows.map((r) =>
      r === null
        ? r
        : {
            ...r,
            source: this.values.share(r.source),
            dateText: share(r.dateText),
            medium: share(r.medium),
            mediumCategory: share(r.mediumCategory),
            classification: share(r.classification),
            department: share(r.department),
            creditLine: share(r.creditLine),
            dateAcquired: share(r.dateAcquired),
            physicalLocation: share(r.physicalLocation),
            license: share(r.license),
            imageLicense: share(r.imageLicense),
            // the usual list of image URLs is the one imageUrl again
            imageUrls: r.imageUrls.length === 0 ? NO_URLS : r.imageUrls.length === 1 && r.imageUrls[0] === r.imageUrl ? [r.imageUrl] : r.imageUrls,
            palette: r.palette.length === 0 ? NO_COLOURS : r.palette,
          },
    );
  }

  private forget(id: string): void {
    this.works.forget(id);
    this.credits.forget(id);
    this.provenance.forget(id);
    this.images.forget(id);
  }

  private clearAll(): void {
    this.artists.clear();
    this.values.clear();
    this.works.clear();
    this.credits.clear();
    this.provenance.clear();
    this.images.clear();
  }
}
