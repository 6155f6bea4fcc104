/**
 * Bulk import of a catalogue file (JSON Lines). Good rows go in by batches; a bad row is reported with
 * its line and reason and the others still go in. Idempotent by (source, sourceId).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { isDomainError } from "../domain/errors.ts";
import type { CatalogueStore, ImportRecord } from "../ports/catalogue-store.port.ts";
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
}

export class CatalogueImportService {
  constructor(private readonly store: CatalogueStore) {}

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
      batch.push({ line: lineNo, record });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    return { created, updated, rejected };
  }
}
