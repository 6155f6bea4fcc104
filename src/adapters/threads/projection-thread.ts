/** Body of a projection thread: one job from workerData, one answer posted back, then the thread ends. */
import { parentPort, workerData } from "node:worker_threads";
import { fitPca, umap2d } from "../../encoding/projection.ts";

/** What the thread is asked to compute. */
export type ProjectionJob =
  | { readonly kind: "pca"; readonly data: Float32Array; readonly rows: number; readonly dim: number }
  | { readonly kind: "umap"; readonly data: Float32Array; readonly rows: number; readonly dim: number; readonly seed: number };

const job = workerData as ProjectionJob;
try {
  if (job.kind === "pca") {
    const p = fitPca(job.data, job.rows, job.dim);
    parentPort?.postMessage({ ok: true, mean: p.mean, components: p.components }, [p.mean.buffer as ArrayBuffer, p.components.buffer as ArrayBuffer]);
  } else {
    const xy = umap2d(job.data, job.rows, job.dim, job.seed);
    parentPort?.postMessage({ ok: true, xy }, [xy.buffer as ArrayBuffer]);
  }
} catch (e) {
  parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
}
