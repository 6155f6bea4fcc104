/** Similar works, search by image, recommendations and pair explanations; delegates to SimilarityService. */
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Ctx, Field, Float, ID, Info, Int, Query, Resolver } from "type-graphql";
import { pageForCost } from "../types/page.args.ts";
import { ArrayMaxSize, Max, Min, ValidateNested } from "class-validator";
import type { ScoreParts } from "../../encoding/blend.ts";
import type { SimilarityWeightsInput } from "../../encoding/similarity-weights.ts";
import type { ArtworkRow } from "../../ports/catalogue-store.port.ts";
import type { SimilarityService, SimilarResult } from "../../services/similarity.service.ts";
import type { GraphQLContext } from "../context.ts";
import { expectId, selectId } from "../relay.ts";
import { once, rankAfter, rankedListKey, rankedPage, ranksFor, RANK_DEPTH } from "../ranked-page.ts";
import { selects } from "../selection.ts";
import { ArtworkFilter } from "../types/artwork-filter.input.ts";
import { MAX_EXAMPLES } from "../types/list-limits.ts";
import {
  ImageInput,
  RecommendationExclusions,
  RecommendationStrategy,
  SimilarArtworkConnection,
  SimilarityBreakdown,
  SimilarityWeights,
} from "../types/similarity.types.ts";
import { toArtworkFilter } from "./filter.mapper.ts";

const FIRST = `How many works in this page, from 1 to 100. Default 10. Pages reach the top ${RANK_DEPTH} ranks.`;
const AFTER = `Cursor to continue after (an edge's \`cursor\` or \`pageInfo.endCursor\` of this query with the same other arguments); left out: from the best. A cursor of another list, or past rank ${RANK_DEPTH}: BAD_USER_INPUT.`;

/**
 * Surcharges of the similar-works features, in cost points (a plain list of 10 works with a few fields
 * costs about 80). Measured with `npm run bench -- load` (BENCHMARKS.md, "load", feature costs): against
 * a plain list of 10, query-time weights cost ~5×, one work per artist ~3×, diversity (MMR over 800
 * candidates) ~10× at first 10 and ~35× at first 100. These features rank the top 200 ranks whatever
 * `first` is, so their prices do not shrink with `first`.
 */
export const FEATURE_COST = {
  weights: 400,
  groupByArtist: 200,
  /** Diversity: fetching and scoring the candidates … */
  diversity: 640,
  /** … and each pick of MMR (a page of `first` needs first + 1 picks). */
  diversityPerPick: 25,
} as const;

/** The estimate of a similar-works list (graphql-query-complexity's field complexity). */
function similarCost(base: number) {
  return ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number => {
    const first = pageForCost(typeof args.first === "number" ? args.first : null, 10);
    let cost = base + first * Math.max(childComplexity, 1);
    if (args.weights) cost += FEATURE_COST.weights;
    if (args.groupByArtist) cost += FEATURE_COST.groupByArtist;
    if (typeof args.diversity === "number" && args.diversity > 0) cost += FEATURE_COST.diversity + FEATURE_COST.diversityPerPick * (first + 1);
    return cost;
  };
}

/** What the cost limit says about the heavy options, for the descriptions. */
const PRICED = `Counts against the request's cost limit (shared by a batch's operations; over it: QUERY_TOO_EXPENSIVE)`;

@ArgsType()
class TopKArgs {
  @Field(() => Int, { defaultValue: 10, description: FIRST })
  @Min(1)
  @Max(100)
  first!: number;

  @Field(() => String, { nullable: true, description: AFTER })
  after?: string;

  @Field(() => ArtworkFilter, { nullable: true, description: "Only works meeting these conditions; still up to `first` results when the filter is narrow." })
  @ValidateNested()
  filter?: ArtworkFilter;

  @Field(() => SimilarityWeights, { nullable: true, description: `How much the image and each metadata group count; left out: the weights the index was built with. ${PRICED} at ${FEATURE_COST.weights} points.` })
  @ValidateNested()
  weights?: SimilarityWeights;
}

@ArgsType()
class SimilarArgs extends TopKArgs {
  @Field(() => ID, { description: "The work to find similar works for; it never appears in its own results." })
  id!: string;

  @Field(() => Float, { nullable: true, description: `From 0 (closest first) to 1 (most varied): trades closeness for variety among the results. Default 0. ${PRICED} at ${FEATURE_COST.diversity} + ${FEATURE_COST.diversityPerPick} × (first + 1) points.` })
  @Min(0)
  @Max(1)
  diversity?: number;

  @Field(() => Boolean, { nullable: true, description: `At most one work per artist. Default false. ${PRICED} at ${FEATURE_COST.groupByArtist} points.` })
  groupByArtist?: boolean;
}

@ArgsType()
class SearchByImageArgs extends TopKArgs {
  @Field(() => ImageInput, { description: "The image to search with." })
  @ValidateNested()
  image!: ImageInput;
}

@ArgsType()
class RecommendationsArgs {
  @Field(() => [ID], { description: `Works the visitor liked: at least one, at most ${MAX_EXAMPLES} together with \`negative\`.` })
  @ArrayMaxSize(MAX_EXAMPLES)
  positive!: string[];

  @Field(() => [ID], { nullable: true, description: `Works the visitor disliked; results move away from them. At most ${MAX_EXAMPLES} together with \`positive\`.` })
  @ArrayMaxSize(MAX_EXAMPLES)
  negative?: string[];

  @Field(() => RecommendationExclusions, { nullable: true, description: "Artists, categories or works never to recommend." })
  @ValidateNested()
  exclude?: RecommendationExclusions;

  @Field(() => RecommendationStrategy, { defaultValue: RecommendationStrategy.AVERAGE_VECTOR, description: "How likes and dislikes combine. Default AVERAGE_VECTOR." })
  strategy!: RecommendationStrategy;

  @Field(() => Int, { defaultValue: 10, description: FIRST })
  @Min(1)
  @Max(100)
  first!: number;

  @Field(() => String, { nullable: true, description: AFTER })
  after?: string;

  @Field(() => ArtworkFilter, { nullable: true, description: "Only works meeting these conditions." })
  @ValidateNested()
  filter?: ArtworkFilter;

  @Field(() => SimilarityWeights, { nullable: true, description: "How much the image and each metadata group count." })
  @ValidateNested()
  weights?: SimilarityWeights;
}

function toWeights(w: SimilarityWeights | undefined | null): SimilarityWeightsInput | null {
  if (!w) return null;
  return { image: w.image, metadata: w.metadata, groups: { artist: w.artist, medium: w.medium, time: w.time, provenance: w.provenance, size: w.size, palette: w.palette } };
}

export function toBreakdown(p: ScoreParts): SimilarityBreakdown {
  return { score: p.total, image: p.image, metadata: p.metadata, groups: { ...p.groups }, ...p.groups };
}

/** Where a page of a ranked list starts, and how many ranks the service must rank for it. */
interface RankedRequest {
  /** The list's key (ranked-page.ts), hashed on first use: only `after` and the cursors read it. */
  readonly key: () => string;
  readonly offset: number;
  readonly first: number;
  /** Ranks to ask for: the page and one more, or all ranks up to the depth when the order of the top ranks depends on how many are ranked. */
  readonly k: number;
  /** Ranks read: the page's end and one more (whether a next page exists). */
  readonly picks: number;
}

/**
 * The list a request pages through. `identity` is everything that decides the order; `prefixStable`
 * says whether the top n of a ranking of k > n are the top n of a ranking of n (the index's own
 * order): otherwise (re-weighted scores, MMR, BEST_SCORE re-sorting) every page is cut from the
 * ranking of all the top ranks, so page 2 continues page 1 without repeats or gaps.
 */
function rankedRequest(kind: string, identity: unknown, args: { first: number; after?: string | null }, prefixStable: boolean): RankedRequest {
  const key = once(() => rankedListKey(kind, identity));
  const offset = args.after == null ? 0 : rankAfter(args.after, key());
  return { key, offset, first: args.first, k: prefixStable ? ranksFor(offset, args.first) : RANK_DEPTH, picks: ranksFor(offset, args.first) };
}

async function toConnection(result: SimilarResult, request: RankedRequest, ctx: GraphQLContext): Promise<SimilarArtworkConnection> {
  const page = rankedPage(result.hits, request.key, request.offset, request.first);
  const rows = await ctx.loaders.artworkById.loadMany(page.items.map((i) => i.hit.artworkId));
  const edges = page.items.flatMap((item, i) => {
    const row = rows[i];
    // a work deleted after it was found is left out (its vector is being removed)
    if (!row || row instanceof Error) return [];
    const h = item.hit;
    // no parts: the query did not select `breakdown` (see explains); the cursor is hashed only when read
    const edge = {
      get cursor() {
        return item.cursor;
      },
      node: row as ArtworkRow as never,
      score: h.score,
      breakdown: h.parts ? toBreakdown(h.parts) : (undefined as never),
    };
    return [edge];
  });
  return { edges, pageInfo: page.pageInfo, embeddingVersion: result.embeddingVersion };
}

/** Whether the query reads `edges { breakdown }`: without it the service needs no vectors to score (the usual gallery request). */
function explains(info: GraphQLResolveInfo): boolean {
  return selects(info, "edges", "breakdown");
}

@Resolver()
export class SimilarityResolver {
  constructor(private readonly similarity: SimilarityService) {}

  @Query(() => SimilarArtworkConnection, {
    description: `Works most similar to one work, by image and metadata, best first; each with its score split into parts. Its cost points: 10 + first × the fields asked per work, plus ${FEATURE_COST.weights} with \`weights\`, ${FEATURE_COST.groupByArtist} with \`groupByArtist\`, ${FEATURE_COST.diversity} + ${FEATURE_COST.diversityPerPick} × (first + 1) with \`diversity\`. A request whose rankings take longer than its time budget (all its operations together) fails with QUERY_TOO_EXPENSIVE.`,
    complexity: similarCost(10),
  })
  async similarArtworks(@Args() args: SimilarArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<SimilarArtworkConnection> {
    const id = expectId(args.id, "Artwork", "id");
    const { first, after, ...ranking } = args;
    const request = rankedRequest("similarArtworks", { ...ranking, id }, args, !args.weights && !args.diversity && !args.groupByArtist);
    const result = await this.similarity.similarTo(id, {
      k: request.k,
      weights: toWeights(args.weights),
      filter: toArtworkFilter(args.filter, "filter"),
      diversity: args.diversity,
      groupByArtist: args.groupByArtist,
      explain: explains(info),
      picks: request.picks,
      budget: ctx.budget,
    });
    return toConnection(result, request, ctx);
  }

  @Query(() => SimilarArtworkConnection, {
    description: `Works that look most like an image (given by URL or base64), best first. Its cost points: 50 + first × the fields asked per work, plus ${FEATURE_COST.weights} with \`weights\`.`,
    complexity: similarCost(50),
  })
  async searchByImage(@Args() args: SearchByImageArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<SimilarArtworkConnection> {
    const { first, after, ...ranking } = args;
    // the image's scores (image and colour parts) re-sort the index's hits: every page is cut from all the top ranks
    const request = rankedRequest("searchByImage", ranking, args, false);
    const result = await this.similarity.searchByImage(args.image, {
      k: request.k,
      weights: toWeights(args.weights),
      filter: toArtworkFilter(args.filter, "filter"),
      explain: explains(info),
      budget: ctx.budget,
    });
    return toConnection(result, request, ctx);
  }

  @Query(() => SimilarArtworkConnection, {
    description: "Works to recommend from liked and disliked works, steering away from excluded artists, categories or works.",
    complexity: ({ args, childComplexity }) => 10 + pageForCost(args.first, 10) * Math.max(childComplexity, 1),
  })
  async recommendations(@Args() args: RecommendationsArgs, @Ctx() ctx: GraphQLContext): Promise<SimilarArtworkConnection> {
    const examples = {
      positive: args.positive.map((id, i) => expectId(id, "Artwork", `positive.${i}`)),
      negative: args.negative?.map((id, i) => expectId(id, "Artwork", `negative.${i}`)),
      excludeArtistIds: args.exclude?.artistIds?.map((id, i) => selectId(id, "Artist", `exclude.artistIds.${i}`)),
      excludeMediumCategories: args.exclude?.mediumCategories,
      excludeArtworkIds: args.exclude?.artworkIds?.map((id, i) => selectId(id, "Artwork", `exclude.artworkIds.${i}`)),
      strategy: args.strategy,
    };
    // the service re-sorts the index's hits by its own scores: every page is cut from all the top ranks
    const request = rankedRequest("recommendations", { ...examples, filter: args.filter, weights: args.weights }, args, false);
    const result = await this.similarity.recommend({ ...examples, k: request.k, filter: toArtworkFilter(args.filter, "filter"), weights: toWeights(args.weights), budget: ctx.budget });
    return toConnection(result, request, ctx);
  }

  @Query(() => SimilarityBreakdown, { description: "How similar two works are, with the score split into image, metadata and per-group parts." })
  async explainSimilarity(
    @Arg("a", () => ID, { description: "The first work." }) a: string,
    @Arg("b", () => ID, { description: "The second work." }) b: string,
    @Arg("weights", () => SimilarityWeights, { nullable: true, description: "Weights to score with; left out: the index's." }) weights: SimilarityWeights | undefined,
  ): Promise<SimilarityBreakdown> {
    return toBreakdown(await this.similarity.explainPair(expectId(a, "Artwork", "a"), expectId(b, "Artwork", "b"), toWeights(weights)));
  }
}
