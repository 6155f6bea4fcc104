/** Admin writes: create, update and delete works; create, update, delete and merge artists. Each needs an ADMIN key. */
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { ArtworkImageService } from "../../services/artwork-image.service.ts";
import type { CatalogueImportService } from "../../services/catalogue-import.service.ts";
import { InvalidInputError } from "../../domain/errors.ts";
import { MAX_MERGE, type CatalogueService } from "../../services/catalogue.service.ts";
import type { GraphQLContext } from "../context.ts";
import { expectId, toGlobalId } from "../relay.ts";
import { ArtistInput, ArtworkInput } from "../types/artwork.input.ts";
import { ArtistPayload, ArtworkPayload, DeleteArtistPayload, DeleteArtworkPayload, MergeArtistsPayload } from "../types/payloads.type.ts";
import { ImageInput } from "../types/similarity.types.ts";
import { ArtworkImportRowInput, ImportArtworksPayload } from "../types/artwork-import.types.ts";

/** Rows one importArtworks call may carry. */
export const MAX_IMPORT_ROWS = 1000;

/** A row parser's field path ("artists[0].name") as an input path under `rows` ("rows.3.artists.0.name"). */
function rowField(index: number, field: string | null): string | null {
  if (field === null || field === "row") return `rows.${index}`;
  return `rows.${index}.${field.replace(/\[(\d+)\]/g, ".$1")}`;
}

function decodeCredits(input: ArtworkInput): ArtworkInput {
  return input.artists
    ? { ...input, artists: input.artists.map((a, i) => ({ ...a, artistId: expectId(a.artistId, "Artist", `artwork.artists.${i}.artistId`) })) }
    : input;
}

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
  async importArtworks(
    @Arg("rows", () => [ArtworkImportRowInput], { description: `The works, 1 to ${MAX_IMPORT_ROWS} rows; a sourceId twice in one call is rejected the second time.` }) rows: ArtworkImportRowInput[],
  ): Promise<ImportArtworksPayload> {
    if (rows.length === 0 || rows.length > MAX_IMPORT_ROWS) throw new InvalidInputError("rows", `Give 1 to ${MAX_IMPORT_ROWS} rows; got ${rows.length}. Split a larger import into calls, or use \`vitrine import\`.`);
    const summary = await this.importer.importValues(rows, { defaultSource: "vitrine", collectResults: true });
    const byOutcome = (outcome: string) => (summary.results ?? []).filter((r) => r.outcome === outcome).map((r) => ({ index: r.line - 1, id: toGlobalId("Artwork", r.id) }));
    return {
      created: byOutcome("CREATED"),
      updated: byOutcome("UPDATED"),
      unchanged: byOutcome("UNCHANGED"),
      rejected: summary.rejected.map((p) => ({ index: p.line - 1, code: p.code, field: rowField(p.line - 1, p.field), message: p.message.replace(/ of this file\.$/, " of this call.") })),
    };
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtworkPayload, { description: "Adds a work to the catalogue and queues it for similarity search. Needs an admin key." })
  async createArtwork(
    @Arg("artwork", () => ArtworkInput, { description: "The new work; `title` is required." }) artwork: ArtworkInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtworkPayload> {
    const id = await this.catalogue.createArtwork(decodeCredits(artwork));
    return { artwork: (await ctx.loaders.artworkById.load(id)) as never };
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtworkPayload, { description: "Changes fields of a work; fields left out keep their value. Needs an admin key." })
  async updateArtwork(
    @Arg("id", () => ID, { description: "The work to change." }) id: string,
    @Arg("artwork", () => ArtworkInput, { description: "The fields to change." }) artwork: ArtworkInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtworkPayload> {
    const internalId = expectId(id, "Artwork", "id");
    await this.catalogue.updateArtwork(internalId, decodeCredits(artwork));
    ctx.loaders.artworkById.clear(internalId);
    return { artwork: (await ctx.loaders.artworkById.load(internalId)) as never };
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtworkPayload, {
    description: "Sets or replaces a work's image (checked, stored by hash, its palette computed) and queues the work for re-embedding. Needs an admin key.",
  })
  async attachArtworkImage(
    @Arg("id", () => ID, { description: "The work." }) id: string,
    @Arg("image", () => ImageInput, { description: "The image, by URL or base64." }) image: ImageInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtworkPayload> {
    const internalId = expectId(id, "Artwork", "id");
    await this.images.attach(internalId, image, "image");
    ctx.loaders.artworkById.clear(internalId);
    return { artwork: (await ctx.loaders.artworkById.load(internalId)) as never };
  }

  @Authorized("ADMIN")
  @Mutation(() => DeleteArtworkPayload, { description: "Removes a work from the catalogue and from similarity results. Needs an admin key." })
  async deleteArtwork(@Arg("id", () => ID, { description: "The work to delete." }) id: string): Promise<DeleteArtworkPayload> {
    const internalId = expectId(id, "Artwork", "id");
    await this.catalogue.deleteArtwork(internalId);
    return { deletedId: toGlobalId("Artwork", internalId) };
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtistPayload, {
    description:
      "Adds an artist, to credit on works. An artist with the same name (ignoring case, accents and punctuation) and agreeing life dates already exists: CONFLICT, with the existing artist in `extensions.existing`. Needs an admin key.",
  })
  async createArtist(
    @Arg("artist", () => ArtistInput, { description: "The new artist; `name` is required." }) artist: ArtistInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtistPayload> {
    const id = await this.catalogue.createArtist(artist);
    return { artist: (await ctx.loaders.artistById.load(id)) as never };
  }

  @Authorized("ADMIN")
  @Mutation(() => ArtistPayload, {
    description:
      "Changes fields of an artist; fields left out keep their value. Works crediting it are re-embedded when its key or nationality changes. A change that makes it another existing artist: CONFLICT (merge them instead). Needs an admin key.",
  })
  async updateArtist(
    @Arg("id", () => ID, { description: "The artist to change." }) id: string,
    @Arg("artist", () => ArtistInput, { description: "The fields to change." }) artist: ArtistInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtistPayload> {
    const internalId = expectId(id, "Artist", "id");
    await this.catalogue.updateArtist(internalId, artist);
    ctx.loaders.artistById.clear(internalId);
    return { artist: (await ctx.loaders.artistById.load(internalId)) as never };
  }

  @Authorized("ADMIN")
  @Mutation(() => DeleteArtistPayload, {
    description: "Removes an artist. Refused (CONFLICT) while works credit it, unless `reassignTo` names the artist to move those credits to first. Needs an admin key.",
  })
  async deleteArtist(
    @Arg("id", () => ID, { description: "The artist to delete." }) id: string,
    @Arg("reassignTo", () => ID, { nullable: true, description: "Another artist to credit instead on this artist's works (they are re-embedded). Default: none." })
    reassignTo: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeleteArtistPayload> {
    const internalId = expectId(id, "Artist", "id");
    const target = reassignTo != null ? expectId(reassignTo, "Artist", "reassignTo") : undefined;
    const moved = await this.catalogue.deleteArtist(internalId, target);
    ctx.loaders.artistById.clear(internalId);
    return {
      deletedId: toGlobalId("Artist", internalId),
      reassignedTo: target ? ((await ctx.loaders.artistById.load(target)) as never) : null,
      reassignedArtworkCount: moved,
    };
  }

  @Authorized("ADMIN")
  @Mutation(() => MergeArtistsPayload, {
    description:
      "Merges duplicate artists into one: their credits move to `keep`, the duplicates are deleted, and the works whose credits moved are queued for re-embedding, all in one transaction. Needs an admin key.",
  })
  async mergeArtists(
    @Arg("keep", () => ID, { description: "The artist that stays." }) keep: string,
    @Arg("merge", () => [ID], { description: `The duplicates to fold into \`keep\`; 1 to ${MAX_MERGE} ids, not \`keep\` itself.` }) merge: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<MergeArtistsPayload> {
    const keepId = expectId(keep, "Artist", "keep");
    if (merge.length > MAX_MERGE) throw new InvalidInputError("merge", `At most ${MAX_MERGE} artists can be merged at once; got ${merge.length}.`);
    const mergeIds = merge.map((m, i) => expectId(m, "Artist", `merge.${i}`));
    const moved = await this.catalogue.mergeArtists(keepId, mergeIds);
    ctx.loaders.artistById.clear(keepId);
    return { artist: (await ctx.loaders.artistById.load(keepId)) as never, mergedIds: mergeIds.map((m) => toGlobalId("Artist", m)), movedArtworkCount: moved.length };
  }
}
