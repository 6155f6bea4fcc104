/** Provenance research queries: `provenanceGap` and `similarProvenance` (logic in ProvenanceResearchService). */
import { Max, Min } from "class-validator";
import { Args, ArgsType, Field, ID, Int, Query, Resolver } from "type-graphql";
import { pageForCost } from "../types/page.args.ts";
import { PROVENANCE_LIMITS, type ProvenanceResearchService } from "../../services/provenance-research.service.ts";
import { expectId } from "../relay.ts";
import { ProvenanceGapConnection, SharedProvenanceWork } from "../types/provenance-research.types.ts";

@ArgsType()
class ProvenanceGapArgs {
  @Field(() => Int, { defaultValue: 1933, description: "First year of the span examined (negative for BCE). Default 1933." })
  from!: number;

  @Field(() => Int, { defaultValue: 1945, description: "Last year of the span examined, inclusive; at most 1,000 years after `from`. Default 1945." })
  to!: number;

  @Field(() => Int, { nullable: true, description: `Number of works per page, from 1 to ${PROVENANCE_LIMITS.maxPage}. Default ${PROVENANCE_LIMITS.defaultPage}.` })
  @Min(1)
  @Max(PROVENANCE_LIMITS.maxPage)
  first?: number;

  @Field(() => String, { nullable: true, description: "Cursor to continue after (`pageInfo.endCursor` of the previous page)." })
  after?: string;
}

@ArgsType()
class SimilarProvenanceArgs {
  @Field(() => ID, { description: "The work whose owners are looked for (its `id` or `internalID`)." })
  id!: string;

  @Field(() => Int, { nullable: true, description: `Number of works, from 1 to ${PROVENANCE_LIMITS.maxSimilar}. Default ${PROVENANCE_LIMITS.defaultSimilar}.` })
  @Min(1)
  @Max(PROVENANCE_LIMITS.maxSimilar)
  first?: number;
}

@Resolver()
export class ProvenanceResearchResolver {
  constructor(private readonly research: ProvenanceResearchService) {}

  @Query(() => ProvenanceGapConnection, {
    description:
      "Works whose ownership between `from` and `to` (default 1933–1945) is unknown or undocumented, with the missing years and the entries on either side. Looks at up to 5,000 works per page.",
    complexity: ({ args, childComplexity }) => 50 + pageForCost(args.first, PROVENANCE_LIMITS.defaultPage, PROVENANCE_LIMITS.maxPage) * Math.max(childComplexity, 1),
  })
  async provenanceGap(@Args() args: ProvenanceGapArgs): Promise<ProvenanceGapConnection> {
    const page = await this.research.gaps(args);
    return {
      edges: page.items.map((i) => ({ cursor: i.cursor, node: { ...i.node, artwork: i.node.work, gaps: [...i.node.gaps] } })),
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(args.after), startCursor: page.items[0]?.cursor ?? null, endCursor: page.endCursor },
    };
  }

  @Query(() => [SharedProvenanceWork], {
    description: "Works that passed through the same hands as a work (owners matched by normalised name), rarer owners counting more, best first.",
    complexity: ({ args, childComplexity }) => 10 + pageForCost(args.first, PROVENANCE_LIMITS.defaultSimilar, PROVENANCE_LIMITS.maxSimilar) * Math.max(childComplexity, 1),
  })
  async similarProvenance(@Args() args: SimilarProvenanceArgs): Promise<SharedProvenanceWork[]> {
    const works = await this.research.similar(expectId(args.id, "Artwork", "id"), args.first);
    return works.map((w) => ({ artwork: w.work, score: w.score, sharedOwners: [...w.sharedOwners] }));
  }
}
