/**
 * Reads one row of a catalogue file (JSON Lines in the shape of data/demo and the CMOA sample: see
 * data/demo/README.md) into an import record, or throws InvalidInputError naming the bad field.
 */
import { artistKeyOf } from "../domain/artist-identity.ts";
import { MEDIUM_CATEGORIES } from "../domain/artwork.ts";
import { InvalidInputError } from "../domain/errors.ts";
import { unstorablePath } from "../domain/storable-text.ts";
import { iiifServiceOf, type ImageCandidate, type ImageRequest } from "../domain/image-request.ts";
import type { ArtistWrite, ImportRecord } from "../ports/catalogue-store.port.ts";

const INCH_CM = 2.54;

type Json = Record<string, unknown>;

function str(row: Json, key: string, required = false): string | null {
  const v = row[key];
  if (v === undefined || v === null || v === "") {
    if (required) throw new InvalidInputError(key, `"${key}" is required.`);
    return null;
  }
  if (typeof v !== "string") throw new InvalidInputError(key, `"${key}" must be a string; got ${typeof v}.`);
  return v.trim() || (required ? (() => { throw new InvalidInputError(key, `"${key}" is required.`); })() : null);
}

function year(row: Json, key: string, path = key): number | null {
  const v = row[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v < -100_000 || v > 3000) {
    throw new InvalidInputError(path, `"${path}" must be a whole year (negative for BCE); got ${JSON.stringify(v)}.`);
  }
  return v;
}

function positiveCm(inches: unknown, path: string): number | null {
  if (inches === undefined || inches === null || inches === 0) return null;
  if (typeof inches !== "number" || !(inches > 0)) throw new InvalidInputError(path, `"${path}" must be a positive number of inches.`);
  return Math.round(inches * INCH_CM * 100) / 100;
}


/**
 * The image sources a row names, in the order they are tried: its local file (`imagePath`, read from
 * the import's image folder), its IIIF Image API service (`iiifService`), then `imageUrl` and
 * `imageUrls`; a URL ending in `info.json` names a IIIF service. Null when the row names none.
 */
export function imageRequestOf(row: Record<string, unknown>, imageUrl: string | null, imageUrls: readonly string[]): ImageRequest | null {
  const candidates: ImageCandidate[] = [];
  const seen = new Set<string>();
  const add = (c: ImageCandidate, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push(c);
  };
  const imagePath = str(row, "imagePath");
  if (imagePath !== null) add({ kind: "file", name: imagePath, sha256: null, problem: null }, `file:${imagePath}`);
  const service = str(row, "iiifService");
  if (service !== null) add({ kind: "iiif", service: service.replace(/\/+$/, "") }, `iiif:${service.replace(/\/+$/, "")}`);
  for (const url of [imageUrl, ...imageUrls]) {
    if (!url || !url.trim()) continue;
    const iiif = iiifServiceOf(url);
    if (iiif) add({ kind: "iiif", service: iiif }, `iiif:${iiif}`);
    else add({ kind: "url", url: url.trim() }, `url:${url.trim()}`);
  }
  return candidates.length ? { candidates } : null;
}

/**
 * The keys of the row format, at each level: what parseCatalogueRow reads (it ignores any other key, so a
 * museum export's extra columns import as they are), but `imagePath`, which names a file of the importing
 * machine and only a local import can read. The API's import mutation takes exactly these fields
 * (ArtworkImportRowInput and its nested inputs; a test compares them with schema.graphql), and GraphQL
 * refuses any key an input type does not define: rows sent there go through `rowFormatFields` first.
 */
export const ROW_FORMAT_KEYS = {
  row: [
    "source", "sourceId", "title", "description", "accessionNumber", "dateText", "yearStart", "yearEnd", "medium", "mediumCategory",
    "classification", "dimensions", "dimensionsInches", "department", "creditLine", "dateAcquired", "physicalLocation", "webUrl",
    "provenanceText", "provenanceNotes", "license", "imageUrl", "imageUrls", "imageLicense", "iiifService", "artists", "provenance",
  ],
  artists: ["name", "citedName", "partyType", "nationality", "birthYear", "deathYear", "birthPlace", "deathPlace", "role", "sourceArtistId"],
  provenance: ["owner", "place", "dateText", "yearStart", "yearEnd", "method", "text"],
  dimensionsInches: ["height", "width", "depth", "diameter"],
} as const;

function pick(value: unknown, keys: readonly string[], nested: (key: string, v: unknown) => unknown = (_, v) => v): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Json = {};
  for (const k of keys) if (k in (value as Json)) out[k] = nested(k, (value as Json)[k]);
  return out;
}

/** The row with only the format's keys, at every level (the rest a local import ignores; `imagePath` it reads). */
export function rowFormatFields(row: unknown): unknown {
  return pick(row, ROW_FORMAT_KEYS.row, (key, v) => {
    if (key === "dimensionsInches") return pick(v, ROW_FORMAT_KEYS.dimensionsInches);
    if ((key === "artists" || key === "provenance") && Array.isArray(v)) return v.map((e) => pick(e, ROW_FORMAT_KEYS[key]));
    return v;
  });
}

export function parseCatalogueRow(raw: unknown, defaultSource = "import"): ImportRecord {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new InvalidInputError("row", "Each line must be a JSON object.");
  const row = raw as Json;
  const bad = unstorablePath(row);
  if (bad) throw new InvalidInputError(bad, `"${bad}" holds a NUL character or a lone UTF-16 surrogate, which cannot be stored; remove it.`);
  const sourceId = str(row, "sourceId", true) as string;
  const title = str(row, "title", true) as string;
  const yearStart = year(row, "yearStart");
  const yearEnd = year(row, "yearEnd");
  if (yearStart !== null && yearEnd !== null && yearEnd < yearStart) {
    throw new InvalidInputError("yearEnd", `The date range ends (${yearEnd}) before it starts (${yearStart}).`);
  }
  const mediumCategory = str(row, "mediumCategory");
  if (mediumCategory !== null && !(MEDIUM_CATEGORIES as readonly string[]).includes(mediumCategory)) {
    throw new InvalidInputError("mediumCategory", `"${mediumCategory}" is not a medium category; use one of: ${MEDIUM_CATEGORIES.join(", ")}.`);
  }
  const dims = (row.dimensionsInches ?? {}) as Json;
  if (typeof dims !== "object") throw new InvalidInputError("dimensionsInches", '"dimensionsInches" must be an object.');
  const artistsRaw = row.artists ?? [];
  if (!Array.isArray(artistsRaw)) throw new InvalidInputError("artists", '"artists" must be a list.');
  const artists = artistsRaw.map((a: Json, i: number) => {
    const name = typeof a?.name === "string" ? a.name.trim() : "";
    if (!name) throw new InvalidInputError(`artists[${i}].name`, `Artist ${i + 1} has no name.`);
    const sourceArtistId = typeof a.sourceArtistId === "string" ? a.sourceArtistId : null;
    const birthYear = year(a, "birthYear", `artists[${i}].birthYear`);
    const deathYear = year(a, "deathYear", `artists[${i}].deathYear`);
    const artist: ArtistWrite = {
      key: artistKeyOf({ name, birthYear, deathYear, sourceArtistId }),
      name,
      citedName: typeof a.citedName === "string" ? a.citedName : null,
      partyType: typeof a.partyType === "string" ? a.partyType : null,
      nationality: typeof a.nationality === "string" ? a.nationality : null,
      birthYear,
      deathYear,
      birthPlace: typeof a.birthPlace === "string" ? a.birthPlace : null,
      deathPlace: typeof a.deathPlace === "string" ? a.deathPlace : null,
      sourceArtistId,
    };
    return { artist, role: typeof a.role === "string" ? a.role : null };
  });
  const provRaw = row.provenance ?? [];
  if (!Array.isArray(provRaw)) throw new InvalidInputError("provenance", '"provenance" must be a list.');
  const provenance = provRaw.map((p: Json, i: number) => {
    const text = typeof p?.text === "string" ? p.text.trim() : "";
    if (!text) throw new InvalidInputError(`provenance[${i}].text`, `Provenance entry ${i + 1} has no text.`);
    return {
      owner: typeof p.owner === "string" ? p.owner : null,
      place: typeof p.place === "string" ? p.place : null,
      dateText: typeof p.dateText === "string" ? p.dateText : null,
      yearStart: year(p, "yearStart", `provenance[${i}].yearStart`),
      yearEnd: year(p, "yearEnd", `provenance[${i}].yearEnd`),
      method: typeof p.method === "string" ? p.method : null,
      text,
    };
  });
  const imageUrls = Array.isArray(row.imageUrls) ? row.imageUrls.filter((u): u is string => typeof u === "string") : [];
  const imageUrl = str(row, "imageUrl");
  const image = imageRequestOf(row, imageUrl, imageUrls);
  return {
    source: str(row, "source") ?? defaultSource,
    sourceId,
    fields: {
      title,
      description: str(row, "description"),
      accessionNumber: str(row, "accessionNumber"),
      dateText: str(row, "dateText"),
      yearStart,
      yearEnd,
      medium: str(row, "medium"),
      mediumCategory,
      classification: str(row, "classification"),
      dimensionsText: str(row, "dimensions"),
      widthCm: positiveCm(dims.width, "dimensionsInches.width"),
      heightCm: positiveCm(dims.height, "dimensionsInches.height"),
      depthCm: positiveCm(dims.depth, "dimensionsInches.depth"),
      diameterCm: positiveCm(dims.diameter, "dimensionsInches.diameter"),
      department: str(row, "department"),
      creditLine: str(row, "creditLine"),
      dateAcquired: str(row, "dateAcquired"),
      physicalLocation: str(row, "physicalLocation"),
      webUrl: str(row, "webUrl"),
      provenanceText: str(row, "provenanceText"),
      provenanceNotes: str(row, "provenanceNotes"),
      license: str(row, "license"),
      imageUrl,
      imageUrls,
      imageLicense: str(row, "imageLicense"),
    },
    artists,
    provenance,
    image,
  };
}
