/**
 * Bulk import of a catalogue file (JSON Lines). Good rows go in by batches; a bad row is reported with
 * its line and reason and the others still go in. Idempotent by (source, sourceId). Images are not
 * fetched here: a row's image sources are queued for the image worker; a local file (`--images DIR`)
 * is only copied into the blob store by hash, and checked and decoded by the worker like a fetched one.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { isDomainError } from "../domain/errors.ts";
import { safeFileStem, type ImageCandidate } from "../domain/image-request.ts";
import type { BlobStore } from "../ports/blob-store.port.ts";
import type { CatalogueStore, ImportRecord } from "../ports/catalogue-store.port.ts";
import type { ImageFolder } from "../ports/image-folder.port.ts";
import { parseCatalogueRow } from "./catalogue-row.parser.ts";

export interface ImportProblem {
  readonly line: number;
  readonly code: string;
  readonly field: string | null;
  readonly message: string;
}

export interface ImportSummary {
  readonly created: number;
  readonly updated: number;
  readonly rejected: readonly ImportProblem[];
}

export interface ImportOptions {
  readonly batchSize?: number;
  readonly defaultSource?: string;
  readonly onProgress?: (done: number) => void;
  /**
   * The folder local image files are read from: a row's `imagePath` (relative to it), or else a file
   * `<sourceId>.<ext>` (sourceId made safe for a file name, see safeFileStem) when one exists.
   */
  readonly images?: ImageFolder;
}

/** Where local image files go at import, and how large one may be. */
export interface ImportImageStore {
  readonly blobs: BlobStore;
  readonly maxBytes: number;
}

export class CatalogueImportService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly imageStore: ImportImageStore | null = null,
  ) {}

  /** Imports every line of a JSON Lines file. */
  importFile(file: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
    return this.importLines(lines, options);
  }

  async importLines(lines: AsyncIterable<string> | Iterable<string>, options: ImportOptions = {}): Promise<ImportSummary> {
    const batchSize = options.batchSize ?? 250;
    const rejected: ImportProblem[] = [];
    let batch: { line: number; record: ImportRecord }[] = [];
    let created = 0;
    let updated = 0;
    let lineNo = 0;
    const seen = new Map<string, number>();
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await this.store.importArtworks(batch.map((b) => b.record));
      created += result.created;
      updated += result.updated;
      options.onProgress?.(created + updated);
      batch = [];
    };
    for await (const text of lines) {
      lineNo++;
      if (!text.trim()) continue;
      let record: ImportRecord;
      try {
        record = parseCatalogueRow(JSON.parse(text), options.defaultSource);
      } catch (e) {
        if (e instanceof SyntaxError) rejected.push({ line: lineNo, code: "BAD_USER_INPUT", field: null, message: `Not valid JSON: ${e.message}` });
        else if (isDomainError(e)) rejected.push({ line: lineNo, code: e.code, field: e.field ?? null, message: e.message });
        else throw e;
        continue;
      }
      const key = `${record.source}\u0000${record.sourceId}`;
      const first = seen.get(key);
      if (first !== undefined) {
        rejected.push({ line: lineNo, code: "CONFLICT", field: "sourceId", message: `sourceId "${record.sourceId}" already appeared on line ${first} of this file.` });
        continue;
      }
      seen.set(key, lineNo);
      record = await this.withLocalFile(record, options.images);
      batch.push({ line: lineNo, record });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    return { created, updated, rejected };
  }

  /**
   * The row with its local image file resolved: copied into the blob store by hash (so the worker
   * needs no access to the folder), or carrying the problem that kept it from being read. Without a
   * folder the record says so: an existing work whose image came from a local file keeps it (a
   * metadata re-import does not undo an earlier import with --images); a new work gets the problem.
   */
  private async withLocalFile(record: ImportRecord, folder: ImageFolder | undefined): Promise<ImportRecord> {
    const candidates = [...(record.image?.candidates ?? [])];
    const named = candidates.findIndex((c) => c.kind === "file");
    let name: string | null = named >= 0 ? (candidates[named] as { name: string }).name : null;
    if (!folder) {
      if (named < 0) return { ...record, withoutImageFolder: true };
      candidates[named] = { kind: "file", name: name as string, sha256: null, problem: `The row names the image file "${name}", but the import was given no image folder (vitrine import FILE --images DIR).` };
      return { ...record, image: { candidates }, withoutImageFolder: true };
    }
    if (name === null) {
      name = await folder.find(safeFileStem(record.sourceId));
      if (name === null) return record;
    }
    let file: ImageCandidate;
    try {
      if (!this.imageStore) throw new Error("no blob store to copy local images into");
      const bytes = await folder.read(name, this.imageStore.maxBytes);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      await this.imageStore.blobs.put(sha256, bytes);
      file = { kind: "file", name, sha256, problem: null };
    } catch (e) {
      if (!isDomainError(e)) throw e;
      file = { kind: "file", name, sha256: null, problem: e.message };
    }
    if (named >= 0) candidates[named] = file;
    else candidates.unshift(file);
    return { ...record, image: { candidates } };
  }
}
