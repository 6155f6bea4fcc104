/** `duplicateCandidates` for curators (admin only; logic in DuplicatesService). */
import { Max, Min } from "class-validator";
import { Args, ArgsType, Authorized, Field, Float, Int, Query, Resolver } from "type-graphql";
import { pageForCost } from "../types/page.args.ts";
import { DUPLICATE_LIMITS, type DuplicatesService } from "../../services/duplicates.service.ts";
import { DuplicateKind, DuplicatePairConnection, type DuplicateMatch } from "../types/duplicates.types.ts";

@ArgsType()
class DuplicateCandidatesArgs {
  @Field(() => DuplicateKind, { description: "Which duplicates: the same image under differing records (IMAGE) or one work recorded twice (RECORD)." })
  kind!: DuplicateKind;

  @Field(() => Float, {
    nullable: true,
    description: `Lowest cosine (0 … 1) of the compared vector parts for a pair to count. Default ${DUPLICATE_LIMITS.defaultThreshold.IMAGE} for IMAGE, ${DUPLICATE_LIMITS.defaultThreshold.RECORD} for RECORD. Identical images and identical descriptions count whatever it is.`,
  })
  @Min(0)
  @Max(1)
  threshold?: number;

  @Field(() => Int, { nullable: true, description: `Number of pairs per page, from 1 to ${DUPLICATE_LIMITS.maxPage}. Default ${DUPLICATE_LIMITS.defaultPage}.` })
  @Min(1)
  @Max(DUPLICATE_LIMITS.maxPage)
  first?: number;

  @Field(() => String, { nullable: true, description: "Cursor to continue after (`pageInfo.endCursor` of the previous page)." })
  after?: string;
}

@Resolver()
export class DuplicatesResolver {
  constructor(private readonly duplicates: DuplicatesService) {}

  @Authorized("ADMIN")
  @Query(() => DuplicatePairConnection, {
    description: `Pairs of works that may be duplicates, each with both records, a score and the fields that differ. Looks at each work's ${DUPLICATE_LIMITS.neighbours} nearest neighbours in the vector index, and at up to ${DUPLICATE_LIMITS.scanPerPage} works per page. Needs an admin key.`,
    complexity: ({ args, childComplexity }) => 100 + pageForCost(args.first, DUPLICATE_LIMITS.defaultPage, DUPLICATE_LIMITS.maxPage) * Math.max(childComplexity, 1),
  })
  async duplicateCandidates(@Args() args: DuplicateCandidatesArgs): Promise<DuplicatePairConnection> {
    const page = await this.duplicates.candidates(args);
    return {
      edges: page.items.map((i) => ({ cursor: i.cursor, node: { ...i.node, match: i.node.match as DuplicateMatch, differingFields: [...i.node.differingFields] } })),
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(args.after), startCursor: page.items[0]?.cursor ?? null, endCursor: page.endCursor },
    };
  }
}
