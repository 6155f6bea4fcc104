import { ArrayMaxSize, IsUrl, MaxLength, ValidateNested } from "class-validator";
import { PositiveFloatResolver } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { MediumCategory } from "./medium-category.enum.ts";

@InputType({ description: "An artist credited on a work." })
export class ArtistCreditInput {
  @Field(() => ID, { description: "Id of an existing artist (see `artists` or `createArtist`)." })
  artistId!: string;

  @Field(() => String, { nullable: true, description: "Role on this work, e.g. \"designer\"; omit when not stated." })
  @MaxLength(200)
  role?: string | null;
}

@InputType({ description: "One entry of a work's ownership history." })
export class ProvenanceEventInput {
  @Field({ description: "The entry as written, e.g. \"Macbeth Gallery, New York, by 1906\". Required." })
  @MaxLength(4000)
  text!: string;

  @Field(() => String, { nullable: true, description: "Owner or dealer named by the entry." })
  @MaxLength(500)
  owner?: string | null;

  @Field(() => String, { nullable: true, description: "Place of the owner." })
  @MaxLength(500)
  place?: string | null;

  @Field(() => String, { nullable: true, description: "When, as written, e.g. \"by 1843\"." })
  @MaxLength(200)
  dateText?: string | null;

  @Field(() => Int, { nullable: true, description: "First year of the entry." })
  yearStart?: number | null;

  @Field(() => Int, { nullable: true, description: "Last year of the entry; not before yearStart." })
  yearEnd?: number | null;

  @Field(() => String, { nullable: true, description: "How this owner acquired the work: gift, purchase, bequest, auction, by descent, exchange, commission or transfer." })
  @MaxLength(100)
  method?: string | null;
}

@InputType({
  description:
    "The fields of a work, shared by createArtwork and updateArtwork. On create, `title` is required; on update, fields left out keep their value and lists given replace the old ones.",
})
export class ArtworkInput {
  @Field(() => String, { nullable: true, description: "Collection or system the record comes from. Default \"vitrine\"." })
  @MaxLength(200)
  source?: string;

  @Field(() => String, { nullable: true, description: "The record's id in its source; unique with `source`. Default: a new UUID." })
  @MaxLength(300)
  sourceId?: string;

  @Field(() => String, { nullable: true, description: "Title as catalogued; required on create." })
  @MaxLength(1000)
  title?: string;

  @Field(() => String, { nullable: true, description: "Catalogue description." })
  @MaxLength(20000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: "The holding museum's accession number." })
  @MaxLength(100)
  accessionNumber?: string | null;

  @Field(() => String, { nullable: true, description: "Date as catalogued, e.g. \"c. 1860\"." })
  @MaxLength(200)
  dateText?: string | null;

  @Field(() => Int, { nullable: true, description: "Earliest year; negative for BCE." })
  yearStart?: number | null;

  @Field(() => Int, { nullable: true, description: "Latest year; not before yearStart." })
  yearEnd?: number | null;

  @Field(() => String, { nullable: true, description: "Materials and technique, e.g. \"oil on canvas\"." })
  @MaxLength(1000)
  medium?: string | null;

  @Field(() => MediumCategory, { nullable: true, description: "Broad family of the medium." })
  mediumCategory?: MediumCategory | null;

  @Field(() => String, { nullable: true, description: "The source's own classification." })
  @MaxLength(200)
  classification?: string | null;

  @Field(() => String, { nullable: true, description: "Size as catalogued, e.g. \"H 13 in. x W 5.875 in.\"." })
  @MaxLength(500)
  dimensionsText?: string | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Width in centimetres." })
  widthCm?: number | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Height in centimetres." })
  heightCm?: number | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Depth in centimetres." })
  depthCm?: number | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Diameter in centimetres." })
  diameterCm?: number | null;

  @Field(() => String, { nullable: true, description: "Curatorial department, e.g. \"Fine Arts\"." })
  @MaxLength(200)
  department?: string | null;

  @Field(() => String, { nullable: true, description: "Credit line as on the label." })
  @MaxLength(1000)
  creditLine?: string | null;

  @Field(() => String, { nullable: true, description: "Date of acquisition as recorded." })
  @MaxLength(100)
  dateAcquired?: string | null;

  @Field(() => String, { nullable: true, description: "Where the work is, e.g. \"Gallery 5\"." })
  @MaxLength(200)
  physicalLocation?: string | null;

  @Field(() => String, { nullable: true, description: "Page of the work on its source's website (http or https URL)." })
  @IsUrl({ protocols: ["http", "https"], require_protocol: true })
  webUrl?: string | null;

  @Field(() => String, { nullable: true, description: "The full ownership history as written." })
  @MaxLength(20000)
  provenanceText?: string | null;

  @Field(() => String, { nullable: true, description: "Footnotes on the ownership history." })
  @MaxLength(20000)
  provenanceNotes?: string | null;

  @Field(() => String, { nullable: true, description: "Licence of the metadata, e.g. \"CC0-1.0\"." })
  @MaxLength(100)
  license?: string | null;

  @Field(() => [ArtistCreditInput], { nullable: true, description: "Credited artists in order; replaces the current credits. At most 50." })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  artists?: ArtistCreditInput[];

  @Field(() => [ProvenanceEventInput], { nullable: true, description: "Ownership history, earliest first; replaces the current one. At most 200 entries." })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  provenance?: ProvenanceEventInput[];
}

@InputType({
  description:
    "The fields of an artist, shared by createArtist and updateArtist. On create, `name` is required; on update, fields left out keep their value.",
})
export class ArtistInput {
  @Field(() => String, { nullable: true, description: "Full name, e.g. \"Mary Cassatt\". Required on create." })
  @MaxLength(500)
  name?: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Stable key used to recognise the artist on import, e.g. the source's artist id. Default: derived from the name and life dates (\"name:mary cassatt:1844-1926\"), following them on update.",
  })
  @MaxLength(300)
  key?: string;

  @Field(() => String, { nullable: true, description: "Name as cited, e.g. \"Cassatt, Mary\"." })
  @MaxLength(500)
  citedName?: string | null;

  @Field(() => String, { nullable: true, description: "Nationality, e.g. \"American\"." })
  @MaxLength(100)
  nationality?: string | null;

  @Field(() => Int, { nullable: true, description: "Year of birth; negative for BCE. Tells apart artists of the same name." })
  birthYear?: number | null;

  @Field(() => Int, { nullable: true, description: "Year of death; not before the birth year." })
  deathYear?: number | null;
}
