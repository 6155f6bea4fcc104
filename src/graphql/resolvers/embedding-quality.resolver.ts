/** The quality report of the live vectors (`embeddingQuality`, admin); delegates to EmbeddingQualityService. */
import { Max, Min } from "class-validator";
import { Args, ArgsType, Authorized, Field, Float, Int, Query, Resolver } from "type-graphql";
import type { EmbeddingQualityService } from "../../services/embedding-quality.service.ts";
import { EmbeddingQuality } from "../types/embedding-quality.types.ts";

@ArgsType()
class EmbeddingQualityArgs {
  @Field(() => Int, { defaultValue: 42, description: "Seed of the held-out split; the same seed gives the same figures. Default 42." })
  @Min(0)
  seed!: number;

  @Field(() => Float, { defaultValue: 0.2, description: "Share of works held out as queries, from 0.05 to 0.5. Default 0.2." })
  @Min(0.05)
  @Max(0.5)
  holdout!: number;

  @Field(() => Int, { defaultValue: 10, description: "Neighbours per held-out work, from 1 to 50. Default 10." })
  @Min(1)
  @Max(50)
  k!: number;
}

/** `embeddingQuality` (admin). */
@Resolver()
export class EmbeddingQualityResolver {
  constructor(private readonly quality: EmbeddingQualityService) {}

  @Authorized("ADMIN")
  @Query(() => EmbeddingQuality, {
    description: "How far the live vectors can be trusted, measured on held-out works (cached per generation; the first call reads every vector and can take tens of seconds on 50,000 works, the most it reads). Needs an admin key.",
    complexity: 50,
  })
  embeddingQuality(@Args() args: EmbeddingQualityArgs): Promise<EmbeddingQuality> {
    return this.quality.report({ seed: args.seed, holdout: args.holdout, k: args.k }) as Promise<EmbeddingQuality>;
  }
}
