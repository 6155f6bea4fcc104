import { Field, Int, ObjectType } from "type-graphql";
import { MediumCategory } from "./medium-category.enum.ts";

@ObjectType({ description: "A medium category and how many works the catalogue holds in it." })
export class MediumCategoryCount {
  @Field(() => MediumCategory, { description: "The category, for use in filters." })
  category!: MediumCategory;

  @Field({ description: "Readable name, e.g. \"decorative art\"." })
  name!: string;

  @Field(() => Int, { description: "Number of works in this category." })
  count!: number;
}
