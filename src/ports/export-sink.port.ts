/**
 * Where `vitrine export` writes: a table of one row per work (its catalogue fields and its stored
 * vector, split into the image part and the metadata part). The Parquet adapter is the one sink.
 */

/** One work as exported: main catalogue fields and the two parts of its stored vector. */
export interface ExportRow {
  /** The work's internal id (a UUID). */
  readonly id: string;
  readonly source: string;
  readonly sourceId: string;
  /** The embedding version key of the collection the vector was read from; null when the work has no vector yet. */
  readonly generation: string | null;
  readonly title: string;
  /** Credited artists' names, in the catalogue's order. */
  readonly artists: readonly string[];
  readonly yearStart: number | null;
  readonly yearEnd: number | null;
  readonly mediumCategory: string | null;
  readonly department: string | null;
  readonly classification: string | null;
  /** True when the catalogue holds an image for the work. */
  readonly hasImage: boolean;
  /**
   * The stored vector's image slice (weighted as stored, see encoding/blend.ts); null when the work has
   * no vector or its vector has no image part.
   */
  readonly imageVector: Float32Array | null;
  /** The stored vector's metadata slice (all groups, in layout order, weighted as stored); null without a vector. */
  readonly metadataVector: Float32Array | null;
}

/** What the file says about the vectors in it (stored as file-level key/value metadata). */
export interface ExportHeader {
  /** The live collection's embedding version key. */
  readonly generation: string;
  readonly collection: string;
  readonly imageDimension: number;
  readonly metadataDimension: number;
  /** Each metadata group's offset and length inside the metadata column. */
  readonly metadataGroups: readonly { readonly name: string; readonly offset: number; readonly length: number }[];
  /** The similarity weights the stored vectors were blended with. */
  readonly weights: Readonly<Record<string, unknown>>;
}

/** Receives the export a page of rows at a time; nothing requires it to hold more than one page. */
export interface ExportSink {
  write(rows: readonly ExportRow[]): Promise<void>;
  /** Completes the file (footer); the sink is unusable afterwards. */
  finish(): Promise<void>;
  /** Gives up and removes what was written (on a failure part way). */
  abort(): Promise<void>;
}
