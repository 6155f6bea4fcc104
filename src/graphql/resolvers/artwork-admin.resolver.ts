/**
 * Admin writes: create, update and delete works; create, update, delete and merge artists. Each needs
 * an ADMIN key. Relay's mutation form: one `input` argument (with `clientMutationId`, echoed in the
 * payload); every error names a path under `input` (the services' paths, prefixed here).
 */
import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { ArtworkImageService } from "../../services/artwork-image.service.ts";
import type { CatalogueImportService } from "../../services/catalogue-import.service.ts";
import { ImportArtworksPayload } from "../types/artwork-import.types.ts";
import { InvalidInputError, isDomainError } from "../../domain/errors.ts";
import { MAX_MERGE, type CatalogueService } from "../../services/catalogue.service.ts";
import type { GraphQLContext } from "../context.ts";
import { expectId, toGlobalId } from "../relay.ts";
import type { ArtworkInput } from "../types/artwork.input.ts";
import { ArtworkSortField, SortDirection } from "../types/artwork-sort.input.ts";
import {
  AttachArtworkImageInput,
  CreateArtistInput,
  CreateArtworkInput,
  DeleteArtistInput,
  DeleteArtworkInput,
  ImportArtworksInput,
  MergeArtistsInput,
  UpdateArtistInput,
  UpdateArtworkInput,
} from "../types/mutation.inputs.ts";
import {
  ArtistPayload,
  ArtworkPayload,
  CreateArtistPayload,
  CreateArtworkPayload,
  DeleteArtistPayload,
  DeleteArtworkPayload,
  MergeArtistsPayload,
} from "../types/payloads.type.ts";

/** Rows one importArtworks call may carry. */
export const MAX_IMPORT_ROWS = 1000;

/** A row parser's field path ("artists[0].name") as a path of the request ("input.rows.3.artists.0.name"). */
function rowField(index: number, field: string | null): string {
  if (field === null || field === "row") return `input.rows.${index}`;
  return `input.rows.${index}.${field.replace(/\[(\d+)\]/g, ".$1")}`;
}

/** Runs a mutation's work with every domain error's path moved under `input` (the argument the client wrote). */
async function underInput<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw isDomainError(e) && e.field ? e.atField(`input.${e.field}`) : e;
  }
}

function decodeCredits(input: ArtworkInput): ArtworkInput {
  return input.artists
    ? { ...input, artists: input.artists.map((a, i) => ({ ...a, artistId: expectId(a.artistId, "Artist", `artwork.artists.${i}.artistId`) })) }
    : input;
}

const echo = (input: { clientMutationId?: string | null }) => ({ clientMutationId: input.clientMutationId ?? null });

@Resolver()
export class ArtworkAdminResolver {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly images: ArtworkImageService,
    private readonly importer: CatalogueImportService,
  ) {}

  @Authorized("ADMIN")
  @Mutation(() => ImportArtworksPayload, {
    description: `Imports up to ${MAX_IMPORT_ROWS} works at once, matched by source and sourceId, like \`vitrine import\`: bad rows are returned as rejected (with their reason) while the others go in; rows equal to their last import are left alone. Needs an admin key.`,
  })
  importArtworks(@Arg("input", () => ImportArtworksInput, { description: "The rows to import." }) input: ImportArtworksInput): Promise<ImportArtworksPayload> {
    return underInput(async () => {
      const rows = input.rows;
      if (rows.length === 0 || rows.length > MAX_IMPORT_ROWS) throw new InvalidInputError("rows", `Give 1 to ${MAX_IMPORT_ROWS} rows; got ${rows.length}. Split a larger import into calls, or use \`vitrine import\`.`);
      const summary = await this.importer.importValues(rows, { defaultSource: "vitrine", collectResults: true });
      const byOutcome = (outcome: string) => (summary.results ?? []).filter((r) => r.outcome === outcome).map((r) => ({ index: r.line - 1, id: toGlobalId("Artwork", r.id) }));
      return {
        ...echo(input),
        created: byOutcome("CREATED"),
        updated: byOutcome("UPDATED"),
        unchanged: byOutcome("UNCHANGED"),
        rejected: summary.rejected.map((p) => ({ index: p.line - 1, code: p.code, field: rowField(p.line - 1, p.field), message: p.message.replace(/ of this file\.$/, " of this call.") })),
      };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => CreateArtworkPayload, {
    description: "Adds a work to the catalogue and queues it for similarity search; answers it also as an edge of `artworks` to append. Needs an admin key.",
  })
  createArtwork(@Arg("input", () => CreateArtworkInput, { description: "The new work." }) input: CreateArtworkInput, @Ctx() ctx: GraphQLContext): Promise<CreateArtworkPayload> {
    return underInput(async () => {
      const id = await this.catalogue.createArtwork(decodeCredits(input.artwork));
      // the work's cursor in `artworks` in its default order (title, A to Z)
      const listed = await this.catalogue.listArtworks({ ids: [id] }, { field: ArtworkSortField.TITLE, direction: SortDirection.ASC }, { first: 1 });
      const row = listed.items[0];
      const artwork = (await ctx.loaders.artworkById.load(id)) as never;
      return { ...echo(input), artwork, artworkEdge: row && artwork ? { cursor: row.cursor, node: artwork } : null };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtworkPayload, { description: "Changes fields of a work; fields left out keep their value. Needs an admin key." })
  updateArtwork(@Arg("input", () => UpdateArtworkInput, { description: "The work and the fields to change." }) input: UpdateArtworkInput, @Ctx() ctx: GraphQLContext): Promise<ArtworkPayload> {
    return underInput(async () => {
      const internalId = expectId(input.id, "Artwork", "id");
      await this.catalogue.updateArtwork(internalId, decodeCredits(input.artwork));
      ctx.loaders.artworkById.clear(internalId);
      return { ...echo(input), artwork: (await ctx.loaders.artworkById.load(internalId)) as never };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtworkPayload, {
    description: "Sets or replaces a work's image (checked, stored by hash, its palette computed) and queues the work for re-embedding. Needs an admin key.",
  })
  attachArtworkImage(
    @Arg("input", () => AttachArtworkImageInput, { description: "The work and its image." }) input: AttachArtworkImageInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtworkPayload> {
    return underInput(async () => {
      const internalId = expectId(input.id, "Artwork", "id");
      await this.images.attach(internalId, input.image, "image");
      ctx.loaders.artworkById.clear(internalId);
      return { ...echo(input), artwork: (await ctx.loaders.artworkById.load(internalId)) as never };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => DeleteArtworkPayload, { description: "Removes a work from the catalogue and from similarity results. Needs an admin key." })
  deleteArtwork(@Arg("input", () => DeleteArtworkInput, { description: "The work to delete." }) input: DeleteArtworkInput): Promise<DeleteArtworkPayload> {
    return underInput(async () => {
      const internalId = expectId(input.id, "Artwork", "id");
      await this.catalogue.deleteArtwork(internalId);
      return { ...echo(input), deletedId: toGlobalId("Artwork", internalId) };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => CreateArtistPayload, {
    description:
      "Adds an artist, to credit on works; answers it also as an edge of `artists` to append. An artist with the same name (ignoring case, accents and punctuation) and agreeing life dates already exists: CONFLICT, with the existing artist in `extensions.existing`. Needs an admin key.",
  })
  createArtist(@Arg("input", () => CreateArtistInput, { description: "The new artist." }) input: CreateArtistInput, @Ctx() ctx: GraphQLContext): Promise<CreateArtistPayload> {
    return underInput(async () => {
      const id = await this.catalogue.createArtist(input.artist);
      const artist = await ctx.loaders.artistById.load(id);
      // the artist's cursor in `artists` (name order): among those named like it
      const listed = artist ? await this.catalogue.listArtists({ name: artist.name }, { first: 100 }) : null;
      const row = listed?.items.find((i) => i.node.id === id);
      return { ...echo(input), artist: artist as never, artistEdge: row && artist ? { cursor: row.cursor, node: artist as never } : null };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtistPayload, {
    description:
      "Changes fields of an artist; fields left out keep their value. Works crediting it are re-embedded when its key or nationality changes. A change that makes it another existing artist: CONFLICT (merge them instead). Needs an admin key.",
  })
  updateArtist(@Arg("input", () => UpdateArtistInput, { description: "The artist and the fields to change." }) input: UpdateArtistInput, @Ctx() ctx: GraphQLContext): Promise<ArtistPayload> {
    return underInput(async () => {
      const internalId = expectId(input.id, "Artist", "id");
      await this.catalogue.updateArtist(internalId, input.artist);
      ctx.loaders.artistById.clear(internalId);
      return { ...echo(input), artist: (await ctx.loaders.artistById.load(internalId)) as never };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => DeleteArtistPayload, {
    description: "Removes an artist. Refused (CONFLICT) while works credit it, unless `reassignTo` names the artist to move those credits to first. Needs an admin key.",
  })
  deleteArtist(@Arg("input", () => DeleteArtistInput, { description: "The artist to delete and where its credits go." }) input: DeleteArtistInput, @Ctx() ctx: GraphQLContext): Promise<DeleteArtistPayload> {
    return underInput(async () => {
      const internalId = expectId(input.id, "Artist", "id");
      const target = input.reassignTo != null ? expectId(input.reassignTo, "Artist", "reassignTo") : undefined;
      const moved = await this.catalogue.deleteArtist(internalId, target);
      ctx.loaders.artistById.clear(internalId);
      return {
        ...echo(input),
        deletedId: toGlobalId("Artist", internalId),
        reassignedTo: target ? ((await ctx.loaders.artistById.load(target)) as never) : null,
        reassignedArtworkCount: moved,
      };
    });
  }

  @Authorized("ADMIN")
  @Mutation(() => MergeArtistsPayload, {
    description:
      "Merges duplicate artists into one: their credits move to `keep`, the duplicates are deleted, and the works whose credits moved are queued for re-embedding, all in one transaction. Needs an admin key.",
  })
  mergeArtists(@Arg("input", () => MergeArtistsInput, { description: "The artist that stays and its duplicates." }) input: MergeArtistsInput, @Ctx() ctx: GraphQLContext): Promise<MergeArtistsPayload> {
    return underInput(async () => {
      const keepId = expectId(input.keep, "Artist", "keep");
      if (input.merge.length > MAX_MERGE) throw new InvalidInputError("merge", `At most ${MAX_MERGE} artists can be merged at once; got ${input.merge.length}.`);
      const mergeIds = input.merge.map((m, i) => expectId(m, "Artist", `merge.${i}`));
      const moved = await this.catalogue.mergeArtists(keepId, mergeIds);
      ctx.loaders.artistById.clear(keepId);
      return {
        ...echo(input),
        artist: (await ctx.loaders.artistById.load(keepId)) as never,
        mergedIds: mergeIds.map((m) => toGlobalId("Artist", m)),
        movedArtworkCount: moved.length,
      };
    });
  }
}
