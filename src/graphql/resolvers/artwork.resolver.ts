/** Reading works: `artwork`, `artworks`, and the fields that load related rows. */
import { ValidateNested } from "class-validator";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { ArtistCredit as ArtistCreditModel, ProvenanceEvent as ProvenanceModel } from "../../domain/artwork.ts";
import type { ArtworkRow } from "../../ports/catalogue-store.port.ts";
import type { CatalogueService } from "../../services/catalogue.service.ts";
import type { GraphQLContext } from "../context.ts";
import { lookupId, toGlobalId } from "../relay.ts";
import { ArtistCredit } from "../types/artist-credit.type.ts";
import { ArtworkConnection } from "../types/artwork-connection.type.ts";
import { ArtworkFilter } from "../types/artwork-filter.input.ts";
import { ArtworkImage } from "../types/artwork-image.type.ts";
import { ArtworkSort, ArtworkSortField, SortDirection } from "../types/artwork-sort.input.ts";
import { Artwork } from "../types/artwork.type.ts";
import { Dimensions } from "../types/dimensions.type.ts";
import { toConnection, type ConnectionSource } from "../types/connection.ts";
import { MediumCategoryCount } from "../types/medium-category-count.type.ts";
import type { MediumCategory } from "../types/medium-category.enum.ts";
import { PageArgs, connectionComplexity } from "../types/page.args.ts";
import { PaletteColour } from "../types/palette-colour.type.ts";
import { ProvenanceEvent } from "../types/provenance-event.type.ts";
import { toArtworkFilter } from "./filter.mapper.ts";

@ArgsType()
class ArtworksArgs extends PageArgs {
  @Field(() => ArtworkFilter, { nullable: true, description: "Conditions the works must meet." })
  @ValidateNested()
  filter?: ArtworkFilter;

  @Field(() => ArtworkSort, { nullable: true, description: "Order of the list. Default: by relevance when `filter.text` is given, else title, A to Z." })
  @ValidateNested()
  sort?: ArtworkSort;
}

@Resolver(() => Artwork)
export class ArtworkResolver {
  constructor(private readonly catalogue: CatalogueService) {}

  @Query(() => Artwork, { nullable: true, description: "One work by its id (or internalID); null when there is none." })
  artwork(@Arg("id", () => ID, { description: "The work's `id` or `internalID`." }) id: string, @Ctx() ctx: GraphQLContext): Promise<ArtworkRow | null> {
    const internalId = lookupId(id, "Artwork");
    return internalId ? ctx.loaders.artworkById.load(internalId) : Promise.resolve(null);
  }

  @Query(() => ArtworkConnection, {
    description: "Works in the catalogue, filtered and sorted, a page at a time (at most 100 per page).",
    complexity: connectionComplexity,
  })
  async artworks(@Args() args: ArtworksArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionSource<ArtworkRow>> {
    const filter = toArtworkFilter(args.filter, "filter");
    const defaultField = filter.text?.trim() ? ArtworkSortField.RELEVANCE : ArtworkSortField.TITLE;
    const sort = { field: args.sort?.field ?? defaultField, direction: args.sort?.direction ?? SortDirection.ASC };
    const page = await this.catalogue.listArtworks(filter, sort, args);
    for (const { node } of page.items) ctx.loaders.artworkById.prime(node.id, node);
    return toConnection(ArtworkConnection, { page, countAll: () => this.catalogue.countArtworks(filter) });
  }

  @Query(() => [MediumCategoryCount], { description: "Medium categories in use, with how many works each holds, largest first." })
  async mediumCategories(): Promise<MediumCategoryCount[]> {
    return (await this.catalogue.mediumCategories()).map((c) => ({ category: c.name as MediumCategory, name: c.name, count: c.count }));
  }

  @FieldResolver(() => ID)
  id(@Root() work: ArtworkRow): string {
    return toGlobalId("Artwork", work.id);
  }

  @FieldResolver(() => String)
  internalID(@Root() work: ArtworkRow): string {
    return work.id;
  }

  @FieldResolver(() => [ArtistCredit], { description: "Credited artists, in the catalogue's order." })
  artists(@Root() work: ArtworkRow, @Ctx() ctx: GraphQLContext): Promise<ArtistCreditModel[]> {
    return ctx.loaders.creditsByArtworkId.load(work.id).then((credits) => credits.map((c) => Object.assign(new ArtistCredit(), c)));
  }

  @FieldResolver(() => [ProvenanceEvent], { description: "Ownership history, earliest first; empty when none is recorded." })
  provenance(@Root() work: ArtworkRow, @Ctx() ctx: GraphQLContext): Promise<ProvenanceModel[]> {
    return ctx.loaders.provenanceByArtworkId.load(work.id);
  }

  @FieldResolver(() => ArtworkImage, { description: "The work's image: its status (NONE, PENDING, READY, FAILED), the problem when it failed, and the stored file once there is one." })
  async image(@Root() work: ArtworkRow, @Ctx() ctx: GraphQLContext): Promise<ArtworkImage> {
    const stored = await ctx.loaders.imageByArtworkId.load(work.id);
    return {
      status: work.imageStatus,
      problem: work.imageStatus === "FAILED" ? work.imageProblem : null,
      sha256: stored?.sha256 ?? null,
      sizeBytes: stored?.sizeBytes ?? null,
      mime: stored?.mime ?? null,
      width: stored?.width ?? null,
      height: stored?.height ?? null,
      sourceUrl: stored?.sourceUrl ?? null,
      palette: stored ? [...work.palette].sort((a, b) => b.weight - a.weight) : [],
    };
  }

  @FieldResolver(() => Dimensions, { description: "Physical size, as text and in centimetres." })
  dimensions(@Root() work: ArtworkRow): Dimensions {
    return { text: work.dimensionsText, widthCm: work.widthCm, heightCm: work.heightCm, depthCm: work.depthCm, diameterCm: work.diameterCm };
  }

  @FieldResolver(() => [PaletteColour], { description: "Dominant colours of the image, largest share first; empty without an image." })
  palette(@Root() work: ArtworkRow): PaletteColour[] {
    return [...work.palette].sort((a, b) => b.weight - a.weight);
  }
}

