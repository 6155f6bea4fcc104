import { Field, Int, ObjectType } from "type-graphql";
import type { ArtworkFilter } from "../../ports/catalogue-store.port.ts";
import { MediumCategory } from "./medium-category.enum.ts";

@ObjectType({ description: "A value of a facet and how many of the matching works have it." })
export class FacetCount {
  @Field(() => String, { nullable: true, description: "The value as stored (usable in filters); null counts the works where it is not recorded." })
  value!: string | null;

  @Field(() => Int, { description: "Number of matching works with this value." })
  count!: number;
}

@ObjectType({ description: "A medium category and how many of the matching works are in it." })
export class MediumCategoryFacetCount {
  @Field(() => MediumCategory, { nullable: true, description: "The category; null counts works without one." })
  category!: MediumCategory | null;

  @Field(() => Int, { description: "Number of matching works in this category." })
  count!: number;
}

@ObjectType({ description: "A period (a decade from 1400 on, a century before) and how many of the matching works date from it, by their first known year." })
export class PeriodFacetCount {
  @Field(() => Int, { nullable: true, description: "First year of the period (negative for BCE); null counts undated works." })
  from!: number | null;

  @Field(() => Int, { nullable: true, description: "Last year of the period, inclusive; null for undated works." })
  to!: number | null;

  @Field(() => String, { nullable: true, description: "Readable name, e.g. \"1850s\", \"1300–1399\" or \"500–401 BCE\"; null for undated works." })
  label!: string | null;

  @Field(() => Int, { description: "Number of matching works from this period." })
  count!: number;
}

@ObjectType({ description: "Whether works have an image, and how many of the matching works do." })
export class HasImageFacetCount {
  @Field({ description: "True: works with an image; false: works without one." })
  value!: boolean;

  @Field(() => Int, { description: "Number of matching works." })
  count!: number;
}

@ObjectType({ description: "Counts of the works matching a filter, by facet; each list is largest first and computed only when selected." })
export class ArtworkFacets {
  /** The filter the counts are for (not exposed). */
  filter!: ArtworkFilter;
}
