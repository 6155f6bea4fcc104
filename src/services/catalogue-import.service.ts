/**
 * Bulk import of a catalogue (JSON Lines, or CSV through a column mapping). Good rows go in by
 * batches; a bad row is reported with its line, code, field and reason and the others still go in: a
 * batch the database refuses is retried row by row, so only the rows at fault are rejected. Text no
 * store can hold (NUL, lone surrogates) is refused before it reaches the database. A row whose
 * normalised record hashes the same as the work's last import is neither written nor queued again.
 * Idempotent by (source, sourceId). Images are not fetched here: a row's image sources are queued for
 * the image worker; a local file (`--images DIR`) is only copied into the blob store by hash, and
 * checked and decoded by the worker like a fetched one. While a server holds the embedded store,
 * forwardRows sends the checked rows to it in batches (RemoteImporter) instead.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { isDomainError } from "../domain/errors.ts";
import { safeFileStem, type ImageCandidate } from "../domain/image-request.ts";
import type { BlobStore } from "../ports/blob-store.port.ts";
import type { CatalogueStore, ImportOutcome, ImportRecord } from "../ports/catalogue-store.port.ts";
import type { ImageFolder } from "../ports/image-folder.port.ts";
import type { ImageSource } from "../ports/image-source.port.ts";
import type { RemoteImporter } from "../ports/remote-importer.port.ts";
import { csvRows, type CsvMapping } from "./catalogue-csv.reader.ts";
import { parseCatalogueRow, rowFormatFields } from "./catalogue-row.parser.ts";

export interface ImportProblem {
  /** The row's line in the file (for rows given as a list: its index + 1). */
  readonly line: number;
  readonly code: string;
  readonly field: string | null;
  readonly message: string;
  /** The row as read (the JSON value, the CSV record, or the text that did not parse). */
  readonly row?: unknown;
}

/** A row as read from a source: its value, or the problem that kept it from being read. */
export type SourceRow =
  | { readonly line: number; readonly value: unknown; readonly raw?: unknown; readonly problem?: undefined }
  | { readonly line: number; readonly problem: Omit<ImportProblem, "line" | "row">; readonly raw: unknown; readonly value?: undefined };

/** What happened to one row that went in. */
export interface ImportRowResult {
  readonly line: number;
  readonly id: string;
  readonly outcome: ImportOutcome;
}

export interface ImportSummary {
  readonly created: number;
  readonly updated: number;
  /** Rows equal to the work's last import: neither written nor queued. */
  readonly unchanged: number;
  readonly rejected: readonly ImportProblem[];
  /** Each row that went in (with `collectResults`), in order. */
  readonly results?: readonly ImportRowResult[];
}

/** How far an import is: rows read, and how many of them were rejected. */
export interface ImportProgress {
  readonly rows: number;
  readonly rejected: number;
}

export interface ImportOptions {
  readonly batchSize?: number;
  readonly defaultSource?: string;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Called with each rejected row as soon as it is known (the CLI's --report). */
  readonly onRejected?: (problem: ImportProblem) => void | Promise<void>;
  /** Keep each row's outcome in the summary (small imports: the API's mutation). */
  readonly collectResults?: boolean;
  /**
   * The folder local image files are read from: a row's `imagePath` (relative to it), or else a file
   * `<sourceId>.<ext>` (sourceId made safe for a file name, see safeFileStem) when one exists.
   */
  readonly images?: ImageFolder;
}

/** A file's format: JSON Lines (the default), or CSV with an optional column mapping. */
export type ImportFormat = { readonly kind: "jsonl" } | { readonly kind: "csv"; readonly mapping: CsvMapping | null };

/** Where local image files go at import, and how large one may be. */
export interface ImportImageStore {
  readonly blobs: BlobStore;
  readonly maxBytes: number;
}

/** SHA-256 of a record's content (what the import would write), in a stable key order. */
export function contentHashOf(record: ImportRecord): string {
  const stable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(stable) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])])) : v;
  const { contentHash: _, ...content } = record;
  return createHash("sha256").update(JSON.stringify(stable(content))).digest("hex");
}

/** JSON Lines as rows; a line that is not JSON is a row with its problem. Blank lines are skipped. */
async function* jsonLineRows(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<SourceRow> {
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (e) {
      yield { line, problem: { code: "BAD_USER_INPUT", field: null, message: `Not valid JSON: ${(e as Error).message}` }, raw: text };
    }
  }
}

type Pending = { line: number; record: ImportRecord; raw: unknown };

/** The rows of a catalogue file: JSON Lines, or CSV with `format`. */
export function catalogueFileRows(file: string, format: ImportFormat = { kind: "jsonl" }): AsyncIterable<SourceRow> {
  if (format.kind === "csv") return csvRows(createReadStream(file), format.mapping);
  return jsonLineRows(createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity }));
}

/** A row that parsed (with its record) and is the first of its source + sourceId. */
type CheckedRow = { line: number; record: ImportRecord; value: unknown; raw: unknown };

/**
 * The rows that parse and whose source + sourceId did not appear before; the others go to `reject`
 * with their line. `counted` is told of every row read, good or bad.
 */
async function* checkedRows(
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  defaultSource: string | undefined,
  reject: (problem: ImportProblem) => Promise<void>,
  counted: () => void,
  checkRow: (value: unknown) => void,
): AsyncGenerator<CheckedRow> {
  const seen = new Map<string, number>();
  for await (const row of rows) {
    counted();
    if (row.problem) {
      await reject({ line: row.line, ...row.problem, row: row.raw });
      continue;
    }
    const raw = row.raw ?? row.value;
    let record: ImportRecord;
    try {
      record = parseCatalogueRow(row.value, defaultSource);
      checkRow(row.value);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      await reject({ line: row.line, code: e.code, field: e.field ?? null, message: e.message, row: raw });
      continue;
    }
    const key = `${record.source}\u0000${record.sourceId}`;
    const first = seen.get(key);
    if (first !== undefined) {
      await reject({ line: row.line, code: "CONFLICT", field: "sourceId", message: `sourceId "${record.sourceId}" already appeared on line ${first} of this file.`, row: raw });
      continue;
    }
    seen.set(key, row.line);
    yield { line: row.line, record, value: row.value, raw };
  }
}

/** A request path of importArtworks ("input.rows.3.artists.0.name") as a row's field ("artists[0].name"). */
function rowFieldOf(field: string | null): string | null {
  const m = field?.match(/^input\.rows\.\d+(?:\.(.+))?$/);
  if (!m) return field;
  return m[1] ? m[1].replace(/\.(\d+)/g, "[$1]") : "row";
}

/**
 * Reads and checks the rows (checkedRows), prepares each good one and writes them `batchSize` at a
 * time; a batch `write` refuses with a domain error is written again row by row, so only the rows at
 * fault are rejected. Reports progress and rejections through `options`; returns the rejected rows.
 */
async function inBatches<P extends { readonly line: number; readonly raw: unknown }>(
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  options: ImportOptions,
  batchSize: number,
  prepare: (row: CheckedRow) => Promise<P>,
  write: (items: readonly P[], reject: (problem: ImportProblem) => Promise<void>) => Promise<void>,
  checkRow: (value: unknown) => void = () => {},
): Promise<ImportProblem[]> {
  const rejected: ImportProblem[] = [];
  let batch: P[] = [];
  let read = 0;
  const reject = async (problem: ImportProblem) => {
    rejected.push(problem);
    await options.onRejected?.(problem);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    try {
      await write(items, reject);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      for (const item of items) {
        try {
          await write([item], reject);
        } catch (err) {
          if (!isDomainError(err)) throw err;
          await reject({ line: item.line, code: err.code, field: rowFieldOf(err.field ?? null), message: err.message, row: item.raw });
        }
      }
    }
    options.onProgress?.({ rows: read, rejected: rejected.length });
  };
  for await (const checked of checkedRows(rows, options.defaultSource, reject, () => read++, checkRow)) {
    batch.push(await prepare(checked));
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  options.onProgress?.({ rows: read, rejected: rejected.length });
  return rejected;
}

export class CatalogueImportService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly imageStore: ImportImageStore | null = null,
    /** Refuses a row's image URLs that would never be fetched (file:, data:, internal addresses); none: not checked. */
    private readonly urls: Pick<ImageSource, "check"> | null = null,
  ) {}

  /** Imports every row of a file: JSON Lines, or CSV with `format`. */
  importFile(file: string, options: ImportOptions = {}, format: ImportFormat = { kind: "jsonl" }): Promise<ImportSummary> {
    return this.importRows(catalogueFileRows(file, format), options);
  }

  /** Imports JSON Lines. */
  importLines(lines: AsyncIterable<string> | Iterable<string>, options: ImportOptions = {}): Promise<ImportSummary> {
    return this.importRows(jsonLineRows(lines), options);
  }

  /** Imports rows given as values (the API's mutation); a row's line is its index + 1. */
  importValues(values: readonly unknown[], options: ImportOptions = {}): Promise<ImportSummary> {
    return this.importRows(values.map((value, i) => ({ line: i + 1, value })), options);
  }

  async importRows(rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: ImportOptions = {}): Promise<ImportSummary> {
    const results: ImportRowResult[] = [];
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const rejected = await inBatches(
      rows,
      options,
      options.batchSize ?? 250,
      async (checked): Promise<Pending> => {
        const record = await this.withLocalFile(checked.record, options.images);
        return { line: checked.line, record: { ...record, contentHash: contentHashOf(record) }, raw: checked.raw };
      },
      async (items) => {
        const result = await this.store.importArtworks(items.map((b) => b.record));
        for (const [i, outcome] of result.outcomes.entries()) {
          if (outcome === "CREATED") created++;
          else if (outcome === "UPDATED") updated++;
          else unchanged++;
          if (options.collectResults) results.push({ line: items[i].line, id: result.ids[i], outcome });
        }
      },
      (value) => this.checkImageUrls(value as Record<string, unknown>),
    );
    return { created, updated, unchanged, rejected, ...(options.collectResults ? { results } : {}) };
  }

  /** Throws InvalidInputError naming the first image URL of a row (an object) that would never be fetched. */
  private checkImageUrls(row: Record<string, unknown>): void {
    if (!this.urls) return;
    const named: [string, unknown][] = [["iiifService", row.iiifService], ["imageUrl", row.imageUrl]];
    if (Array.isArray(row.imageUrls)) named.push(...row.imageUrls.map((u, i): [string, unknown] => [`imageUrls[${i}]`, u]));
    for (const [field, url] of named) if (typeof url === "string" && url.trim()) this.urls.check(url.trim(), field);
  }

  /**
   * Sends the rows to a running server instead of the store (the embedded store is open there): each
   * row is checked here as importRows checks it (rejected with its line), the good ones go in batches
   * (with the source filled in), and the server's rejections come back with their lines. A batch the
   * server refuses as a whole is sent again row by row, so only the rows at fault are rejected.
   * Local image files (`images`) are not supported: the server cannot read this machine's folder.
   */
  static async forwardRows(rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, remote: RemoteImporter, options: ImportOptions = {}): Promise<ImportSummary> {
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const rejected = await inBatches(
      rows,
      options,
      Math.min(options.batchSize ?? 250, remote.maxRows),
      async (checked) => checked,
      async (all, reject) => {
        const items: (typeof all)[number][] = [];
        for (const c of all) {
          const imagePath = (c.value as { imagePath?: unknown }).imagePath;
          if (typeof imagePath === "string" && imagePath.trim()) {
            const message = `The row names the image file "${imagePath}", which the running server cannot read: stop the server and import with --images DIR, or name the image by imageUrl.`;
            await reject({ line: c.line, code: "BAD_USER_INPUT", field: "imagePath", message, row: c.raw });
          } else items.push(c);
        }
        if (items.length === 0) return;
        // only the format's keys: the API refuses a row with any other, the local import ignores them
        const result = await remote.importRows(items.map((c) => ({ ...(rowFormatFields(c.value) as object), source: c.record.source })));
        created += result.created;
        updated += result.updated;
        unchanged += result.unchanged;
        for (const r of result.rejected) {
          const item = items[r.index];
          await reject({ line: item.line, code: r.code, field: rowFieldOf(r.field), message: r.message.replace(/ of this call\.$/, " of this file."), row: item.raw });
        }
      },
    );
    rejected.sort((x, y) => x.line - y.line); // the server's rejections come after the ones found here
    return { created, updated, unchanged, rejected };
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
