/** JobQueue on the catalogue database (PostgreSQL or embedded): claims use FOR UPDATE SKIP LOCKED. */
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { EmbeddingReason } from "../../ports/catalogue-store.port.ts";
import type { ClaimedJob, EmbeddingJobRow, JobCursor, JobQueue, JobStatus, OpenJobStatus } from "../../ports/job-queue.port.ts";

/** Advisory lock key of embedding-job claims. */
const CLAIM_LOCK = 727275;

export class PrismaJobQueue implements JobQueue {
  constructor(private readonly prisma: PrismaClient) {}

  async claim(limit: number, workerId: string, leaseMs: number, generation: string): Promise<ClaimedJob[]> {
    const leaseSeconds = Math.max(1, Math.round(leaseMs / 1000));
    // Claims take turns (a transaction-scoped advisory lock, released at commit): the "no other worker
    // holds this work" test then always sees the previous claim's RUNNING rows, so two workers never
    // embed the same work at once (the older read could otherwise be written last). A claim takes ms.
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})::text`);
      return tx.$queryRawUnsafe<ClaimedJob[]>(
      `UPDATE "EmbeddingJob" SET status = 'RUNNING', "lockedAt" = now(), "lockedBy" = $1, attempts = attempts + 1, "updatedAt" = now(), generation = $4
       WHERE id IN (
         SELECT j.id FROM "EmbeddingJob" j
         WHERE ((j.status = 'PENDING' AND j."nextAttemptAt" <= now()) OR (j.status = 'RUNNING' AND j."lockedAt" < now() - make_interval(secs => $2)))
           AND (j.generation = $4 OR j.generation IS NULL)
           AND NOT EXISTS (
             SELECT 1 FROM "EmbeddingJob" r
             WHERE r."artworkId" = j."artworkId" AND r.status = 'RUNNING' AND r."lockedAt" >= now() - make_interval(secs => $2) AND r."lockedBy" <> $1)
         ORDER BY j."createdAt"
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING id, "artworkId", reason, attempts`,
      workerId,
      leaseSeconds,
      limit,
      generation,
      );
    });
  }

  async complete(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.prisma.embeddingJob.updateMany({ where: { id: { in: [...jobIds] } }, data: { status: "DONE", lockedAt: null, lockedBy: null, lastError: null } });
  }

  async fail(jobId: string, error: string, retryAt: Date | null): Promise<void> {
    await this.prisma.embeddingJob.update({
      where: { id: jobId },
      data: { status: retryAt ? "PENDING" : "FAILED", lastError: error.slice(0, 2000), nextAttemptAt: retryAt ?? new Date(), lockedAt: null, lockedBy: null },
    });
  }

  async enqueue(artworkIds: readonly string[], reason: EmbeddingReason, generation: string | null = null): Promise<void> {
    if (artworkIds.length === 0) return;
    await this.prisma.embeddingJob.createMany({ data: artworkIds.map((artworkId) => ({ artworkId, reason, generation })) });
  }

  async counts(): Promise<Record<OpenJobStatus, number>> {
    // an index range per open state: DONE rows (most of the table) are never read
    return this.countOpen({ status: { in: ["PENDING", "RUNNING", "FAILED"] } });
  }

  async generationCounts(generation: string): Promise<Record<OpenJobStatus, number>> {
    // unstamped FAILED or RUNNING rows were left by a version of vitrine before generations: not this one's
    return this.countOpen({ OR: [{ generation, status: { in: ["PENDING", "RUNNING", "FAILED"] } }, { generation: null, status: "PENDING" }] });
  }

  private async countOpen(where: Prisma.EmbeddingJobWhereInput): Promise<Record<OpenJobStatus, number>> {
    const groups = await this.prisma.embeddingJob.groupBy({ by: ["status"], where, _count: { _all: true } });
    const out: Record<OpenJobStatus, number> = { PENDING: 0, RUNNING: 0, FAILED: 0 };
    for (const g of groups) out[g.status as OpenJobStatus] = g._count._all;
    return out;
  }

  async failures(limit: number) {
    return this.prisma.embeddingJob.findMany({
      where: { status: "FAILED" },
      orderBy: { updatedAt: "desc" },
      take: limit,
      select: { artworkId: true, attempts: true, lastError: true, updatedAt: true },
    });
  }

  async pruneDone(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM "EmbeddingJob" WHERE id IN (
         SELECT id FROM "EmbeddingJob" WHERE status = 'DONE' AND "updatedAt" < $1::timestamptz ORDER BY "updatedAt" LIMIT $2)`,
      before.toISOString(),
      limit,
    );
  }

  async list(status: JobStatus | null, limit: number, after: JobCursor | null): Promise<EmbeddingJobRow[]> {
    const rows = await this.prisma.embeddingJob.findMany({
      where: {
        ...(status ? { status } : {}),
        ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: limit,
      select: { id: true, artworkId: true, reason: true, generation: true, status: true, attempts: true, lastError: true, nextAttemptAt: true, createdAt: true, updatedAt: true },
    });
    return rows.map((r) => ({ ...r, status: r.status as JobStatus }));
  }

  count(status: JobStatus | null): Promise<number> {
    return this.prisma.embeddingJob.count({ where: status ? { status } : {} });
  }
}
