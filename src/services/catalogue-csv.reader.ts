/**
 * Reads a CSV catalogue (museum exports are mostly CSV) into rows of the JSON Lines shape, through a
 * column mapping: CSV column → row field, where a field is a path such as `title`,
 * `dimensionsInches.width` or `artists[0].name` (nested artist columns). Without a mapping each
 * column's header is its field. Years and dimensions are read as numbers, empty cells are left out,
 * and `imageUrls` splits on `|`.
 */
import { CsvError, parse } from "csv-parse";
import type { Readable } from "node:stream";
import { InvalidInputError } from "../domain/errors.ts";
import type { SourceRow } from "./catalogue-import.service.ts";

/** CSV column → row field path. */
export type CsvMapping = Readonly<Record<string, string>>;

const NUMERIC = new Set(["yearStart", "yearEnd", "birthYear", "deathYear", "width", "height", "depth", "diameter"]);
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\[\d{1,2}\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d{1,2}\])?)*$/;

/** Checks a mapping read from JSON; throws InvalidInputError naming the bad entry. */
export function parseCsvMapping(raw: unknown): CsvMapping {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new InvalidInputError("map", "The column mapping must be a JSON object: {\"CSV column\": \"row field\"}.");
  for (const [column, field] of Object.entries(raw)) {
    if (typeof field !== "string" || !PATH.test(field)) {
      throw new InvalidInputError(`map.${column}`, `Column "${column}" maps to ${JSON.stringify(field)}; give a row field such as "title", "dimensionsInches.width" or "artists[0].name".`);
    }
  }
  return raw as CsvMapping;
}

function cellValue(leaf: string, text: string): unknown {
  if (leaf === "imageUrls") return text.split("|").map((u) => u.trim()).filter(Boolean);
  if (NUMERIC.has(leaf) && /^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text.trim());
  return text;
}

/** Sets `value` at a path like `artists[0].name` in `target`. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split(".");
  let at: Record<string, unknown> = target;
  for (const [n, step] of steps.entries()) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(step) as RegExpExecArray;
    const key = m[1];
    const last = n === steps.length - 1;
    if (m[2] === undefined) {
      if (last) at[key] = value;
      else at = (at[key] ??= {}) as Record<string, unknown>;
      continue;
    }
    const list = (at[key] ??= []) as unknown[];
    const i = Number(m[2]);
    if (last) list[i] = value;
    else at = (list[i] ??= {}) as Record<string, unknown>;
  }
}

/** Lists with holes (artists[1] given, artists[0] empty) closed up. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

/** One CSV record (header → cell) as a catalogue row. */
export function rowOfCsvRecord(record: Record<string, string>, mapping: CsvMapping | null): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, text] of Object.entries(record)) {
    const field = mapping ? mapping[column] : PATH.test(column) ? column : undefined;
    if (!field || text === undefined || text.trim() === "") continue;
    setPath(row, field, cellValue(field.split(".").at(-1)!.replace(/\[\d+\]$/, ""), text));
  }
  return compact(row) as Record<string, unknown>;
}

/**
 * The rows of a CSV stream (a header line first), each with the line it ends on. A malformed record
 * (too many cells, a stray quote) is a row with its problem and the reading goes on; a quote never
 * closed swallows the rest of the file, reported as one problem.
 */
export async function* csvRows(input: Readable, mapping: CsvMapping | null): AsyncGenerator<SourceRow> {
  const skipped: SourceRow[] = [];
  const parser = input.pipe(
    parse({
      columns: true,
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count_less: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        const line = typeof err?.lines === "number" ? err.lines : 0;
        skipped.push({ line, problem: { code: "BAD_USER_INPUT", field: null, message: `Not a valid CSV record: ${err?.message ?? "unreadable"}` }, raw: raw ?? null });
        return undefined;
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    // the parser reports a skipped record as soon as it reads it, maybe before records above it are taken
    while (skipped.length && skipped[0].line < info.lines) yield skipped.shift() as SourceRow;
    yield { line: info.lines, value: rowOfCsvRecord(record, mapping), raw: record };
  }
  while (skipped.length) yield skipped.shift() as SourceRow;
}
