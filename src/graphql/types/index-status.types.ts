/** Admin views of the vector index and its outbox: indexStatus and embeddingJobs. */
import { DateTimeResolver } from "graphql-scalars";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "./connection.ts";

/** The states of an embedding job; the internal value is the stored one. */
export enum EmbeddingJobStatus {
  PENDING = "PENDING",
  RUNNING = "RUNNING",
  DONE = "DONE",
  FAILED = "FAILED",
}

registerEnumType(EmbeddingJobStatus, {
  name: "EmbeddingJobStatus",
  description: "Where an embedding job stands.",
  valuesConfig: {
    PENDING: { description: "Waiting to be taken, or for its retry time after a failure." },
    RUNNING: { description: "Taken by a worker (a lease of VITRINE_WORKER_LEASE_SECONDS, 5 minutes by default)." },
    DONE: { description: "Finished; removed after VITRINE_JOB_RETENTION_HOURS." },
    FAILED: { description: "Given up after VITRINE_WORKER_MAX_ATTEMPTS failures; `lastError` says why." },
  },
});

@ObjectType({ description: "A job of the embedding outbox: (re)compute or remove one work's vector." })
export class EmbeddingJob {
  @Field(() => ID, { description: "The job's id." })
  id!: string;

  @Field(() => ID, { description: "Global id of the work the job is for (the work may be deleted since)." })
  artworkId!: string;

  @Field({ description: "Why it was queued, e.g. CREATED, IMPORTED, IMAGE_CHANGED, REINDEX." })
  reason!: string;

  @Field(() => String, { nullable: true, description: "The generation (vector collection) the job fills; null until a worker takes a job that a catalogue change queued." })
  generation!: string | null;

  @Field(() => EmbeddingJobStatus, { description: "Where the job stands." })
  status!: EmbeddingJobStatus;

  @Field(() => Int, { description: "Attempts so far." })
  attempts!: number;

  @Field(() => String, { nullable: true, description: "The last failure's message; null when none failed." })
  lastError!: string | null;

  @Field(() => DateTimeResolver, { description: "When a PENDING job is due next." })
  nextAttemptAt!: Date;

  @Field(() => DateTimeResolver, { description: "When the job was queued." })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: "When the job last changed." })
  updatedAt!: Date;
}

/** A page of embedding jobs. */
export const EmbeddingJobConnection = Connection(EmbeddingJob, "embedding job");

@ObjectType({ description: "A collection of vectors: the one readers use, or the one being built for a new embedding version." })
export class IndexGeneration {
  @Field({ description: "The collection's name (alias target)." })
  collection!: string;

  @Field(() => String, { nullable: true, description: "The embedding version of its vectors; null when this server cannot read that version." })
  embeddingVersion!: string | null;

  @Field(() => Int, { description: "Vectors it holds (one per embedded work)." })
  vectors!: number;
}

@ObjectType({ description: "A work whose embedding failed for good." })
export class EmbeddingFailure {
  @Field(() => ID, { description: "Global id of the work." })
  artworkId!: string;

  @Field(() => Int, { description: "Attempts made." })
  attempts!: number;

  @Field(() => String, { nullable: true, description: "Why the last attempt failed." })
  lastError!: string | null;

  @Field(() => DateTimeResolver, { description: "When it was given up." })
  failedAt!: Date;
}

@ObjectType({ description: "What is indexed: the catalogue's size beside each generation's vectors, and the outbox's open jobs." })
export class IndexStatus {
  @Field(() => Int, { description: "Works in the catalogue; a complete generation holds as many vectors." })
  catalogueCount!: number;

  @Field(() => IndexGeneration, { nullable: true, description: "The generation readers use; null before the first one is created." })
  live!: IndexGeneration | null;

  @Field(() => IndexGeneration, { nullable: true, description: "The generation being built for a new embedding version; null when none is." })
  building!: IndexGeneration | null;

  @Field(() => Int, { description: "Jobs waiting (PENDING), due now or at their retry time." })
  pendingJobs!: number;

  @Field(() => Int, { description: "Jobs taken by a worker (RUNNING)." })
  runningJobs!: number;

  @Field(() => Int, { description: "Jobs given up (FAILED)." })
  failedJobs!: number;

  @Field(() => [EmbeddingFailure], { description: "The newest failed jobs with their reasons, up to `failures` (the query's argument)." })
  failures!: EmbeddingFailure[];
}
