/**
 * `vitrine import FILE [--format csv --map FILE] [--images DIR] [--report FILE]`: bulk import of a JSON
 * Lines or CSV catalogue; bad rows are listed (and written to the report), the rest go in; a progress
 * bar on a terminal, a log line every few seconds otherwise. Images are fetched later by the worker;
 * `--images DIR` copies local files the rows name. While `vitrine serve` holds the embedded store
 * (VITRINE_DATA_DIR/server.json), the rows go to that server's importArtworks in batches, with an admin
 * key from --key or VITRINE_API_KEY.
 */
import { createReadStream, createWriteStream, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../../config/config.ts";
import type { PrismaCatalogueStore } from "../../adapters/prisma/prisma-catalogue-store.ts";
import type { CsvMapping } from "../../services/catalogue-csv.reader.ts";
import type { ImportFormat, ImportOptions, ImportSummary } from "../../services/catalogue-import.service.ts";

// the implementations are loaded on use, so that `vitrine --help` does not load Prisma
const storeModules = () => Promise.all([import("../../adapters/prisma/database.ts"), import("../../adapters/prisma/prisma-catalogue-store.ts")]);

/** Opens the catalogue store alone, runs `work`, and always closes it. */
async function withStore(config: Config, work: (store: PrismaCatalogueStore) => Promise<void>): Promise<void> {
  const [{ openDatabase }, { PrismaCatalogueStore }] = await storeModules();
  const db = await openDatabase({ url: config.databaseUrl, embeddedDir: path.join(config.dataDir, "db") });
  try {
    await work(new PrismaCatalogueStore(db.prisma));
  } finally {
    await db.close();
  }
}

export function registerImportCommand(program: Command, getConfig: () => Config): void {
  const images = program.command("images").description("Where the works' images stand, and fetching failed ones again");
  images
    .command("status")
    .description("Count works by image status (NONE, PENDING, READY, FAILED)")
    .action(() =>
      withStore(getConfig(), async (store) => {
        const counts = await store.imageStatusCounts();
        process.stdout.write(`${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
      }),
    );
  images
    .command("retry")
    .description("Queue every FAILED image for another fetch (after a host's outage, or once a file is in place); the worker fetches them")
    .action(() =>
      withStore(getConfig(), async (store) => {
        const n = await store.requeueFailedImages();
        process.stdout.write(`queued ${n} failed images for another fetch\n`);
      }),
    );

  program
    .command("import <file>")
    .description("Import works from a JSON Lines or CSV file (see data/demo/README.md for the row shape); idempotent by source + sourceId, unchanged rows are skipped")
    .option("--source <name>", "source name for rows that carry none", "import")
    .option("--images <dir>", "folder of image files: a row's imagePath (relative to it), else <sourceId>.<ext> (see README)")
    .option("--format <format>", "jsonl (JSON Lines) or csv (a header line, then one work per record)", "jsonl")
    .option("--map <file>", "CSV only: JSON mapping of CSV column to row field, e.g. {\"Title\": \"title\", \"Artist\": \"artists[0].name\"}")
    .option("--report <file>", "write each rejected row (line, code, field, message, row) to this file as JSON Lines")
    .option("--key <key>", "admin API key of the running server that holds the embedded store, which then imports the rows (default: VITRINE_API_KEY)")
    .action(async (file: string, opts: { source: string; images?: string; format: string; map?: string; report?: string; key?: string }) => {
      const config = getConfig();
      const usage = (message: string) => {
        process.stderr.write(`${message}\n`);
        process.exitCode = 2;
      };
      if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return usage(`${file}: no such file. Give the catalogue file to import.`);
      if (opts.images && !statSync(opts.images, { throwIfNoEntry: false })?.isDirectory()) {
        return usage(`--images ${opts.images}: not a folder. Give the folder that holds the image files the rows name.`);
      }
      if (opts.format !== "jsonl" && opts.format !== "csv") return usage(`--format ${opts.format}: use jsonl or csv.`);
      if (opts.map && opts.format !== "csv") return usage("--map applies to CSV only: add --format csv.");
      let format: ImportFormat = { kind: "jsonl" };
      if (opts.format === "csv") {
        let mapping: CsvMapping | null = null;
        if (opts.map) {
          try {
            const { parseCsvMapping } = await import("../../services/catalogue-csv.reader.ts");
            mapping = parseCsvMapping(JSON.parse(readFileSync(opts.map, "utf8")));
          } catch (e) {
            return usage(`--map ${opts.map}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        format = { kind: "csv", mapping };
      }
      // a server that holds the embedded store imports the rows itself
      const { findServer } = await import("../../adapters/fs/server-file.ts");
      const server = config.databaseUrl ? null : await findServer(config.dataDir);
      const key = opts.key ?? config.apiKey;
      if (server && !key) {
        return usage(
          `A vitrine server (pid ${server.pid}, ${server.url}) holds the embedded store in ${config.dataDir}, so the rows go through it: give one of its admin API keys with --key or VITRINE_API_KEY (the key it printed at its first start, or one made with \`vitrine apikey create\` while it was stopped).`,
        );
      }
      if (server && opts.images) {
        return usage(`--images: a running vitrine server (pid ${server.pid}) holds the embedded store and imports the rows, and it cannot read this folder. Stop it and import again, or give the rows image URLs.`);
      }
      const [{ SingleBar }, { CatalogueImportService, catalogueFileRows }] = await Promise.all([import("cli-progress"), import("../../services/catalogue-import.service.ts")]);
      const report = opts.report ? createWriteStream(opts.report, { encoding: "utf8" }) : null;
      const total = await countLines(file);
      let run: (options: ImportOptions) => Promise<ImportSummary>;
      let close = async () => {};
      if (server && key) {
        const { GraphQLImportClient } = await import("../../adapters/http/graphql-import-client.ts");
        const remote = new GraphQLImportClient(`${server.url}/graphql`, key);
        process.stderr.write(`vitrine: the server at ${server.url} (pid ${server.pid}) holds the embedded store; sending the rows to it\n`);
        run = (options) => CatalogueImportService.forwardRows(catalogueFileRows(file, format), remote, options);
      } else {
        const [[{ openDatabase }, { PrismaCatalogueStore }], { FsBlobStore }, { FsImageFolder }, { GuardedImageFetcher }] = await Promise.all([
          storeModules(),
          import("../../adapters/fs/fs-blob-store.ts"),
          import("../../adapters/fs/fs-image-folder.ts"),
          import("../../adapters/http/guarded-image-fetcher.ts"),
        ]);
        const db = await openDatabase({ url: config.databaseUrl, embeddedDir: path.join(config.dataDir, "db") });
        close = () => db.close();
        const blobs = new FsBlobStore(path.join(config.dataDir, "images"));
        // the worker fetches the images later; rows naming URLs it would never fetch are rejected now
        const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma), { blobs, maxBytes: config.images.maxBytes }, new GuardedImageFetcher(config.images));
        const images = opts.images ? new FsImageFolder(path.resolve(opts.images)) : undefined;
        run = (options) => importer.importFile(file, { ...options, images }, format);
      }
      const tty = Boolean(process.stderr.isTTY);
      const bar = new SingleBar({
        format: tty
          ? "importing |{bar}| {value}/{total} rows | {speed} rows/s | ETA {eta_formatted} | rejected {rejected}"
          : "importing: {value} of about {total} rows, {speed} rows/s, ETA {eta_formatted}, rejected {rejected}",
        noTTYOutput: true,
        notTTYSchedule: 5000,
        etaBuffer: 50,
      });
      const started = Date.now();
      bar.start(Math.max(total - (format.kind === "csv" ? 1 : 0), 0), 0, { speed: 0, rejected: 0 });
      try {
        const summary = await run({
          defaultSource: opts.source,
          onProgress: ({ rows, rejected }) => {
            const seconds = Math.max((Date.now() - started) / 1000, 0.001);
            if (rows > bar.getTotal()) bar.setTotal(rows);
            bar.update(rows, { speed: Math.round(rows / seconds), rejected });
          },
          onRejected: report
            ? (p) =>
                new Promise<void>((resolve, reject) =>
                  report.write(`${JSON.stringify({ line: p.line, code: p.code, field: p.field, message: p.message, row: p.row ?? null })}\n`, (e) => (e ? reject(e) : resolve())),
                )
            : undefined,
        });
        bar.stop();
        process.stdout.write(`created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected.length}\n`);
        for (const p of summary.rejected.slice(0, 50)) process.stdout.write(`  line ${p.line}: ${p.code}${p.field ? ` (${p.field})` : ""}: ${p.message}\n`);
        if (summary.rejected.length > 50) process.stdout.write(`  … and ${summary.rejected.length - 50} more${opts.report ? ` (all in ${opts.report})` : " (add --report FILE to list them all)"}\n`);
        process.stdout.write("Their images are fetched and their vectors computed by the worker (in `npm start`, or `vitrine worker`).\n");
        if (summary.rejected.length) process.exitCode = 2;
      } finally {
        bar.stop();
        await close();
        if (report) await new Promise<void>((resolve) => report.end(resolve));
      }
    });
}

/** The number of lines in a file (a progress bar's total), read as a stream. */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (chunk.length) last = chunk[chunk.length - 1];
  }
  return last === 10 ? lines : lines + 1;
}
