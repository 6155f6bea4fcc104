/**
 * The catalogue: reading works and artists, and the admin writes. Writes that change what a work's
 * vector depends on enqueue an embedding job in the same transaction (the outbox, DESIGN.md).
 */
import { randomUUID } from "node:crypto";
import { isNameDerivedKey, matchArtist, nameDerivedKey } from "../domain/artist-identity.ts";
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
import { checkArtworkFilter } from "./artwork-filter.check.ts";

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

/** How many artists one mergeArtists may fold into another. */
export const MAX_MERGE = 100;

/** What an admin sends to create or update an artist; absent fields are left unchanged on update. */
export type ArtistInput = Partial<ArtistWrite>;

function checkLifeDates(birthYear: number | null, deathYear: number | null, path: string): void {
  if (birthYear != null && deathYear != null && deathYear < birthYear) {
    throw new InvalidInputError(`${path}.deathYear`, `The death year (${deathYear}) is before the birth year (${birthYear}).`);
  }
}

/** CONFLICT naming the existing artist, in the message and (as `existing`) in the error's extensions. */
function artistConflict(existing: Artist, reason: string, field: string): ConflictError {
  return new ConflictError(`${reason}: "${existing.name}" (artist ${existing.id}). Use that artist, or change it with updateArtist.`, field, {
    existing: { type: "Artist", internalId: existing.id, name: existing.name },
  });
}

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
    return checkArtworkFilter(filter, path);
  }

  listArtworks(filter: ArtworkFilter, sort: ArtworkSort, page: PageRequest): Promise<Page<ArtworkRow>> {
    if (sort.field === "RELEVANCE" && !filter.text?.trim()) {
      throw new InvalidInputError("sort.field", "RELEVANCE ranks works by how well they match `filter.text`; give a text, or sort by TITLE, YEAR or CREATED_AT.");
    }
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
    if (input.source !== undefined || input.sourceId !== undefined) {
      const source = input.source ?? current.source;
      const sourceId = input.sourceId ?? current.sourceId;
      const holder = await this.store.findArtworkIdBySource(source, sourceId);
      if (holder && holder !== id) {
        throw new ConflictError(`Another work already has source "${source}" and sourceId "${sourceId}"; each pair names one work.`, `${path}.${input.sourceId !== undefined ? "sourceId" : "source"}`);
      }
    }
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

  /**
   * Adds an artist. Its key is derived from the name and life dates (artist-identity.ts) unless one is
   * given; an artist that already exists (same key, or same normalised name with agreeing dates) is a
   * CONFLICT naming it.
   */
  async createArtist(input: ArtistInput, path = "artist"): Promise<string> {
    const name = input.name?.trim() ?? "";
    if (!name) throw new InvalidInputError(`${path}.name`, "An artist needs a name.");
    checkLifeDates(input.birthYear ?? null, input.deathYear ?? null, path);
    const identity = { name, birthYear: input.birthYear ?? null, deathYear: input.deathYear ?? null };
    const given = input.key?.trim();
    if (given) {
      const holder = await this.store.artistByKey(given);
      if (holder) throw artistConflict(holder, `An artist with key "${given}" already exists`, `${path}.key`);
    } else {
      const { match, ambiguous } = matchArtist(identity, await this.store.artistsByNameKey(name));
      if (match) throw artistConflict(match, `This artist already exists`, `${path}.name`);
      if (ambiguous.length) {
        throw artistConflict(ambiguous[0], `${ambiguous.length} artists are named like "${name}" (told apart by their life dates); give birthYear or deathYear`, `${path}.name`);
      }
    }
    return this.store.createArtist({
      key: given || nameDerivedKey(identity),
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

  /**
   * Changes an artist; fields left out keep their value. A name-derived key follows the new name and
   * dates; a change that makes it another existing artist is a CONFLICT (merge them instead). The works
   * crediting it get their search text refreshed and, when the key or nationality changes (both are in
   * the vector), are queued for re-embedding.
   */
  async updateArtist(id: string, input: ArtistInput, path = "artist"): Promise<void> {
    const [current] = await this.store.artistsByIds([id]);
    if (!current) throw new NotFoundError(`No artist with id ${id}.`, "id");
    if (input.name !== undefined && !input.name?.trim()) throw new InvalidInputError(`${path}.name`, "The name cannot be empty.");
    const next = {
      name: input.name?.trim() ?? current.name,
      birthYear: input.birthYear !== undefined ? input.birthYear : current.birthYear ?? null,
      deathYear: input.deathYear !== undefined ? input.deathYear : current.deathYear ?? null,
    };
    checkLifeDates(next.birthYear, next.deathYear, path);
    const given = input.key?.trim();
    const key = given || (isNameDerivedKey(current.key) ? nameDerivedKey(next) : current.key);
    if (key !== current.key) {
      const holder = await this.store.artistByKey(key);
      if (holder && holder.id !== id) throw artistConflict(holder, `Another artist already has the key "${key}"; merge the two with mergeArtists`, given ? `${path}.key` : `${path}.name`);
    }
    if (!given && isNameDerivedKey(current.key)) {
      const others = (await this.store.artistsByNameKey(next.name)).filter((a) => a.id !== id);
      const { match } = matchArtist(next, others);
      if (match) throw artistConflict(match, "The change makes this artist the same as another; merge the two with mergeArtists", `${path}.name`);
    }
    const write: Partial<ArtistWrite> = {
      ...(key !== current.key ? { key } : {}),
      ...(input.name !== undefined ? { name: next.name } : {}),
      ...(input.birthYear !== undefined ? { birthYear: input.birthYear } : {}),
      ...(input.deathYear !== undefined ? { deathYear: input.deathYear } : {}),
      ...(input.citedName !== undefined ? { citedName: input.citedName } : {}),
      ...(input.nationality !== undefined ? { nationality: input.nationality } : {}),
      ...(input.partyType !== undefined ? { partyType: input.partyType } : {}),
      ...(input.birthPlace !== undefined ? { birthPlace: input.birthPlace } : {}),
      ...(input.deathPlace !== undefined ? { deathPlace: input.deathPlace } : {}),
    };
    const reembed = key !== current.key || (input.nationality !== undefined && input.nationality !== current.nationality);
    if (!(await this.store.updateArtist(id, write, reembed))) throw new NotFoundError(`No artist with id ${id}.`, "id");
  }

  /**
   * Deletes an artist. While works credit it, that is refused (CONFLICT) unless `reassignTo` names the
   * artist to move the credits to first (as mergeArtists does). Returns how many works moved.
   */
  async deleteArtist(id: string, reassignTo?: string): Promise<number> {
    const [artist] = await this.store.artistsByIds([id]);
    if (!artist) throw new NotFoundError(`No artist with id ${id}.`, "id");
    if (reassignTo !== undefined) {
      if (reassignTo === id) throw new InvalidInputError("reassignTo", "An artist's credits cannot be reassigned to itself; name another artist.");
      if ((await this.store.missingArtistIds([reassignTo])).length) throw new NotFoundError(`No artist with id ${reassignTo} to reassign the credits to.`, "reassignTo");
      return (await this.store.mergeArtists(reassignTo, [id])).length;
    }
    const [credited] = await this.store.creditedWorkCounts([id]);
    if (credited > 0) {
      throw new ConflictError(
        `"${artist.name}" is credited on ${credited} work${credited === 1 ? "" : "s"}; pass reassignTo (another artist's id) to move the credits first, or use mergeArtists.`,
        "id",
      );
    }
    if (!(await this.store.deleteArtist(id))) throw new NotFoundError(`No artist with id ${id}.`, "id");
    return 0;
  }

  /**
   * Merges duplicates into one artist: every credit of `merge` moves to `keep`, the duplicates are
   * deleted, and the works whose credits moved are queued for re-embedding (in one transaction).
   * Returns the ids of those works.
   */
  async mergeArtists(keep: string, merge: readonly string[]): Promise<string[]> {
    if (merge.length === 0) throw new InvalidInputError("merge", "Name at least one artist to merge into `keep`.");
    if (merge.length > MAX_MERGE) throw new InvalidInputError("merge", `At most ${MAX_MERGE} artists can be merged at once; got ${merge.length}.`);
    const seen = new Set<string>();
    merge.forEach((id, i) => {
      if (id === keep) throw new InvalidInputError(`merge.${i}`, "`merge` lists the artist to keep; list only the duplicates.");
      if (seen.has(id)) throw new InvalidInputError(`merge.${i}`, "`merge` lists this artist twice.");
      seen.add(id);
    });
    const missing = new Set(await this.store.missingArtistIds([keep, ...merge]));
    if (missing.has(keep)) throw new NotFoundError(`No artist with id ${keep}.`, "keep");
    const bad = merge.findIndex((id) => missing.has(id));
    if (bad >= 0) throw new NotFoundError(`No artist with id ${merge[bad]}.`, `merge.${bad}`);
    return this.store.mergeArtists(keep, merge);
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
        if (seen.has(id)) throw new InvalidInputError(`${path}.artists.${i}.artistId`, "The same artist is credited twice; give one credit with a combined role.");
        seen.add(id);
      });
      const missing = new Set(await this.store.missingArtistIds(ids));
      const bad = ids.findIndex((id) => missing.has(id));
      if (bad >= 0) {
        throw new NotFoundError(`No artist with id ${ids[bad]}; create the artist first (createArtist) or pick one from \`artists\`.`, `${path}.artists.${bad}.artistId`);
      }
    }
    input.provenance?.forEach((p, i) => {
      if (!p.text?.trim()) throw new InvalidInputError(`${path}.provenance.${i}.text`, "Each provenance entry needs its text as written by the cataloguer.");
      if (p.yearStart != null && p.yearEnd != null && p.yearEnd < p.yearStart) {
        throw new InvalidInputError(`${path}.provenance.${i}.yearEnd`, `The entry ends (${p.yearEnd}) before it starts (${p.yearStart}).`);
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
