/** Admin writes: create, update and delete works; create artists. Each needs an ADMIN key. */
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { ArtworkImageService } from "../../services/artwork-image.service.ts";
import type { CatalogueService } from "../../services/catalogue.service.ts";
import type { GraphQLContext } from "../context.ts";
import { expectId, toGlobalId } from "../relay.ts";
import { ArtistInput, ArtworkInput } from "../types/artwork.input.ts";
import { ArtistPayload, ArtworkPayload, DeleteArtworkPayload } from "../types/payloads.type.ts";
import { ImageInput } from "../types/similarity.types.ts";

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
  ) {}

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
  @Mutation(() => ArtistPayload, { description: "Adds an artist, to credit on works. Needs an admin key." })
  async createArtist(
    @Arg("artist", () => ArtistInput, { description: "The new artist; `name` is required." }) artist: ArtistInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtistPayload> {
    const id = await this.catalogue.createArtist(artist);
    return { artist: (await ctx.loaders.artistById.load(id)) as never };
  }
}
