/**
 * `vitrine import FILE [--images DIR]`: bulk import of a JSON Lines catalogue; bad rows are listed, the
 * rest go in. Images are fetched later by the worker; `--images DIR` copies local files the rows name.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { Config } from "../../config/config.ts";
import { openDatabase } from "../../adapters/prisma/database.ts";
import { FsBlobStore } from "../../adapters/fs/fs-blob-store.ts";
import { FsImageFolder } from "../../adapters/fs/fs-image-folder.ts";
import { PrismaCatalogueStore } from "../../adapters/prisma/prisma-catalogue-store.ts";
import { CatalogueImportService } from "../../services/catalogue-import.service.ts";

/** Opens the catalogue store alone, runs `work`, and always closes it. */
async function withStore(config: Config, work: (store: PrismaCatalogueStore) => Promise<void>): Promise<void> {
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
    .description("Import works from a JSON Lines file (see data/demo/README.md for the row shape); idempotent by source + sourceId")
    .option("--source <name>", "source name for rows that carry none", "import")
    .option("--images <dir>", "folder of image files: a row's imagePath (relative to it), else <sourceId>.<ext> (see README)")
    .action(async (file: string, opts: { source: string; images?: string }) => {
      const config = getConfig();
      if (opts.images && !statSync(opts.images, { throwIfNoEntry: false })?.isDirectory()) {
        process.stderr.write(`--images ${opts.images}: not a folder. Give the folder that holds the image files the rows name.\n`);
        process.exitCode = 2;
        return;
      }
      const db = await openDatabase({ url: config.databaseUrl, embeddedDir: path.join(config.dataDir, "db") });
      const bar = new SingleBar({ format: "importing {value} works", noTTYOutput: true, notTTYSchedule: 2000 });
      bar.start(0, 0);
      try {
        const blobs = new FsBlobStore(path.join(config.dataDir, "images"));
        const importer = new CatalogueImportService(new PrismaCatalogueStore(db.prisma), { blobs, maxBytes: config.images.maxBytes });
        const summary = await importer.importFile(file, {
          defaultSource: opts.source,
          images: opts.images ? new FsImageFolder(path.resolve(opts.images)) : undefined,
          onProgress: (n) => bar.update(n),
        });
        bar.stop();
        process.stdout.write(`created ${summary.created}, updated ${summary.updated}, rejected ${summary.rejected.length}\n`);
        for (const p of summary.rejected) process.stdout.write(`  line ${p.line}: ${p.code}${p.field ? ` (${p.field})` : ""}: ${p.message}\n`);
        process.stdout.write("Their images are fetched and their vectors computed by the worker (in `npm start`, or `vitrine worker`).\n");
        if (summary.rejected.length) process.exitCode = 2;
      } finally {
        bar.stop();
        await db.close();
      }
    });
}
