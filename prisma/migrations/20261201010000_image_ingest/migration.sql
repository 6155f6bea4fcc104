-- AlterTable
ALTER TABLE "Artwork" ADD COLUMN     "imageProblem" TEXT,
ADD COLUMN     "imageRequest" TEXT,
ADD COLUMN     "imageStatus" TEXT NOT NULL DEFAULT 'NONE';

-- CreateTable
CREATE TABLE "ImageFetchJob" (
    "artworkId" UUID NOT NULL,
    "request" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedAt" TIMESTAMPTZ(3),
    "lockedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ImageFetchJob_pkey" PRIMARY KEY ("artworkId")
);

-- CreateIndex
CREATE INDEX "ImageFetchJob_status_nextAttemptAt_idx" ON "ImageFetchJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ImageFetchJob_host_status_idx" ON "ImageFetchJob"("host", "status");

-- AddForeignKey
ALTER TABLE "ImageFetchJob" ADD CONSTRAINT "ImageFetchJob_artworkId_fkey" FOREIGN KEY ("artworkId") REFERENCES "Artwork"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Works that already have an image (attached before image statuses existed) are READY
UPDATE "Artwork" SET "imageStatus" = 'READY' WHERE "id" IN (SELECT "artworkId" FROM "Image");
