/** The importArtworks mutation: rows in the shape of a catalogue file's lines, and what became of each. */
import { MutationPayload } from "./payloads.type.ts";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { ProvenanceEventInput } from "./artwork.input.ts";

@InputType({ description: "An artist credited on an imported row; matched to an existing artist by `sourceArtistId`, else by name and life dates, else created." })
export class ArtworkImportArtistInput {
  @Field({ description: "Name as catalogued. Required." })
  name!: string;

  @Field(() => String, { nullable: true, description: "The artist's id in the source; the surest match to an existing artist." })
  sourceArtistId?: string | null;

  @Field(() => String, { nullable: true, description: "Name as cited on this work, when it differs." })
  citedName?: string | null;

  @Field(() => String, { nullable: true, description: "Kind of party, e.g. \"Person\" or \"Organization\"." })
  partyType?: string | null;

  @Field(() => String, { nullable: true, description: "Nationality as catalogued." })
  nationality?: string | null;

  @Field(() => Int, { nullable: true, description: "Year of birth; negative for BCE." })
  birthYear?: number | null;

  @Field(() => Int, { nullable: true, description: "Year of death; negative for BCE." })
  deathYear?: number | null;

  @Field(() => String, { nullable: true, description: "Place of birth." })
  birthPlace?: string | null;

  @Field(() => String, { nullable: true, description: "Place of death." })
  deathPlace?: string | null;

  @Field(() => String, { nullable: true, description: "Role on this work, e.g. \"designer\"." })
  role?: string | null;
}

@InputType({ description: "A work's size in inches, as museum exports give it; stored in centimetres." })
export class DimensionsInchesInput {
  @Field(() => Float, { nullable: true, description: "Width in inches; positive." })
  width?: number | null;

  @Field(() => Float, { nullable: true, description: "Height in inches; positive." })
  height?: number | null;

  @Field(() => Float, { nullable: true, description: "Depth in inches; positive." })
  depth?: number | null;

  @Field(() => Float, { nullable: true, description: "Diameter in inches; positive." })
  diameter?: number | null;
}

@InputType({
  description:
    "One work to import, in the shape of a line of a catalogue file (data/demo/README.md). Matched to an existing work by `source` and `sourceId`: updated when its content changed, left alone when it did not.",
})
export class ArtworkImportRowInput {
  @Field({ description: "The record's id in its source; unique with `source`. Required." })
  sourceId!: string;

  @Field(() => String, { nullable: true, description: "Collection or system the record comes from. Default \"vitrine\"." })
  source?: string | null;

  @Field({ description: "Title as catalogued. Required." })
  title!: string;

  @Field(() => String, { nullable: true, description: "Free-text description." })
  description?: string | null;

  @Field(() => String, { nullable: true, description: "Accession number." })
  accessionNumber?: string | null;

  @Field(() => String, { nullable: true, description: "Date as written, e.g. \"c. 1880\"." })
  dateText?: string | null;

  @Field(() => Int, { nullable: true, description: "First year of the work's date range; negative for BCE, at most 3000." })
  yearStart?: number | null;

  @Field(() => Int, { nullable: true, description: "Last year of the work's date range; not before yearStart." })
  yearEnd?: number | null;

  @Field(() => String, { nullable: true, description: "Medium as written, e.g. \"oil on canvas\"." })
  medium?: string | null;

  @Field(() => String, { nullable: true, description: "Medium category in lower case, e.g. \"painting\" (the MediumCategory values, lower-cased)." })
  mediumCategory?: string | null;

  @Field(() => String, { nullable: true, description: "Classification as catalogued." })
  classification?: string | null;

  @Field(() => String, { nullable: true, description: "Dimensions as written." })
  dimensions?: string | null;

  @Field(() => DimensionsInchesInput, { nullable: true, description: "Size in inches." })
  dimensionsInches?: DimensionsInchesInput | null;

  @Field(() => String, { nullable: true, description: "Department holding the work." })
  department?: string | null;

  @Field(() => String, { nullable: true, description: "Credit line." })
  creditLine?: string | null;

  @Field(() => String, { nullable: true, description: "Date acquired, as written." })
  dateAcquired?: string | null;

  @Field(() => String, { nullable: true, description: "Where the work is kept or shown." })
  physicalLocation?: string | null;

  @Field(() => String, { nullable: true, description: "The work's page on the museum's site." })
  webUrl?: string | null;

  @Field(() => String, { nullable: true, description: "Provenance as one text." })
  provenanceText?: string | null;

  @Field(() => String, { nullable: true, description: "Notes on the provenance." })
  provenanceNotes?: string | null;

  @Field(() => String, { nullable: true, description: "Licence of the record." })
  license?: string | null;

  @Field(() => String, { nullable: true, description: "URL of the work's image (or of a IIIF info.json); fetched by the image worker." })
  imageUrl?: string | null;

  @Field(() => [String], { nullable: true, description: "Further image URLs, tried in order after imageUrl." })
  imageUrls?: string[] | null;

  @Field(() => String, { nullable: true, description: "Base URL of the image's IIIF Image API service; tried first." })
  iiifService?: string | null;

  @Field(() => String, { nullable: true, description: "Licence of the image." })
  imageLicense?: string | null;

  @Field(() => [ArtworkImportArtistInput], { nullable: true, description: "Artists credited, in order." })
  artists?: ArtworkImportArtistInput[] | null;

  @Field(() => [ProvenanceEventInput], { nullable: true, description: "Ownership history, oldest first." })
  provenance?: ProvenanceEventInput[] | null;
}

/** A row that went in, by its position. */
@ObjectType({ description: "A row of importArtworks that went in." })
export class ImportedArtworkRow {
  @Field(() => Int, { description: "Position of the row in `rows`, from 0." })
  index!: number;

  @Field(() => ID, { description: "Global id of the work the row created, updated or left unchanged." })
  id!: string;
}

@ObjectType({ description: "A row of importArtworks that was refused; nothing of it was written." })
export class RejectedArtworkRow {
  @Field(() => Int, { description: "Position of the row in `rows`, from 0." })
  index!: number;

  @Field({ description: "Why, as an error code: BAD_USER_INPUT or CONFLICT." })
  code!: string;

  @Field(() => String, { nullable: true, description: "Input path of the offending value, e.g. \"rows.3.artists.0.name\"; null when the row as a whole is at fault." })
  field!: string | null;

  @Field({ description: "What is wrong, for a person to fix." })
  message!: string;
}

@ObjectType({ description: "Result of importArtworks: every row is in exactly one of the four lists." })
export class ImportArtworksPayload extends MutationPayload {
  @Field(() => [ImportedArtworkRow], { description: "Rows that created a work (queued for embedding and image fetch)." })
  created!: ImportedArtworkRow[];

  @Field(() => [ImportedArtworkRow], { description: "Rows that changed an existing work (queued for re-embedding)." })
  updated!: ImportedArtworkRow[];

  @Field(() => [ImportedArtworkRow], { description: "Rows equal to the work's last import: nothing written or queued." })
  unchanged!: ImportedArtworkRow[];

  @Field(() => [RejectedArtworkRow], { description: "Rows refused, each with its reason; the other rows still went in." })
  rejected!: RejectedArtworkRow[];
}
