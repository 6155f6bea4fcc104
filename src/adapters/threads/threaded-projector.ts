/**
 * The Projector on worker threads: each fit runs on a thread of its own (started per call, ended when
 * it answers), so a UMAP of thousands of works never blocks the API's event loop. At most
 * `maxConcurrent` fits run at once; later calls wait their turn.
 */
import { Worker } from "node:worker_threads";
import type { LinearProjection } from "../../encoding/projection.ts";
import type { Projector } from "../../ports/projector.port.ts";
import type { ProjectionJob } from "./projection-thread.ts";

/** Runs each projection fit on a worker thread of its own, `maxConcurrent` at a time. */
export class ThreadedProjector implements Projector {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly workers = new Set<Worker>();

  constructor(private readonly maxConcurrent = 1) {}

  fitPca(data: Float32Array, rows: number, dim: number): Promise<LinearProjection> {
    return this.run<{ mean: Float32Array; components: Float32Array }>({ kind: "pca", data, rows, dim }).then((a) => ({ mean: a.mean, components: a.components }));
  }

  umap(data: Float32Array, rows: number, dim: number, seed: number): Promise<Float32Array> {
    return this.run<{ xy: Float32Array }>({ kind: "umap", data, rows, dim, seed }).then((a) => a.xy);
  }

  private async run<T>(job: ProjectionJob): Promise<T> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await new Promise<T>((resolve, reject) => {
        const worker = new Worker(new URL("./projection-thread.mjs", import.meta.url), { name: "vitrine projection", workerData: job, transferList: [job.data.buffer as ArrayBuffer] });
        this.workers.add(worker);
        let answered = false;
        worker.once("message", (answer: { ok: true } & T | { ok: false; message: string }) => {
          answered = true;
          if (answer.ok) resolve(answer as T);
          else reject(new Error(`The projection failed: ${answer.message}`));
        });
        worker.once("error", (e) => reject(new Error(`The projection thread failed: ${e.message}`)));
        worker.once("exit", (code) => {
          this.workers.delete(worker);
          if (!answered) reject(new Error(`The projection thread stopped (exit code ${code}) without an answer.`));
        });
      });
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}
