/**
 * ImageFetchQueue on the catalogue database (PostgreSQL or embedded). Claims take turns under an
 * advisory lock so the per-host count they read includes every earlier claim's RUNNING rows.
 */
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { ClaimedImageFetch, ImageFetchCounts, ImageFetchQueue } from "../../ports/image-fetch-queue.port.ts";

/** Advisory lock key of image-fetch claims (the embedding queue uses another). */
const CLAIM_LOCK = 727276;

export class PrismaImageFetchQueue implements ImageFetchQueue {
  constructor(private readonly prisma: PrismaClient) {}

  async claim(limit: number, perHost: number, workerId: string, leaseMs: number): Promise<ClaimedImageFetch[]> {
    if (limit <= 0) return [];
    const leaseSeconds = Math.max(1, Math.round(leaseMs / 1000));
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})::text`);
      // due jobs ranked within their host; a host gets only the slots its live RUNNING jobs leave free
      // (files copied at import are read from the image store: no host to spare, no limit)
      return tx.$queryRawUnsafe<ClaimedImageFetch[]>(
        `UPDATE "ImageFetchJob" SET status = 'RUNNING', "lockedAt" = now(), "lockedBy" = $1, attempts = attempts + 1, "updatedAt" = now()
         WHERE "artworkId" IN (
           SELECT d."artworkId" FROM (
             SELECT j."artworkId", j.host, j."nextAttemptAt", j."createdAt",
                    row_number() OVER (PARTITION BY j.host ORDER BY j."nextAttemptAt", j."createdAt", j."artworkId") AS rank
             FROM "ImageFetchJob" j
             WHERE (j.status = 'PENDING' AND j."nextAttemptAt" <= now())
                OR (j.status = 'RUNNING' AND j."lockedAt" < now() - make_interval(secs => $2))
           ) d
           LEFT JOIN (
             SELECT r.host, count(*) AS running FROM "ImageFetchJob" r
             WHERE r.status = 'RUNNING' AND r."lockedAt" >= now() - make_interval(secs => $2)
             GROUP BY r.host
           ) busy ON busy.host = d.host
           WHERE d.host = 'local' OR d.rank + coalesce(busy.running, 0) <= $3::int
           ORDER BY d."nextAttemptAt", d."createdAt"
           LIMIT $4::int)
         RETURNING "artworkId", request, host, attempts`,
        workerId,
        leaseSeconds,
        perHost,
        limit,
      );
    });
  }

  async retry(job: ClaimedImageFetch, error: string, retryAt: Date): Promise<void> {
    await this.prisma.imageFetchJob.updateMany({
      where: { artworkId: job.artworkId, request: job.request },
      data: { status: "PENDING", lastError: error.slice(0, 2000), nextAttemptAt: retryAt, lockedAt: null, lockedBy: null },
    });
  }

  async nextDueAt(): Promise<Date | null> {
    const next = await this.prisma.imageFetchJob.findFirst({ where: { status: "PENDING" }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } });
    return next?.nextAttemptAt ?? null;
  }

  async counts(): Promise<ImageFetchCounts> {
    const groups = await this.prisma.imageFetchJob.groupBy({ by: ["status"], _count: { _all: true } });
    const out = { PENDING: 0, RUNNING: 0 };
    for (const g of groups) if (g.status === "PENDING" || g.status === "RUNNING") out[g.status] = g._count._all;
    return out;
  }
}
