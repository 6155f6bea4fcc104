import { DateTimeResolver } from "graphql-scalars";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { MediumCategory } from "./medium-category.enum.ts";
import { Node } from "./node.interface.ts";

@ObjectType({ implements: Node, description: "A work in the catalogue: who made it, what of, when, how big, and who owned it." })
export class Artwork extends Node {
  @Field(() => ID, { description: "Globally unique, opaque id; pass it to `node`, `artwork` or `similarArtworks`." })
  declare id: string;

  @Field({ description: "The catalogue's own id of this work (a UUID)." })
  internalID!: string;

  @Field({ description: "Name of the collection or system the record came from." })
  source!: string;

  @Field({ description: "The record's id in its source; unique together with `source`." })
  sourceId!: string;

  @Field(() => String, { nullable: true, description: "The holding museum's accession number, e.g. \"79.66.115\"." })
  accessionNumber!: string | null;

  @Field({ description: "Title as catalogued." })
  title!: string;

  @Field(() => String, { nullable: true, description: "Catalogue description, when there is one." })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "Date as catalogued, e.g. \"c. 1860\" or \"19th century\"." })
  dateText!: string | null;

  @Field(() => Int, { nullable: true, description: "Earliest year the work may date from; negative for BCE." })
  yearStart!: number | null;

  @Field(() => Int, { nullable: true, description: "Latest year the work may date from; negative for BCE." })
  yearEnd!: number | null;

  @Field(() => String, { nullable: true, description: "Materials and technique as catalogued, e.g. \"oil on canvas\"." })
  medium!: string | null;

  @Field(() => MediumCategory, { nullable: true, description: "Broad family of the medium; null when uncategorised." })
  mediumCategory!: MediumCategory | null;

  @Field(() => String, { nullable: true, description: "The source's own classification, e.g. \"prints\"." })
  classification!: string | null;

  @Field(() => String, { nullable: true, description: "Curatorial department holding the work, e.g. \"Fine Arts\"." })
  department!: string | null;

  @Field(() => String, { nullable: true, description: "How the museum acquired the work, as shown on its label, e.g. \"Gift of Mrs. J. Willis Dalzell\"." })
  creditLine!: string | null;

  @Field(() => String, { nullable: true, description: "Date of acquisition as recorded, e.g. \"1979-12-06\"." })
  dateAcquired!: string | null;

  @Field(() => String, { nullable: true, description: "Where the work is, e.g. \"Not on View\"." })
  physicalLocation!: string | null;

  @Field(() => String, { nullable: true, description: "The full ownership history as the cataloguer wrote it; `provenance` has it split into entries." })
  provenanceText!: string | null;

  @Field(() => String, { nullable: true, description: "Footnotes and remarks on the ownership history." })
  provenanceNotes!: string | null;

  @Field(() => String, { nullable: true, description: "Licence of this record's metadata, e.g. \"CC0-1.0\"." })
  license!: string | null;

  @Field(() => String, { nullable: true, description: "Page of the work on its source's website." })
  webUrl!: string | null;

  @Field(() => [String], { description: "Links to images at the source; they may be dead and are not covered by the metadata licence." })
  imageUrls!: string[];

  @Field(() => String, { nullable: true, description: "Licence or rights statement of the source's images, when known." })
  imageLicense!: string | null;

  @Field(() => DateTimeResolver, { description: "When this record was added to the catalogue." })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: "When this record last changed." })
  updatedAt!: Date;
}
