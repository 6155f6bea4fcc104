/**
 * A CatalogueStore that remembers the rows every response reads (works, their credits, provenance
 * and image) per work id, in front of the real store. Similar-work lists name the same popular works
 * again and again; with the embedded store every SQL statement runs on the API's own thread, so a
 * remembered row is the difference between ~2 ms and ~2 µs.
 *
 * Correctness: every write that goes through this store forgets what it changes (one work, or
 * everything for bulk writes). Writes by another process (another API replica, `vitrine import`
 * against PostgreSQL) cannot be seen, so entries expire after `ttlMs` (the composition root sets
 * it when the store is shared; the embedded store belongs to one process, so nothing expires).
 * Cached values are shared between requests and must not be mutated.
 */
import type { Artist, ArtistCredit, ArtworkImage, PaletteColour, ProvenanceEvent } from "../../domain/artwork.ts";
import type {
  ArtworkRow,
  CatalogueStore,
  EmbeddingReason,
  ImportBatchResult,
  ImportRecord,
} from "../../ports/catalogue-store.port.ts";

export interface RowCacheOptions {
  /** Works remembered per kind of row; the least recently used go first. */
  readonly maxEntries: number;
  /** How long an entry is trusted; Infinity when no other process writes the store. */
  readonly ttlMs: number;
}

/** Least-recently-used map with expiry (a Map keeps insertion order: re-inserting marks a use). */
class RowCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();
  constructor(private readonly options: RowCacheOptions) {}

  /** Values for `ids` in order, loading the ones not remembered with one call of `load`. */
  async getMany(ids: readonly string[], load: (missing: readonly string[]) => Promise<T[]>): Promise<T[]> {
    const now = Date.now();
    const out = new Array<T>(ids.length);
    const missing: string[] = [];
    const missingAt: number[] = [];
    ids.forEach((id, i) => {
      const e = this.entries.get(id);
      if (e && e.expires > now) {
        this.entries.delete(id);
        this.entries.set(id, e);
        out[i] = e.value;
      } else {
        missing.push(id);
        missingAt.push(i);
      }
    });
    if (missing.length) {
      const loaded = await load(missing);
      const expires = now + this.options.ttlMs;
      loaded.forEach((value, j) => {
        out[missingAt[j]] = value;
        this.entries.delete(missing[j]);
        this.entries.set(missing[j], { value, expires });
      });
      while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return out;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}

export class CachedCatalogueStore implements CatalogueStore {
  private readonly works: RowCache<ArtworkRow | null>;
  private readonly credits: RowCache<ArtistCredit[]>;
  private readonly provenance: RowCache<ProvenanceEvent[]>;
  private readonly images: RowCache<ArtworkImage | null>;

  constructor(
    private readonly store: CatalogueStore,
    options: RowCacheOptions,
  ) {
    this.works = new RowCache(options);
    this.credits = new RowCache(options);
    this.provenance = new RowCache(options);
    this.images = new RowCache(options);
  }

  artworksByIds(ids: readonly string[]) {
    return this.works.getMany(ids, (m) => this.store.artworksByIds(m));
  }
  creditsByArtworkIds(ids: readonly string[]) {
    return this.credits.getMany(ids, (m) => this.store.creditsByArtworkIds(m));
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
  async createArtist(...args: Parameters<CatalogueStore["createArtist"]>): Promise<string> {
    return this.store.createArtist(...args);
  }
  async importArtworks(records: readonly ImportRecord[]): Promise<ImportBatchResult> {
    try {
      return await this.store.importArtworks(records);
    } finally {
      // an import may replace any work and rename artists: forget everything
      this.clearAll();
    }
  }

  private forget(id: string): void {
    this.works.forget(id);
    this.credits.forget(id);
    this.provenance.forget(id);
    this.images.forget(id);
  }

  private clearAll(): void {
    this.works.clear();
    this.credits.clear();
    this.provenance.clear();
    this.images.clear();
  }
}
