/**
 * The vector side of the command line:
 * - `vitrine worker`: fetches the images imported rows name, embeds queued works and writes their
 *   vectors (services mode; the API runs the same runners in-process in the embedded default).
 *   `--once` drains both queues and exits.
 * - `vitrine reindex`: queues every work for re-embedding (after a model or weights change the API
 *   does this by itself for the new embedding version).
 * - `vitrine reconcile`: compares the catalogue with the index; `--repair` fixes the drift.
 */
import type { Command } from "commander";
import type { Config } from "../../config/config.ts";
import type { Core } from "../../main.ts";

/** Opens the core with the index initialised, runs `work`, and always closes it. */
async function withCore(config: Config, work: (core: Core) => Promise<void>): Promise<void> {
  const { openCore } = await import("../../main.ts"); // loaded on use: `vitrine --help` stays quick
  const core = await openCore(config);
  try {
    await core.indexService.init();
    await work(core);
  } finally {
    await core.close();
  }
}

export function registerWorkerCommands(program: Command, getConfig: () => Config): void {
  program
    .command("worker")
    .description("Fetch imported works' images, embed queued works and write their vectors; runs until SIGTERM (or, with --once, until the queues are empty)")
    .option("--once", "drain the queues and exit")
    .action((opts: { once?: boolean }) =>
      withCore(getConfig(), async (core) => {
        const { progressLogger } = await import("../../worker/embedding.worker.ts");
        const worker = core.createWorker(progressLogger(core.queue, core.log));
        const images = core.config.imageIngest.enabled ? core.createImageWorker((outcome) => outcome === "READY" && worker.nudge()) : null;
        if (opts.once) {
          if (images) {
            const fetched = await images.drain();
            const counts = await core.store.imageStatusCounts();
            process.stdout.write(`images: ${fetched.READY} stored, ${fetched.FAILED} failed; works by image status: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
          }
          const total = await worker.drain();
          const counts = await core.queue.counts();
          process.stdout.write(`embedded ${total.upserted}, removed ${total.deleted}, failed ${counts.FAILED}; ${counts.PENDING} waiting for a retry\n`);
          return;
        }
        core.log.info({ collection: core.indexService.collection }, "embedding worker started");
        worker.start();
        images?.start();
        await new Promise<void>((resolve) => {
          process.once("SIGTERM", () => resolve());
          process.once("SIGINT", () => resolve());
        });
        core.log.info("stopping after the current batch");
        await images?.stop();
        await worker.stop();
      }),
    );

  program
    .command("reindex")
    .description("Queue every work for re-embedding into the current embedding version's collection")
    .option("--drain", "also embed them now, in this process")
    .action((opts: { drain?: boolean }) =>
      withCore(getConfig(), async (core) => {
        const n = await core.indexService.enqueueAll("REINDEX");
        process.stdout.write(`queued ${n} works for ${core.indexService.collection}\n`);
        if (opts.drain) {
          const total = await core.createWorker().drain();
          process.stdout.write(`embedded ${total.upserted}, removed ${total.deleted}, failed ${total.failed}\n`);
        }
      }),
    );

  program
    .command("reconcile")
    .description("Compare the catalogue with the vector index; --repair queues works without a vector and removes vectors of deleted works")
    .option("--repair", "fix what is found")
    .action((opts: { repair?: boolean }) =>
      withCore(getConfig(), async (core) => {
        const { ReconcileService } = await import("../../services/reconcile.service.ts");
        const report = await new ReconcileService(core.store, core.index, core.queue).run(core.indexService.collection, { repair: Boolean(opts.repair) });
        process.stdout.write(
          `${report.works} works, ${report.vectors} vectors in ${core.indexService.collection}: ${report.missing} works without a vector, ${report.orphaned} vectors of deleted works` +
            (report.repaired ? " (repaired: missing works queued, orphans removed)\n" : (report.missing || report.orphaned ? "; run with --repair to fix\n" : "\n")),
        );
        if (!report.repaired && (report.missing || report.orphaned)) process.exitCode = 3;
      }),
    );
}
