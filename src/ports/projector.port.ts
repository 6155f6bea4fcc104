/**
 * Fits 2-D projections of vectors for the embedding map (encoding/projection.ts), off the API's
 * event loop: the adapter runs them on a worker thread.
 */
import type { LinearProjection } from "../encoding/projection.ts";

export interface Projector {
  /** The two leading principal components of `rows` vectors of `dim` values (row-major). */
  fitPca(data: Float32Array, rows: number, dim: number): Promise<LinearProjection>;
  /** UMAP positions (x, y interleaved) of `rows` vectors, seeded: the same input gives the same layout. */
  umap(data: Float32Array, rows: number, dim: number, seed: number): Promise<Float32Array>;
  /** Stops the thread. */
  close(): Promise<void>;
}
