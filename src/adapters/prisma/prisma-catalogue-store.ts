/** CatalogueStore on Prisma: the same code for the embedded store and PostgreSQL. */
import { randomUUID } from "node:crypto";
import type { Artist, ArtistCredit, Artwork, ArtworkImage, PaletteColour, ProvenanceEvent } from "../../domain/artwork.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type {
  ArtistFilter,
  ArtistWrite,
  ArtworkFilter,
  ArtworkRow,
  ArtworkSort,
  ArtworkWrite,
  CatalogueStore,
  EmbeddingReason,
  ImportBatchResult,
  ImportRecord,
  MediumCategoryCount,
  Page,
  PageRequest,
} from "../../ports/catalogue-store.port.ts";
import { decodeCursor, encodeCursor, orderFor, seekCondition, type KeysetColumn } from "./keyset-cursor.ts";
import { ConflictError } from "../../domain/errors.ts";
import { violatesUnique } from "./unique-violation.ts";

type ArtworkModel = Prisma.ArtworkGetPayload<object>;
type ArtistModel = Prisma.ArtistGetPayload<object>;

const identity = (v: unknown) => v as string | number | null;
const COLUMNS: Record<ArtworkSort["field"], KeysetColumn> = {
  TITLE: { field: "title", nullable: false, toCursor: identity, fromCursor: (v) => v },
  YEAR: { field: "yearStart", nullable: true, toCursor: identity, fromCursor: (v) => v },
  CREATED_AT: {
    field: "createdAt",
    nullable: false,
    toCursor: (v) => (v as Date).toISOString(),
    fromCursor: (v) => new Date(String(v)),
  },
};
const ARTIST_NAME: KeysetColumn = { field: "name", nullable: false, toCursor: identity, fromCursor: (v) => v };

/** "#rrggbb:0.42" → { hex, weight } */
export function parsePalette(stored: readonly string[]): PaletteColour[] {
  return stored.map((s) => {
    const [hex, weight] = s.split(":");
    return { hex, weight: Number(weight) };
  });
}

export function formatPalette(palette: readonly PaletteColour[]): string[] {
  return palette.map((c) => `${c.hex}:${c.weight.toFixed(4)}`);
}

function toRow(m: ArtworkModel): ArtworkRow {
  const { dimensionsText, palette, ...rest } = m;
  return { ...rest, dimensionsText, palette: parsePalette(palette) };
}

function toArtist(m: ArtistModel): Artist {
  const { createdAt: _c, updatedAt: _u, ...rest } = m;
  return rest;
}

function toProvenance(m: Prisma.ProvenanceEventGetPayload<object>): ProvenanceEvent {
  const { id: _id, artworkId: _a, ...rest } = m;
  return rest;
}

function toImage(m: Prisma.ImageGetPayload<object>): ArtworkImage {
  return {
    sha256: m.sha256,
    sizeBytes: m.sizeBytes,
    mime: m.mime,
    width: m.width,
    height: m.height,
    storageKey: m.storageKey,
    sourceUrl: m.sourceUrl,
  };
}

function groupBy<T>(ids: readonly string[], rows: readonly T[], key: (r: T) => string): T[][] {
  const map = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) map.get(key(r))?.push(r);
  return ids.map((id) => map.get(id) ?? []);
}

function artworkWhere(f: ArtworkFilter): Prisma.ArtworkWhereInput {
  const and: Prisma.ArtworkWhereInput[] = [];
  for (const word of (f.text ?? "").split(/\s+/).filter(Boolean)) {
    and.push({
      OR: [
        { title: { contains: word, mode: "insensitive" } },
        { artists: { some: { artist: { name: { contains: word, mode: "insensitive" } } } } },
      ],
    });
  }
  if (f.ids) and.push({ id: { in: [...f.ids] } });
  if (f.artistIds) and.push({ artists: { some: { artistId: { in: [...f.artistIds] } } } });
  if (f.mediumCategories) and.push({ mediumCategory: { in: [...f.mediumCategories] } });
  if (f.departments) and.push({ department: { in: [...f.departments] } });
  // overlap of [yearStart, yearEnd] with [yearFrom, yearTo]; a missing bound on the work counts as the other one
  if (f.yearFrom !== undefined) and.push({ OR: [{ yearEnd: { gte: f.yearFrom } }, { yearEnd: null, yearStart: { gte: f.yearFrom } }] });
  if (f.yearTo !== undefined) and.push({ OR: [{ yearStart: { lte: f.yearTo } }, { yearStart: null, yearEnd: { lte: f.yearTo } }] });
  if (f.hasImage === true) and.push({ image: { isNot: null } });
  if (f.hasImage === false) and.push({ image: { is: null } });
  if (f.provenanceOwner) and.push({ provenance: { some: { owner: { contains: f.provenanceOwner, mode: "insensitive" } } } });
  return and.length ? { AND: and } : {};
}

function artistWhere(f: ArtistFilter): Prisma.ArtistWhereInput {
  return {
    ...(f.name ? { name: { contains: f.name, mode: "insensitive" as const } } : {}),
    ...(f.nationalities ? { nationality: { in: [...f.nationalities] } } : {}),
  };
}

interface KeysetQuery<M> {
  findMany(args: { where: object; orderBy: object[]; take: number }): Promise<M[]>;
}

/** One keyset page over any model: fetches one extra row to know whether more exist. */
async function keysetPage<M extends { id: string }>(
  model: KeysetQuery<M>,
  where: object,
  col: KeysetColumn,
  asc: boolean,
  page: PageRequest,
): Promise<Page<M>> {
  const backwards = page.last !== undefined && page.first === undefined;
  const size = (backwards ? page.last : page.first) ?? 20;
  const conditions: object[] = [where];
  if (page.after) conditions.push(seekCondition(col, asc, decodeCursor(page.after, "after"), false));
  if (page.before) conditions.push(seekCondition(col, asc, decodeCursor(page.before, "before"), true));
  const rows = await model.findMany({ where: { AND: conditions }, orderBy: orderFor(col, asc, backwards), take: size + 1 });
  const more = rows.length > size;
  const slice = rows.slice(0, size);
  if (backwards) slice.reverse();
  const cursorOf = (m: M) => encodeCursor(col.toCursor((m as Record<string, unknown>)[col.field]), m.id);
  return {
    items: slice.map((node) => ({ node, cursor: cursorOf(node) })),
    hasNextPage: backwards ? Boolean(page.before) : more,
    hasPreviousPage: backwards ? more : Boolean(page.after),
  };
}

export class PrismaCatalogueStore implements CatalogueStore {
  constructor(private readonly prisma: PrismaClient) {}

  async artworksByIds(ids: readonly string[]): Promise<(ArtworkRow | null)[]> {
    const rows = await this.prisma.artwork.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, toRow(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async creditsByArtworkIds(ids: readonly string[]): Promise<ArtistCredit[][]> {
    const rows = await this.prisma.artworkArtist.findMany({
      where: { artworkId: { in: [...ids] } },
      include: { artist: true },
      orderBy: { position: "asc" },
    });
    return groupBy(ids, rows, (r) => r.artworkId).map((list) =>
      list.map((r) => ({ artist: toArtist(r.artist), role: r.role, position: r.position })),
    );
  }

  async provenanceByArtworkIds(ids: readonly string[]): Promise<ProvenanceEvent[][]> {
    const rows = await this.prisma.provenanceEvent.findMany({ where: { artworkId: { in: [...ids] } }, orderBy: { position: "asc" } });
    return groupBy(ids, rows, (r) => r.artworkId).map((list) => list.map(toProvenance));
  }

  async imagesByArtworkIds(ids: readonly string[]): Promise<(ArtworkImage | null)[]> {
    const rows = await this.prisma.image.findMany({ where: { artworkId: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.artworkId, toImage(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async artistsByIds(ids: readonly string[]): Promise<(Artist | null)[]> {
    const rows = await this.prisma.artist.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, toArtist(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async loadArtworks(ids: readonly string[]): Promise<Artwork[]> {
    const rows = await this.prisma.artwork.findMany({
      where: { id: { in: [...ids] } },
      include: { artists: { include: { artist: true }, orderBy: { position: "asc" } }, provenance: { orderBy: { position: "asc" } }, image: true },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const { artists, provenance, image, ...base } = r;
      return [
        {
          ...toRow(base),
          artists: artists.map((a) => ({ artist: toArtist(a.artist), role: a.role, position: a.position })),
          provenance: provenance.map(toProvenance),
          image: image ? toImage(image) : null,
        },
      ];
    });
  }

  async listArtworks(filter: ArtworkFilter, sort: ArtworkSort, page: PageRequest): Promise<Page<ArtworkRow>> {
    const result = await keysetPage(this.prisma.artwork as never as KeysetQuery<ArtworkModel>, artworkWhere(filter), COLUMNS[sort.field], sort.direction === "ASC", page);
    return { ...result, items: result.items.map((e) => ({ cursor: e.cursor, node: toRow(e.node) })) };
  }

  countArtworks(filter: ArtworkFilter): Promise<number> {
    return this.prisma.artwork.count({ where: artworkWhere(filter) });
  }

  async artworkIdsMatching(filter: ArtworkFilter, limit: number): Promise<string[]> {
    const rows = await this.prisma.artwork.findMany({ where: artworkWhere(filter), select: { id: true }, take: limit });
    return rows.map((r) => r.id);
  }

  async artworkIdsAfter(afterId: string | null, limit: number): Promise<string[]> {
    const rows = await this.prisma.artwork.findMany({ where: afterId ? { id: { gt: afterId } } : {}, select: { id: true }, orderBy: { id: "asc" }, take: limit });
    return rows.map((r) => r.id);
  }

  async listArtists(filter: ArtistFilter, page: PageRequest): Promise<Page<Artist>> {
    const result = await keysetPage(this.prisma.artist as never as KeysetQuery<ArtistModel>, artistWhere(filter), ARTIST_NAME, true, page);
    return { ...result, items: result.items.map((e) => ({ cursor: e.cursor, node: toArtist(e.node) })) };
  }

  countArtists(filter: ArtistFilter): Promise<number> {
    return this.prisma.artist.count({ where: artistWhere(filter) });
  }

  async artworkIdsByArtistIds(artistIds: readonly string[], limit: number): Promise<string[][]> {
    const rows = await this.prisma.artworkArtist.findMany({
      where: { artistId: { in: [...artistIds] } },
      select: { artistId: true, artworkId: true },
      orderBy: [{ artwork: { yearStart: { sort: "asc", nulls: "last" } } }, { artworkId: "asc" }],
    });
    return groupBy(artistIds, rows, (r) => r.artistId).map((list) => list.slice(0, limit).map((r) => r.artworkId));
  }

  async mediumCategories(): Promise<MediumCategoryCount[]> {
    const groups = await this.prisma.artwork.groupBy({ by: ["mediumCategory"], _count: { _all: true }, where: { mediumCategory: { not: null } } });
    return groups
      .map((g) => ({ name: g.mediumCategory as string, count: g._count._all }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  /**
   * Creates the work and queues its embedding. A work with the same source and sourceId (created
   * meanwhile too: the unique constraint decides) is a ConflictError at "sourceId".
   */
  async createArtwork(write: ArtworkWrite & { source: string; sourceId: string }): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.artwork.create({
        data: {
          ...(write.fields as Prisma.ArtworkCreateWithoutArtistsInput),
          title: write.fields.title ?? "",
          source: write.source,
          sourceId: write.sourceId,
          artists: { create: (write.artists ?? []).map((a, position) => ({ artistId: a.artistId, role: a.role, position })) },
          provenance: { create: (write.provenance ?? []).map((p, position) => ({ ...p, position })) },
        },
        select: { id: true },
      });
      await tx.embeddingJob.create({ data: { artworkId: created.id, reason: "CREATED" } });
      return created.id;
    }).catch((e: unknown) => {
      throw sourceConflict(e, write.source, write.sourceId, "sourceId");
    });
  }

  /** Updates the work; a source/sourceId change into one another work has is a ConflictError at the field changed ("sourceId", else "source"). */
  async updateArtwork(id: string, write: ArtworkWrite, reembed: EmbeddingReason | null): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const exists = await tx.artwork.findUnique({ where: { id }, select: { id: true } });
      if (!exists) return false;
      await tx.artwork.update({
        where: { id },
        data: {
          ...(write.fields as Prisma.ArtworkUpdateInput),
          ...(write.source !== undefined ? { source: write.source } : {}),
          ...(write.sourceId !== undefined ? { sourceId: write.sourceId } : {}),
          updatedAt: new Date(),
        },
      });
      if (write.artists) {
        await tx.artworkArtist.deleteMany({ where: { artworkId: id } });
        await tx.artworkArtist.createMany({ data: write.artists.map((a, position) => ({ artworkId: id, artistId: a.artistId, role: a.role, position })) });
      }
      if (write.provenance) {
        await tx.provenanceEvent.deleteMany({ where: { artworkId: id } });
        await tx.provenanceEvent.createMany({ data: write.provenance.map((p, position) => ({ ...p, artworkId: id, position })) });
      }
      if (reembed) await tx.embeddingJob.create({ data: { artworkId: id, reason: reembed } });
      return true;
    }).catch((e: unknown) => {
      throw sourceConflict(e, write.source, write.sourceId, write.sourceId !== undefined ? "sourceId" : "source");
    });
  }

  async deleteArtwork(id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.artwork.deleteMany({ where: { id } });
      if (count === 0) return false;
      await tx.embeddingJob.create({ data: { artworkId: id, reason: "DELETED" } });
      return true;
    });
  }

  async findArtworkIdBySource(source: string, sourceId: string): Promise<string | null> {
    const row = await this.prisma.artwork.findUnique({ where: { source_sourceId: { source, sourceId } }, select: { id: true } });
    return row?.id ?? null;
  }

  async createArtist(write: ArtistWrite): Promise<string> {
    const row = await this.prisma.artist.create({ data: { ...write }, select: { id: true } });
    return row.id;
  }

  async importArtworks(records: readonly ImportRecord[]): Promise<ImportBatchResult> {
    return this.prisma.$transaction(
      async (tx) => {
        const artists = new Map(records.flatMap((r) => r.artists.map((a) => [a.artist.key, a.artist] as const)));
        await tx.artist.createMany({ data: [...artists.values()], skipDuplicates: true });
        const artistIds = new Map(
          (await tx.artist.findMany({ where: { key: { in: [...artists.keys()] } }, select: { id: true, key: true } })).map((a) => [a.key, a.id]),
        );
        const existing = await tx.artwork.findMany({
          where: { OR: records.map((r) => ({ source: r.source, sourceId: r.sourceId })) },
          select: { id: true, source: true, sourceId: true },
        });
        const existingIds = new Map(existing.map((e) => [`${e.source}\u0000${e.sourceId}`, e.id]));
        const ids = records.map((r) => existingIds.get(`${r.source}\u0000${r.sourceId}`) ?? randomUUID());
        const fresh = records.flatMap((r, i) => (existingIds.has(`${r.source}\u0000${r.sourceId}`) ? [] : [{ ...r.fields, id: ids[i], source: r.source, sourceId: r.sourceId, imageUrls: [...r.fields.imageUrls] }]));
        if (fresh.length) await tx.artwork.createMany({ data: fresh });
        const replaced = existing.map((e) => e.id);
        for (const [i, r] of records.entries()) {
          if (existingIds.has(`${r.source}\u0000${r.sourceId}`)) {
            await tx.artwork.update({ where: { id: ids[i] }, data: { ...r.fields, imageUrls: [...r.fields.imageUrls], updatedAt: new Date() } });
          }
        }
        if (replaced.length) {
          await tx.artworkArtist.deleteMany({ where: { artworkId: { in: replaced } } });
          await tx.provenanceEvent.deleteMany({ where: { artworkId: { in: replaced } } });
        }
        await tx.artworkArtist.createMany({
          data: records.flatMap((r, i) =>
            // the same artist credited twice on one row keeps its first credit
            r.artists
              .filter((a, j) => r.artists.findIndex((b) => b.artist.key === a.artist.key) === j)
              .map((a, position) => ({ artworkId: ids[i], artistId: artistIds.get(a.artist.key) as string, role: a.role, position })),
          ),
        });
        await tx.provenanceEvent.createMany({ data: records.flatMap((r, i) => r.provenance.map((p, position) => ({ ...p, artworkId: ids[i], position }))) });
        await tx.embeddingJob.createMany({ data: ids.map((artworkId) => ({ artworkId, reason: "IMPORTED" })) });
        return { created: fresh.length, updated: replaced.length };
      },
      { timeout: 60_000 },
    );
  }

  async setArtworkImage(id: string, image: ArtworkImage, palette: readonly PaletteColour[]): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.artwork.updateMany({ where: { id }, data: { palette: formatPalette(palette), updatedAt: new Date() } });
      if (count === 0) return false;
      await tx.image.upsert({ where: { artworkId: id }, create: { ...image, artworkId: id }, update: { ...image } });
      await tx.embeddingJob.create({ data: { artworkId: id, reason: "IMAGE_CHANGED" } });
      return true;
    });
  }

  async missingArtistIds(ids: readonly string[]): Promise<string[]> {
    const found = await this.prisma.artist.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
    const have = new Set(found.map((f) => f.id));
    return ids.filter((id) => !have.has(id));
  }
}

/** A unique violation of (source, sourceId) as the ConflictError a client can act on; any other error as it is. */
function sourceConflict(error: unknown, source: string | undefined, sourceId: string | undefined, field: "source" | "sourceId"): unknown {
  if (!violatesUnique(error, "Artwork", ["source", "sourceId"])) return error;
  const which = source !== undefined && sourceId !== undefined ? `source "${source}" and sourceId "${sourceId}"` : source !== undefined ? `source "${source}" and its sourceId` : `its source and sourceId "${sourceId}"`;
  return new ConflictError(`Another work already has ${which}; pick another ${field} or update that work instead.`, field);
}
