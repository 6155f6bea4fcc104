/**
 * Export of the catalogue with its vectors, for notebooks (`vitrine export`): every work, a page at a
 * time in id order, with its main fields and its stored vector from the live collection split into
 * the image part and the metadata part. Works not embedded yet are exported with null vectors.
 */
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { ExportHeader, ExportRow, ExportSink } from "../ports/export-sink.port.ts";
import type { VectorIndex } from "../ports/vector-index.port.ts";
import type { EmbeddingGeneration } from "./embedding-generation.ts";
import { idPages } from "./id-pages.ts";

/** Where the live vectors are and how to read them (VectorIndexService). */
export interface LiveVectors {
  live(): EmbeddingGeneration;
}

export interface ExportSummary {
  readonly works: number;
  /** Works written with a vector. */
  readonly withVector: number;
  readonly generation: string;
}

export interface ExportOptions {
  /** Works per page (and per Parquet row group). Default 1000. */
  readonly pageSize?: number;
  readonly onProgress?: (works: number) => void;
}

export class ExportService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly index: VectorIndex,
    private readonly live: LiveVectors,
  ) {}

  /** What the export's vectors are: the live generation, its layout and weights. */
  header(): ExportHeader {
    const view = this.live.live();
    const imageDimension = view.layout.imageDimension;
    return {
      generation: view.versionKey,
      collection: view.collection,
      imageDimension,
      metadataDimension: view.layout.metadata.dimension,
      metadataGroups: view.layout.parts.filter((p) => p.name !== "image").map((p) => ({ name: p.name, offset: p.offset - imageDimension, length: p.length })),
      weights: { ...view.weights },
    };
  }

  /** Writes every work to `sink` and completes it; on a failure the sink is aborted and the error rethrown. */
  async exportTo(sink: ExportSink, options: ExportOptions = {}): Promise<ExportSummary> {
    const header = this.header();
    let works = 0;
    let withVector = 0;
    try {
      for await (const ids of idPages((after, limit) => this.store.artworkIdsAfter(after, limit), options.pageSize ?? 1000)) {
        const rows = await this.rows(ids, header);
        await sink.write(rows);
        works += rows.length;
        withVector += rows.filter((r) => r.metadataVector).length;
        options.onProgress?.(works);
      }
      await sink.finish();
    } catch (e) {
      await sink.abort();
      throw e;
    }
    return { works, withVector, generation: header.generation };
  }

  /** One page of rows: one catalogue read and one vector read. */
  private async rows(ids: readonly string[], header: ExportHeader): Promise<ExportRow[]> {
    const [works, points] = await Promise.all([this.store.loadArtworks(ids), this.index.get(header.collection, ids)]);
    const vectors = new Map(points.map((p) => [p.id, p]));
    const d = header.imageDimension;
    return works.map((w) => {
      const point = vectors.get(w.id);
      return {
        id: w.id,
        source: w.source,
        sourceId: w.sourceId,
        generation: point ? header.generation : null,
        title: w.title,
        artists: w.artists.map((a) => a.artist.name),
        yearStart: w.yearStart,
        yearEnd: w.yearEnd,
        mediumCategory: w.mediumCategory,
        department: w.department,
        classification: w.classification,
        hasImage: w.image !== null,
        imageVector: point && point.payload.hasImage ? point.vector.subarray(0, d) : null,
        metadataVector: point ? point.vector.subarray(d, d + header.metadataDimension) : null,
      };
    });
  }
}
