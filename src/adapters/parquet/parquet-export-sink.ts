/**
 * ExportSink writing Apache Parquet with hyparquet-writer: one row group per page of works, flushed to
 * disk as it is written, so an export never holds more than a page in memory. The file is written
 * beside the target as `<file>.partial` and renamed when complete: a failed export leaves no
 * truncated Parquet file behind.
 *
 * Columns (snake_case, so pandas and DuckDB need no renaming): strings are UTF8 byte arrays, years
 * INT32, `has_image` BOOLEAN, `artists` a standard three-level LIST of strings and the vector parts
 * standard LISTs of FLOAT (pyarrow: list<item: float>, DuckDB: FLOAT[]). The header (generation,
 * layout, weights) is file-level key/value metadata under `vitrine.*` keys.
 */
import { rename, rm } from "node:fs/promises";
import { ParquetWriter, fileWriter, type SchemaElement } from "hyparquet-writer";
import type { ExportHeader, ExportRow, ExportSink } from "../../ports/export-sink.port.ts";

const string = (name: string, required = false): SchemaElement => ({
  name,
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  repetition_type: required ? "REQUIRED" : "OPTIONAL",
});
const int = (name: string): SchemaElement => ({ name, type: "INT32", repetition_type: "OPTIONAL" });
/** A standard LIST (group → repeated `list` → `element`) of required items. */
const list = (name: string, item: SchemaElement["type"], utf8: boolean, required: boolean): SchemaElement[] => [
  { name, repetition_type: required ? "REQUIRED" : "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", type: item, repetition_type: "REQUIRED", ...(utf8 ? { converted_type: "UTF8" as const } : {}) },
];

/** The columns, in file order, with how each is read from a row. */
const COLUMNS: readonly { readonly schema: SchemaElement[]; readonly value: (r: ExportRow) => unknown }[] = [
  { schema: [string("id", true)], value: (r) => r.id },
  { schema: [string("source", true)], value: (r) => r.source },
  { schema: [string("source_id", true)], value: (r) => r.sourceId },
  { schema: [string("generation")], value: (r) => r.generation },
  { schema: [string("title", true)], value: (r) => r.title },
  { schema: list("artists", "BYTE_ARRAY", true, true), value: (r) => [...r.artists] },
  { schema: [int("year_start")], value: (r) => r.yearStart },
  { schema: [int("year_end")], value: (r) => r.yearEnd },
  { schema: [string("medium_category")], value: (r) => r.mediumCategory },
  { schema: [string("department")], value: (r) => r.department },
  { schema: [string("classification")], value: (r) => r.classification },
  { schema: [{ name: "has_image", type: "BOOLEAN", repetition_type: "REQUIRED" }], value: (r) => r.hasImage },
  // the writer walks plain arrays for repeated fields; Array.from keeps each float32 value exactly
  { schema: list("image_vector", "FLOAT", false, false), value: (r) => (r.imageVector ? Array.from(r.imageVector) : null) },
  { schema: list("metadata_vector", "FLOAT", false, false), value: (r) => (r.metadataVector ? Array.from(r.metadataVector) : null) },
];

/** The column names of an export, in file order. */
export const EXPORT_COLUMNS: readonly string[] = COLUMNS.map((c) => c.schema[0].name);

export class ParquetExportSink implements ExportSink {
  private done = false;

  private constructor(
    private readonly file: string,
    private readonly partial: string,
    private readonly writer: ParquetWriter,
  ) {}

  /** Starts `file` (written as `<file>.partial` until finish). */
  static open(file: string, header: ExportHeader | null): ParquetExportSink {
    const partial = `${file}.partial`;
    const schema: SchemaElement[] = [{ name: "root", num_children: COLUMNS.length }, ...COLUMNS.flatMap((c) => c.schema)];
    const kvMetadata = header
      ? [
          { key: "vitrine.generation", value: header.generation },
          { key: "vitrine.collection", value: header.collection },
          { key: "vitrine.image_dimension", value: String(header.imageDimension) },
          { key: "vitrine.metadata_dimension", value: String(header.metadataDimension) },
          { key: "vitrine.metadata_groups", value: JSON.stringify(header.metadataGroups) },
          { key: "vitrine.weights", value: JSON.stringify(header.weights) },
        ]
      : [];
    const writer = new ParquetWriter({ writer: fileWriter(partial), schema, kvMetadata, createdBy: "vitrine export (hyparquet-writer)" });
    return new ParquetExportSink(file, partial, writer);
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    if (this.done) throw new Error("The export file is already complete.");
    if (rows.length === 0) return;
    const columnData = COLUMNS.map((c) => ({ name: c.schema[0].name, data: rows.map(c.value) }));
    // one row group per page: the writer flushes it to disk before returning
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.writer.finish();
    await rename(this.partial, this.file);
  }

  async abort(): Promise<void> {
    this.done = true;
    await rm(this.partial, { force: true });
  }
}
