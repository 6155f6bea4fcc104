/** Reading artists: `artist`, `artists`, and an artist's works. */
import { InvalidInputError } from "../../domain/errors.ts";
import { ValidateNested } from "class-validator";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { Artist as ArtistModel } from "../../domain/artwork.ts";
import type { ArtworkRow } from "../../ports/catalogue-store.port.ts";
import type { CatalogueService } from "../../services/catalogue.service.ts";
import type { GraphQLContext } from "../context.ts";
import { lookupId, toGlobalId } from "../relay.ts";
import { ArtistFilter } from "../types/artist-filter.input.ts";
import { Artist } from "../types/artist.type.ts";
import { ArtistConnection, ArtworkConnection } from "../types/artwork-connection.type.ts";
import { ArtworkSortField, SortDirection } from "../types/artwork-sort.input.ts";
import { Artwork } from "../types/artwork.type.ts";
import { toConnection, type ConnectionSource } from "../types/connection.ts";
import { PageArgs, connectionComplexity } from "../types/page.args.ts";

@ArgsType()
class ArtistsArgs extends PageArgs {
  @Field(() => ArtistFilter, { nullable: true, description: "Conditions the artists must meet." })
  @ValidateNested()
  filter?: ArtistFilter;
}

@Resolver(() => Artist)
export class ArtistResolver {
  constructor(private readonly catalogue: CatalogueService) {}

  @Query(() => Artist, { nullable: true, description: "One artist by id (or internalID); null when there is none." })
  artist(@Arg("id", () => ID, { description: "The artist's `id` or `internalID`." }) id: string, @Ctx() ctx: GraphQLContext): Promise<ArtistModel | null> {
    const internalId = lookupId(id, "Artist");
    return internalId ? ctx.loaders.artistById.load(internalId) : Promise.resolve(null);
  }

  @Query(() => ArtistConnection, { description: "Artists in the catalogue by name, A to Z ignoring case and accents, a page at a time (at most 100 per page).", complexity: connectionComplexity })
  async artists(@Args() args: ArtistsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionSource<ArtistModel>> {
    const filter = { name: args.filter?.name ?? undefined, nationalities: args.filter?.nationalities ?? undefined };
    const page = await this.catalogue.listArtists(filter, args);
    for (const { node } of page.items) ctx.loaders.artistById.prime(node.id, node);
    return toConnection(ArtistConnection, { page, countAll: () => this.catalogue.countArtists(filter) });
  }

  @FieldResolver(() => ID)
  id(@Root() artist: ArtistModel): string {
    return toGlobalId("Artist", artist.id);
  }

  @FieldResolver(() => String)
  internalID(@Root() artist: ArtistModel): string {
    return artist.id;
  }

  @FieldResolver(() => ArtworkConnection, {
    description: "Works credited to this artist, earliest first (works without a date last), a page at a time (at most 100 per page), with `totalCount`.",
    complexity: connectionComplexity,
  })
  async artworksConnection(@Root() artist: ArtistModel, @Args() page: PageArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionSource<ArtworkRow>> {
    const filter = { artistIds: [artist.id] };
    const listed = await this.catalogue.listArtworks(filter, { field: ArtworkSortField.YEAR, direction: SortDirection.ASC }, page);
    for (const { node } of listed.items) ctx.loaders.artworkById.prime(node.id, node);
    return toConnection(ArtworkConnection, { page: listed, countAll: () => this.catalogue.countArtworks(filter) });
  }

  // kept for existing clients (metaphysics' way): the plain list cannot page past 100 works
  @FieldResolver(() => [Artwork], {
    description: "Works credited to this artist, earliest first; at most 100.",
    deprecationReason: "Use `artworksConnection`: it pages through all the artist's works (first/after) and has `totalCount`.",
    complexity: ({ args, childComplexity }) => 1 + (args.first ?? 10) * Math.max(childComplexity, 1),
  })
  async artworks(
    @Root() artist: ArtistModel,
    @Arg("first", () => Int, { defaultValue: 10, description: "How many works, from 0 to 100. Default 10." }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ArtworkRow[]> {
    if (first < 0 || first > 100) throw new InvalidInputError("first", `\`first\` must be between 0 and 100; got ${first}.`);
    const ids = await ctx.loaders.artworkIdsByArtistId(first).load(artist.id);
    const rows = await ctx.loaders.artworkById.loadMany(ids);
    return rows.filter((r): r is ArtworkRow => r !== null && !(r instanceof Error));
  }
}
