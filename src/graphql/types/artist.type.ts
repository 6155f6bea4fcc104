import { Field, ID, Int, ObjectType } from "type-graphql";
import { Node } from "./node.interface.ts";

@ObjectType({ implements: Node, description: "A person or organisation credited on works in the catalogue." })
export class Artist extends Node {
  @Field(() => ID, { description: "Globally unique, opaque id; pass it to `node` or `artist`." })
  declare id: string;

  @Field({ description: "The catalogue's own id of this artist (a UUID)." })
  internalID!: string;

  @Field({ description: "Full name as the catalogue displays it, e.g. \"Mary Cassatt\"." })
  name!: string;

  @Field(() => String, { nullable: true, description: "Name as cited in the source, e.g. \"Cassatt, Mary\"." })
  citedName!: string | null;

  @Field(() => String, { nullable: true, description: "Kind of party as the source records it: \"Person\" or \"Organization\"." })
  partyType!: string | null;

  @Field(() => String, { nullable: true, description: "Nationality as the source records it, e.g. \"American\"." })
  nationality!: string | null;

  @Field(() => Int, { nullable: true, description: "Year of birth (or founding); negative for BCE; null when unknown." })
  birthYear!: number | null;

  @Field(() => Int, { nullable: true, description: "Year of death (or closing); null when living or unknown." })
  deathYear!: number | null;

  @Field(() => String, { nullable: true, description: "Place of birth, when recorded." })
  birthPlace!: string | null;

  @Field(() => String, { nullable: true, description: "Place of death, when recorded." })
  deathPlace!: string | null;
}
