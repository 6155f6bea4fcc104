/**
 * `vitrine eval --out DIR`: the quality report of the live generation (services/embedding-quality.service.ts)
 * written as DIR/quality.md, DIR/quality.json and the map coloured by department (DIR/map-department.svg
 * and .png). `--embed` first embeds every queued work (after an import into a fresh data folder).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../../config/config.ts";
import { DEFAULT_QUALITY_OPTIONS } from "../../services/embedding-quality.service.ts";

function number(what: string, min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${what} must be a number from ${min} to ${max}; got "${v}".`);
    return n;
  };
}

/** Adds `vitrine eval` to the program. */
export function registerEvalCommand(program: Command, getConfig: () => Config): void {
  program
    .command("eval")
    .description("Measure the live vectors on held-out works (k-NN accuracy, same-artist precision, raw-metadata agreement, groups left out, random baseline) and write Markdown, JSON and a map plot")
    .requiredOption("--out <dir>", "folder for quality.md, quality.json and map-department.svg/png")
    .option("--seed <n>", "seed of the held-out split", number("--seed", 0, 2 ** 31), DEFAULT_QUALITY_OPTIONS.seed)
    .option("--holdout <share>", "share of works held out as queries (0.05 to 0.5)", number("--holdout", 0.05, 0.5), DEFAULT_QUALITY_OPTIONS.holdout)
    .option("--k <n>", "neighbours per query (1 to 50)", number("--k", 1, 50), DEFAULT_QUALITY_OPTIONS.k)
    .option("--embed", "embed every queued work first (after an import)")
    .action(async (opts: { out: string; seed: number; holdout: number; k: number; embed?: boolean }) => {
      const [{ openCore }, { colourMap }, { mapSvg, qualityMarkdown }, { svgToPng }] = await Promise.all([
        import("../../main.ts"),
        import("../../services/embedding-map.service.ts"),
        import("../../services/quality-report.render.ts"),
        import("../../adapters/sharp/svg-to-png.ts"),
      ]);
      const core = await openCore(getConfig());
      try {
        await core.indexService.init();
        if (opts.embed) {
          const t0 = Date.now();
          const pass = await core.createWorker().drain();
          process.stdout.write(`embedded ${pass.upserted} works in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        }
        const pending = await core.queue.counts();
        if (pending.PENDING + pending.RUNNING > 0) process.stderr.write(`note: ${pending.PENDING + pending.RUNNING} works are still waiting to be embedded (run with --embed, or start the worker)\n`);
        const t0 = Date.now();
        const report = await core.quality.report({ seed: Math.round(opts.seed), holdout: opts.holdout, k: Math.round(opts.k) });
        const seconds = (Date.now() - t0) / 1000;
        const map = await core.maps.map({ method: "PCA", limit: core.maps.maxPoints("PCA") });
        const { points, legend } = colourMap(map, "DEPARTMENT");
        await mkdir(opts.out, { recursive: true });
        const svg = mapSvg(points, legend, `Embedding map (PCA, ${points.length} works) coloured by department`);
        await writeFile(path.join(opts.out, "map-department.svg"), svg);
        await writeFile(path.join(opts.out, "map-department.png"), await svgToPng(svg));
        const command = `vitrine eval --out ${opts.out} --seed ${report.seed} --holdout ${report.holdout} --k ${report.k}`;
        await writeFile(path.join(opts.out, "quality.json"), JSON.stringify({ ...report, seconds }, null, 2) + "\n");
        await writeFile(path.join(opts.out, "quality.md"), qualityMarkdown(report, "map-department.png", command));
        process.stdout.write(`${report.works} works, ${report.queries} held out; report in ${seconds.toFixed(1)} s: ${path.join(opts.out, "quality.md")}\n`);
        for (const f of report.fair) process.stdout.write(`  ${f.target} (${f.variant}): ${f.value === null ? "–" : (100 * f.value).toFixed(1)} % (random ${f.random === null ? "–" : (100 * f.random).toFixed(1)} %)\n`);
      } finally {
        await core.close();
      }
    });
}
