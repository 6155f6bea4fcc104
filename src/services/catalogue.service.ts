/**
 * The catalogue: reading works and artists, and the admin writes. Writes that change what a work's
 * vector depends on enqueue an embedding job in the same transaction (the outbox, DESIGN.md).
 */
import { randomUUID } from "node:crypto";
import type { Artist } from "../domain/artwork.ts";
import { ConflictError, InvalidInputError, NotFoundError, isDomainError } from "../domain/errors.ts";
import type {
  ArtistFilter,
  ArtistWrite,
  ArtworkFilter,
  ArtworkRow,
  ArtworkSort,
  ArtworkWrite,
  CatalogueStore,
  MediumCategoryCount,
  Page,
  PageRequest,
  ProvenanceEventInput,
} from "../ports/catalogue-store.port.ts";

/** What an admin sends to create or update a work; absent fields are left unchanged on update. */
export interface ArtworkInput {
  readonly source?: string;
  readonly sourceId?: string;
  readonly title?: string;
  readonly description?: string | null;
  readonly accessionNumber?: string | null;
  readonly dateText?: string | null;
  readonly yearStart?: number | null;
  readonly yearEnd?: number | null;
  readonly medium?: string | null;
  readonly mediumCategory?: string | null;
  readonly classification?: string | null;
  readonly dimensionsText?: string | null;
  readonly widthCm?: number | null;
  readonly heightCm?: number | null;
  readonly depthCm?: number | null;
  readonly diameterCm?: number | null;
  readonly department?: string | null;
  readonly creditLine?: string | null;
  readonly dateAcquired?: string | null;
  readonly physicalLocation?: string | null;
  readonly webUrl?: string | null;
  readonly provenanceText?: string | null;
  readonly provenanceNotes?: string | null;
  readonly license?: string | null;
  readonly artists?: readonly { artistId: string; role?: string | null }[];
  readonly provenance?: readonly (Partial<ProvenanceEventInput> & { text: string })[];
}

/** Fields whose change alters a work's vector (the metadata encoder reads them). */
const VECTOR_FIELDS = ["yearStart", "yearEnd", "medium", "mediumCategory", "widthCm", "heightCm", "depthCm", "diameterCm"] as const;

export const DEFAULT_SOURCE = "vitrine";

export interface PageLimits {
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
}

const FIELD_KEYS = [
  "title", "description", "accessionNumber", "dateText", "yearStart", "yearEnd", "medium", "mediumCategory", "classification",
  "dimensionsText", "widthCm", "heightCm", "depthCm", "diameterCm", "department", "creditLine", "dateAcquired",
  "physicalLocation", "webUrl", "provenanceText", "provenanceNotes", "license",
] as const;

export class CatalogueService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly limits: PageLimits,
  ) {}

  /** Checks first/last/after/before and returns a request with a size. */
  page(req: PageRequest): PageRequest {
    if (req.first !== undefined && req.last !== undefined) {
      throw new InvalidInputError("last", "Pass either `first` (with `after`) or `last` (with `before`), not both.");
    }
    for (const name of ["first", "last"] as const) {
      const n = req[name];
      if (n !== undefined && (n < 0 || n > this.limits.maxPageSize)) {
        throw new InvalidInputError(name, `\`${name}\` must be between 0 and ${this.limits.maxPageSize}; got ${n}.`);
      }
    }
    return req.first === undefined && req.last === undefined ? { ...req, first: this.limits.defaultPageSize } : req;
  }

  checkFilter(filter: ArtworkFilter, path = "filter"): ArtworkFilter {
    if (filter.yearFrom !== undefined && filter.yearTo !== undefined && filter.yearTo < filter.yearFrom) {
      throw new InvalidInputError(`${path}.yearTo`, `The year range ends (${filter.yearTo}) before it starts (${filter.yearFrom}).`);
    }
    return filter;
  }

  listArtworks(filter: ArtworkFilter, sort: ArtworkSort, page: PageRequest): Promise<Page<ArtworkRow>> {
    return this.store.listArtworks(this.checkFilter(filter), sort, this.page(page));
  }

  countArtworks(filter: ArtworkFilter): Promise<number> {
    return this.store.countArtworks(filter);
  }

  listArtists(filter: ArtistFilter, page: PageRequest): Promise<Page<Artist>> {
    return this.store.listArtists(filter, this.page(page));
  }

  countArtists(filter: ArtistFilter): Promise<number> {
    return this.store.countArtists(filter);
  }

  mediumCategories(): Promise<MediumCategoryCount[]> {
    return this.store.mediumCategories();
  }

  async createArtwork(input: ArtworkInput, path = "artwork"): Promise<string> {
    if (!input.title?.trim()) throw new InvalidInputError(`${path}.title`, "A work needs a title; use \"Untitled\" when it has none.");
    const write = await this.toWrite(input, null, path);
    const source = input.source?.trim() || DEFAULT_SOURCE;
    const sourceId = input.sourceId?.trim() || randomUUID();
    if (await this.store.findArtworkIdBySource(source, sourceId)) {
      throw new ConflictError(`A work with source "${source}" and sourceId "${sourceId}" already exists; update it instead.`, `${path}.sourceId`);
    }
    // two requests may race past the check: the store's unique constraint decides (ConflictError at "sourceId")
    return this.store.createArtwork({ ...write, source, sourceId }).catch((e: unknown) => {
      throw isDomainError(e) && e.field ? e.atField(`${path}.${e.field}`) : e;
    });
  }

  async updateArtwork(id: string, input: ArtworkInput, path = "artwork"): Promise<void> {
    if (input.title !== undefined && !input.title?.trim()) throw new InvalidInputError(`${path}.title`, "The title cannot be empty.");
    const [current] = await this.store.artworksByIds([id]);
    if (!current) throw new NotFoundError(`No work with id ${id}.`, "id");
    const write = await this.toWrite(input, current, path);
    const changesVector =
      write.artists !== undefined || write.provenance !== undefined || VECTOR_FIELDS.some((k) => k in write.fields && write.fields[k] !== current[k]);
    const ok = await this.store.updateArtwork(id, write, changesVector ? "UPDATED" : null).catch((e: unknown) => {
      throw isDomainError(e) && e.field ? e.atField(`${path}.${e.field}`) : e;
    });
    if (!ok) throw new NotFoundError(`No work with id ${id}.`, "id");
  }

  async deleteArtwork(id: string): Promise<void> {
    if (!(await this.store.deleteArtwork(id))) throw new NotFoundError(`No work with id ${id}.`, "id");
  }

  async createArtist(input: Partial<ArtistWrite> & { name: string }, path = "artist"): Promise<string> {
    const name = input.name.trim();
    if (!name) throw new InvalidInputError(`${path}.name`, "An artist needs a name.");
    if (input.birthYear != null && input.deathYear != null && input.deathYear < input.birthYear) {
      throw new InvalidInputError(`${path}.deathYear`, `The death year (${input.deathYear}) is before the birth year (${input.birthYear}).`);
    }
    return this.store.createArtist({
      key: input.key?.trim() || `name:${name.toLowerCase().replace(/\s+/g, " ")}:${randomUUID().slice(0, 8)}`,
      name,
      citedName: input.citedName ?? null,
      partyType: input.partyType ?? null,
      nationality: input.nationality ?? null,
      birthYear: input.birthYear ?? null,
      deathYear: input.deathYear ?? null,
      birthPlace: input.birthPlace ?? null,
      deathPlace: input.deathPlace ?? null,
      sourceArtistId: input.sourceArtistId ?? null,
    });
  }

  /** Validates an input against the domain rules and turns it into a store write. */
  private async toWrite(input: ArtworkInput, current: ArtworkRow | null, path: string): Promise<ArtworkWrite> {
    const fields: Record<string, unknown> = {};
    for (const k of FIELD_KEYS) if (input[k] !== undefined) fields[k] = typeof input[k] === "string" ? (input[k] as string).trim() : input[k];
    const yearStart = input.yearStart !== undefined ? input.yearStart : current?.yearStart ?? null;
    const yearEnd = input.yearEnd !== undefined ? input.yearEnd : current?.yearEnd ?? null;
    if (yearStart !== null && yearEnd !== null && yearEnd < yearStart) {
      throw new InvalidInputError(`${path}.yearEnd`, `The date range ends (${yearEnd}) before it starts (${yearStart}).`);
    }
    for (const k of ["widthCm", "heightCm", "depthCm", "diameterCm"] as const) {
      const v = input[k];
      if (v != null && !(v > 0)) throw new InvalidInputError(`${path}.${k}`, `${k} must be a positive number of centimetres; got ${v}.`);
    }
    if (input.artists) {
      const ids = input.artists.map((a) => a.artistId);
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) throw new InvalidInputError(`${path}.artists[${i}].artistId`, "The same artist is credited twice; give one credit with a combined role.");
        seen.add(id);
      });
      const missing = new Set(await this.store.missingArtistIds(ids));
      const bad = ids.findIndex((id) => missing.has(id));
      if (bad >= 0) {
        throw new InvalidInputError(`${path}.artists[${bad}].artistId`, `No artist with id ${ids[bad]}; create the artist first (createArtist) or pick one from \`artists\`.`);
      }
    }
    input.provenance?.forEach((p, i) => {
      if (!p.text?.trim()) throw new InvalidInputError(`${path}.provenance[${i}].text`, "Each provenance entry needs its text as written by the cataloguer.");
      if (p.yearStart != null && p.yearEnd != null && p.yearEnd < p.yearStart) {
        throw new InvalidInputError(`${path}.provenance[${i}].yearEnd`, `The entry ends (${p.yearEnd}) before it starts (${p.yearStart}).`);
      }
    });
    return {
      fields: fields as ArtworkWrite["fields"],
      ...(input.source !== undefined && current ? { source: input.source } : {}),
      ...(input.sourceId !== undefined && current ? { sourceId: input.sourceId } : {}),
      artists: input.artists?.map((a) => ({ artistId: a.artistId, role: a.role ?? null })),
      provenance: input.provenance?.map((p) => ({
        owner: p.owner ?? null,
        place: p.place ?? null,
        dateText: p.dateText ?? null,
        yearStart: p.yearStart ?? null,
        yearEnd: p.yearEnd ?? null,
        method: p.method ?? null,
        text: p.text.trim(),
      })),
    };
  }
}
