/**
 * `vitrine export --out FILE.parquet`: every work with its main fields and the live generation's
 * vector parts as Parquet, for pandas, DuckDB or any Parquet reader (columns: adapters/parquet).
 */
import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../../config/config.ts";

export function registerExportCommand(program: Command, getConfig: () => Config): void {
  program
    .command("export")
    .description("Write every work (id, source, generation, image and metadata vector parts, main fields) to a Parquet file")
    .requiredOption("--out <file>", "the Parquet file to write (replaced if it exists)")
    .option("--page-size <n>", "works read and written per page (one Parquet row group each)", "1000")
    .action(async (opts: { out: string; pageSize: string }) => {
      const pageSize = Number(opts.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) throw new Error(`--page-size must be a whole number from 1 to 100000; got "${opts.pageSize}".`);
      const out = path.resolve(opts.out);
      const [{ openCore }, { ExportService }, { ParquetExportSink }] = await Promise.all([
        import("../../main.ts"),
        import("../../services/export.service.ts"),
        import("../../adapters/parquet/parquet-export-sink.ts"),
      ]);
      const core = await openCore(getConfig());
      try {
        await core.indexService.init();
        const service = new ExportService(core.store, core.index, core.indexService);
        const sink = ParquetExportSink.open(out, service.header());
        const summary = await service.exportTo(sink, { pageSize });
        process.stdout.write(`wrote ${summary.works} works (${summary.withVector} with a vector of ${summary.generation}) to ${out}\n`);
        if (summary.withVector < summary.works) {
          process.stdout.write(`${summary.works - summary.withVector} works have no vector yet (null vector columns): run \`vitrine worker --once\` first for a complete export\n`);
        }
      } finally {
        await core.close();
      }
    });
}
