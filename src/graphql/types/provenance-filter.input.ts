import { ArrayMaxSize, MaxLength } from "class-validator";
import { Field, InputType, Int } from "type-graphql";

@InputType({ description: "Conditions on one provenance entry: a work matches when one of its entries meets all given conditions." })
export class ProvenanceFilter {
  @Field(() => String, {
    nullable: true,
    description: "Part of the owner's name, compared after normalising both (case, accents, punctuation, \"Galerie\"/\"Gallery\"-style variants): \"galerie georges petit\" finds \"Gallery Georges Petit\".",
  })
  @MaxLength(200)
  owner?: string;

  @Field(() => String, { nullable: true, description: "Part of the owner's place, e.g. \"Paris\" (case-insensitive)." })
  @MaxLength(200)
  place?: string;

  @Field(() => [String], { nullable: true, description: "How the owner acquired the work: one of these methods (gift, purchase, bequest, auction, by descent, exchange, commission, transfer). At most 20." })
  @ArrayMaxSize(20)
  methods?: string[];

  @Field(() => Int, { nullable: true, description: "The owner held the work in this year or later: the entry's years reach it (an entry with only a start year counts as still held)." })
  heldFrom?: number;

  @Field(() => Int, { nullable: true, description: "The owner held the work in this year or earlier: the entry's years begin by then (an entry with only an end year, \"until 1941\", counts as held before). An entry without any year never matches heldFrom or heldTo." })
  heldTo?: number;
}
