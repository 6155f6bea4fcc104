import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "Where a page sits in its list, for cursor pagination." })
export class PageInfo {
  @Field({ description: "True when more items follow the last edge; fetch them with `after: endCursor`." })
  hasNextPage!: boolean;

  @Field({ description: "True when items come before the first edge; fetch them with `before: startCursor` and `last`." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first edge; null on an empty page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the last edge; null on an empty page." })
  endCursor!: string | null;
}
