-- A hash of each work's last imported record: a re-import of the same record writes and queues nothing
ALTER TABLE "Artwork" ADD COLUMN "contentHash" TEXT;

-- DONE jobs are pruned by age, and failures listed newest first, without a scan of the whole outbox
CREATE INDEX "EmbeddingJob_status_updatedAt_idx" ON "EmbeddingJob"("status", "updatedAt");

-- admins page through jobs of one status in the order they were queued
CREATE INDEX "EmbeddingJob_status_createdAt_id_idx" ON "EmbeddingJob"("status", "createdAt", "id");
