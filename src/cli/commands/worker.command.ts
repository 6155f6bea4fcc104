/**
 * The vector side of the command line:
 * - `vitrine worker`: fetches the images imported rows name, embeds queued works and writes their
 *   vectors (services mode; the API runs the same runners in-process in the embedded default).
 *   `--once` drains both queues and exits.
 * - `vitrine reindex`: after a model or weights change, resumes the build of the new embedding
 *   generation (every work was queued for it when it was created) and, with `--drain`, embeds it here
 *   and moves readers to it; with nothing being built, queues every work again for the live one.
 *   `--accept-failures` moves readers although some works failed (and says how many lack a vector),
 *   `--keep-previous` keeps the generation readers leave, `--prune` drops kept ones.
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
    .description("Build the current embedding version's generation (resuming an interrupted build) and move readers to it when complete; with nothing being built, queue every work again")
    .option("--drain", "embed the queued works now, in this process")
    .option("--accept-failures", "move readers to the new generation although some of its jobs failed for good")
    .option("--keep-previous", "keep the generation readers leave (remove it later with --prune)")
    .option("--prune", "only drop generations that are neither live nor being built (kept previous ones)")
    .action((opts: { drain?: boolean; acceptFailures?: boolean; keepPrevious?: boolean; prune?: boolean }) =>
      withCore(getConfig(), async (core) => {
        const service = core.indexService;
        if (opts.prune) {
          const dropped = await service.prune();
          process.stdout.write(dropped.length ? `dropped ${dropped.join(", ")}\n` : "no generation to drop\n");
          return;
        }
        const building = service.building();
        const swap = { acceptFailures: Boolean(opts.acceptFailures), keepPrevious: Boolean(opts.keepPrevious) };
        if (building) {
          const jobs = await core.queue.generationCounts(building.collection);
          process.stdout.write(
            `building ${building.collection}: ${await building.count()} vectors of ${await core.store.countArtworks({})} works; ${jobs.PENDING + jobs.RUNNING} jobs open, ${jobs.FAILED} failed; readers use ${service.live().collection}\n`,
          );
        } else {
          const n = await service.enqueueAll("REINDEX");
          process.stdout.write(`queued ${n} works for ${service.own.collection}\n`);
        }
        if (opts.drain) {
          const total = await core.createWorker(undefined, swap).drain();
          process.stdout.write(`embedded ${total.upserted}, removed ${total.deleted}, failed ${total.failed}\n`);
        }
        if (!building) return;
        const outcome = service.isLive ? service.lastSwap : await service.completeIfBuilt(swap);
        if (outcome?.blockedBy === "OPEN_JOBS") {
          process.stdout.write(`${outcome.jobs.PENDING + outcome.jobs.RUNNING} jobs still open: readers move to ${building.collection} when a worker has finished them\n`);
        } else if (outcome?.blockedBy === "FAILED_JOBS") {
          process.stdout.write(
            `${outcome.jobs.FAILED} jobs failed for good: readers stay on ${service.live().collection}. See indexStatus { failures }, re-queue them with \`vitrine reconcile --repair\`, or run \`vitrine reindex --accept-failures\` to move readers anyway\n`,
          );
          process.exitCode = 3;
        } else {
          // swapped here, or by the worker's last pass above
          const missing = Math.max(0, (await core.store.countArtworks({})) - (await building.count()));
          const previous = outcome?.previous ?? null;
          process.stdout.write(
            `readers now use ${building.collection}` +
              (missing ? `; ${missing} works lack a vector` : "") +
              (previous ? (swap.keepPrevious ? `; ${previous} is kept (\`vitrine reindex --prune\` drops it)` : `; ${previous} is dropped`) : "") +
              "\n",
          );
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
        const report = await new ReconcileService(core.store, core.queue).run(core.indexService.own, { repair: Boolean(opts.repair) });
        process.stdout.write(
          `${report.works} works, ${report.vectors} vectors in ${core.indexService.collection}: ${report.missing} works without a vector, ${report.orphaned} vectors of deleted works` +
            (report.repaired ? " (repaired: missing works queued, orphans removed)\n" : (report.missing || report.orphaned ? "; run with --repair to fix\n" : "\n")),
        );
        if (!report.repaired && (report.missing || report.orphaned)) process.exitCode = 3;
      }),
    );
}
