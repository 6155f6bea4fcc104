import { ArrayMaxSize, MaxLength, ValidateNested } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { MAX_IDS, MAX_LIST_ITEMS } from "./list-limits.ts";
import { MediumCategory } from "./medium-category.enum.ts";
import { ProvenanceFilter } from "./provenance-filter.input.ts";

@InputType({ description: "Narrows a list of works; all given conditions must hold." })
export class ArtworkFilter {
  @Field(() => String, {
    nullable: true,
    description:
      "Full-text search: words that must each appear in the title, an artist's name, the medium, description or provenance. Case, accents and punctuation are ignored, English word forms match (\"paintings\" finds \"painting\"), the last word may be the start of a word (\"cass\" finds \"Cassatt\"). Text without letters or digits matches nothing. At most 200 characters.",
  })
  @MaxLength(200)
  text?: string;

  @Field(() => [ID], { nullable: true, description: `Only works credited to one of these artists (Artist ids). At most ${MAX_IDS}.` })
  @ArrayMaxSize(MAX_IDS)
  artistIds?: string[];

  @Field(() => [MediumCategory], { nullable: true, description: `Only works in one of these medium categories. At most ${MAX_LIST_ITEMS}.` })
  @ArrayMaxSize(MAX_LIST_ITEMS)
  mediumCategories?: MediumCategory[];

  @Field(() => [String], { nullable: true, description: `Only works held by one of these departments, e.g. "Fine Arts". At most ${MAX_LIST_ITEMS}, each up to 200 characters.` })
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @MaxLength(200, { each: true })
  departments?: string[];

  @Field(() => Int, { nullable: true, description: "Only works whose date range reaches this year or later (negative for BCE)." })
  yearFrom?: number;

  @Field(() => Int, { nullable: true, description: "Only works whose date range begins in this year or earlier (negative for BCE)." })
  yearTo?: number;

  @Field(() => Boolean, { nullable: true, description: "True: only works with an image; false: only works without one." })
  hasImage?: boolean;

  @Field(() => String, { nullable: true, description: "Only works with a former owner whose name contains this text (case-insensitive; `%` and `_` are plain characters). At most 200 characters." })
  @MaxLength(200)
  provenanceOwner?: string;

  @Field(() => ProvenanceFilter, { nullable: true, description: "Only works with a provenance entry meeting all of these conditions (owner, place, method, years held)." })
  @ValidateNested()
  provenance?: ProvenanceFilter;
}
