-- The embedding generation (vector collection) a job fills; NULL for jobs the catalogue's writes
-- queue, which a worker stamps with its own generation when it takes them
ALTER TABLE "EmbeddingJob" ADD COLUMN "generation" TEXT;

-- a generation is complete when none of its jobs is pending, running or failed
CREATE INDEX "EmbeddingJob_generation_status_idx" ON "EmbeddingJob"("generation", "status");
