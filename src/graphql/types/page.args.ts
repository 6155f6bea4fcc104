import { Max, Min } from "class-validator";
import { ArgsType, Field, Int } from "type-graphql";

/** first/after/last/before, shared by every connection field. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: "Number of items after `after`, from 0 to 100. Default 20 when neither first nor last is given." })
  @Min(0)
  @Max(100)
  first?: number;

  @Field(() => String, { nullable: true, description: "Cursor to start after (from `pageInfo.endCursor` or an edge)." })
  after?: string;

  @Field(() => Int, { nullable: true, description: "Number of items before `before`, from 0 to 100; pages backwards." })
  @Min(0)
  @Max(100)
  last?: number;

  @Field(() => String, { nullable: true, description: "Cursor to end before (from `pageInfo.startCursor` or an edge)." })
  before?: string;
}

/** Most items a page may ask for (`first` / `last`). */
export const PAGE_MAX = 100;

/**
 * A page size as the cost limit counts it: at most `max`. A larger one is refused by the argument's
 * own check (BAD_USER_INPUT naming it), which says more than an operation "too expensive" would.
 */
export function pageForCost(size: number | null | undefined, fallback: number, max: number = PAGE_MAX): number {
  return Math.min(Math.max(size ?? fallback, 0), max);
}

/**
 * Complexity of a connection: its page size times what each node asks for. Complexity functions read
 * page sizes only (numbers): the cost-limit plugin remembers estimates whatever the id or string
 * variables are.
 */
export function connectionComplexity({ args, childComplexity }: { args: { first?: number; last?: number }; childComplexity: number }): number {
  return 1 + pageForCost(args.first ?? args.last, 20) * Math.max(childComplexity, 1);
}
