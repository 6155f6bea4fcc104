/** `artworkFacets`: counts of the works an `artworks` filter matches, one database query per selected facet. */
import { Max, Min, ValidateNested } from "class-validator";
import { Args, ArgsType, Field, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { ArtworkFacetName } from "../../ports/catalogue-store.port.ts";
import { FACET_VALUES, type ArtworkFacetsService, type PeriodBucket } from "../../services/artwork-facets.service.ts";
import { ArtworkFacets, FacetCount, HasImageFacetCount, MediumCategoryFacetCount, PeriodFacetCount } from "../types/artwork-facets.type.ts";
import { ArtworkFilter } from "../types/artwork-filter.input.ts";
import type { MediumCategory } from "../types/medium-category.enum.ts";
import { toArtworkFilter } from "./filter.mapper.ts";

@ArgsType()
class ArtworkFacetsArgs {
  @Field(() => ArtworkFilter, { nullable: true, description: "Conditions the counted works must meet, as for `artworks`." })
  @ValidateNested()
  filter?: ArtworkFilter;
}

@ArgsType()
class FacetArgs {
  @Field(() => Int, { nullable: true, description: `Most values listed, the largest counts first, from 1 to ${FACET_VALUES.max}. Default ${FACET_VALUES.default}.` })
  @Min(1)
  @Max(FACET_VALUES.max)
  first?: number;
}

const facetComplexity = ({ args }: { args: { first?: number } }) => 1 + Math.ceil((args.first ?? FACET_VALUES.default) / 20);

@Resolver(() => ArtworkFacets)
export class ArtworkFacetsResolver {
  constructor(private readonly facets: ArtworkFacetsService) {}

  @Query(() => ArtworkFacets, { description: "How the works matching a filter divide by medium category, department, classification, period, artist nationality, acquisition method and image." })
  artworkFacets(@Args() args: ArtworkFacetsArgs): ArtworkFacets {
    return { filter: toArtworkFilter(args.filter, "filter") };
  }

  @FieldResolver(() => Int, { description: "Number of works matching the filter." })
  total(@Root() root: ArtworkFacets): Promise<number> {
    return this.facets.total(root.filter);
  }

  @FieldResolver(() => [MediumCategoryFacetCount], { description: "Works per medium category.", complexity: facetComplexity })
  async mediumCategories(@Root() root: ArtworkFacets, @Args() args: FacetArgs): Promise<MediumCategoryFacetCount[]> {
    return (await this.facets.facet(root.filter, "MEDIUM_CATEGORY", args.first)).map((b) => ({ category: b.value as MediumCategory | null, count: b.count }));
  }

  @FieldResolver(() => [FacetCount], { description: "Works per department.", complexity: facetComplexity })
  departments(@Root() root: ArtworkFacets, @Args() args: FacetArgs): Promise<FacetCount[]> {
    return this.list(root, "DEPARTMENT", args);
  }

  @FieldResolver(() => [FacetCount], { description: "Works per classification, e.g. \"paintings\", \"Textiles\".", complexity: facetComplexity })
  classifications(@Root() root: ArtworkFacets, @Args() args: FacetArgs): Promise<FacetCount[]> {
    return this.list(root, "CLASSIFICATION", args);
  }

  @FieldResolver(() => [PeriodFacetCount], { description: "Works per decade (from 1400) or century (before 1400), by the first known year of the work's date.", complexity: facetComplexity })
  periods(@Root() root: ArtworkFacets, @Args() args: FacetArgs): Promise<PeriodBucket[]> {
    return this.facets.periods(root.filter, args.first);
  }

  @FieldResolver(() => [FacetCount], {
    description: "Works per nationality of their credited artists; a work with artists of several nationalities counts under each, a work with none known under null.",
    complexity: facetComplexity,
  })
  nationalities(@Root() root: ArtworkFacets, @Args() args: FacetArgs): Promise<FacetCount[]> {
    return this.list(root, "NATIONALITY", args);
  }

  @FieldResolver(() => [FacetCount], {
    description: "Works per acquisition method: the method of the last provenance entry (how the current holder, usually the museum, acquired the work); null when there is no entry or it names no method.",
    complexity: facetComplexity,
  })
  acquisitionMethods(@Root() root: ArtworkFacets, @Args() args: FacetArgs): Promise<FacetCount[]> {
    return this.list(root, "ACQUISITION_METHOD", args);
  }

  @FieldResolver(() => [HasImageFacetCount], { description: "Works with and without an image." })
  async hasImage(@Root() root: ArtworkFacets): Promise<HasImageFacetCount[]> {
    return (await this.facets.facet(root.filter, "HAS_IMAGE", 2)).map((b) => ({ value: b.value === "true", count: b.count }));
  }

  private list(root: ArtworkFacets, facet: ArtworkFacetName, args: FacetArgs): Promise<FacetCount[]> {
    return this.facets.facet(root.filter, facet, args.first);
  }
}
