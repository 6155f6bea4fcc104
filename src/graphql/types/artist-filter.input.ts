import { ArrayMaxSize, MaxLength } from "class-validator";
import { MAX_LIST_ITEMS } from "./list-limits.ts";
import { Field, InputType } from "type-graphql";

@InputType({ description: "Narrows a list of artists; all given conditions must hold." })
export class ArtistFilter {
  @Field(() => String, { nullable: true, description: "Text the name must contain, ignoring case and accents (\"edouard\" finds \"Édouard Manet\"; `%` and `_` are plain characters)." })
  @MaxLength(200)
  name?: string;

  @Field(() => [String], { nullable: true, description: `Only artists of one of these nationalities, e.g. "American". At most ${MAX_LIST_ITEMS}, each up to 200 characters.` })
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @MaxLength(200, { each: true })
  nationalities?: string[];
}
