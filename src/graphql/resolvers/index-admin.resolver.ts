/** Admin reads of the vector index and the embedding outbox: indexStatus and embeddingJobs. Each needs an ADMIN key. */
import { Max, Min } from "class-validator";
import { Arg, Args, ArgsType, Authorized, Field, Int, Query, Resolver } from "type-graphql";
import { MAX_JOB_PAGE, type IndexStatusService } from "../../services/index-status.service.ts";
import { toGlobalId } from "../relay.ts";
import { toConnection, type ConnectionSource } from "../types/connection.ts";
import { EmbeddingJob, EmbeddingJobConnection, EmbeddingJobStatus, IndexStatus } from "../types/index-status.types.ts";
import { connectionComplexity } from "../types/page.args.ts";

@ArgsType()
class EmbeddingJobsArgs {
  @Field(() => EmbeddingJobStatus, { nullable: true, description: "Only jobs in this state; all when left out." })
  status?: EmbeddingJobStatus;

  @Field(() => Int, { nullable: true, description: `Number of jobs after \`after\`, from 0 to ${MAX_JOB_PAGE}. Default 20.` })
  @Min(0)
  @Max(MAX_JOB_PAGE)
  first?: number;

  @Field(() => String, { nullable: true, description: "Cursor to start after (from `pageInfo.endCursor` or an edge)." })
  after?: string;
}

@Resolver()
export class IndexAdminResolver {
  constructor(private readonly service: IndexStatusService) {}

  @Authorized("ADMIN")
  @Query(() => IndexStatus, { description: "What is indexed: catalogue count, vectors per generation (live and building), open and failed jobs. Needs an admin key." })
  async indexStatus(
    @Arg("failures", () => Int, { nullable: true, description: "Failed jobs listed at most, 0 to 100. Default 20." }) failures?: number,
  ): Promise<IndexStatus> {
    const report = await this.service.status(Math.min(Math.max(failures ?? 20, 0), 100));
    return {
      ...report,
      failures: report.failures.map((f) => ({ artworkId: toGlobalId("Artwork", f.artworkId), attempts: f.attempts, lastError: f.lastError, failedAt: f.updatedAt })),
    };
  }

  @Authorized("ADMIN")
  @Query(() => EmbeddingJobConnection, { description: "The embedding outbox's jobs, oldest first, of one status or all. Needs an admin key.", complexity: connectionComplexity })
  async embeddingJobs(@Args(() => EmbeddingJobsArgs) args: EmbeddingJobsArgs): Promise<ConnectionSource<EmbeddingJob>> {
    const status = args.status ?? null;
    const page = await this.service.jobs(status, args.first ?? 20, args.after ?? null);
    return toConnection(EmbeddingJobConnection, {
      page: { ...page, items: page.items.map((i) => ({ cursor: i.cursor, node: { ...i.node, artworkId: toGlobalId("Artwork", i.node.artworkId), status: i.node.status as EmbeddingJobStatus } })) },
      countAll: () => this.service.countJobs(status),
    });
  }
}
