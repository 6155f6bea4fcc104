-- CreateTable
CREATE TABLE "Artwork" (
    "id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "accessionNumber" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "dateText" TEXT,
    "yearStart" INTEGER,
    "yearEnd" INTEGER,
    "medium" TEXT,
    "mediumCategory" TEXT,
    "classification" TEXT,
    "dimensionsText" TEXT,
    "widthCm" DOUBLE PRECISION,
    "heightCm" DOUBLE PRECISION,
    "depthCm" DOUBLE PRECISION,
    "diameterCm" DOUBLE PRECISION,
    "department" TEXT,
    "creditLine" TEXT,
    "dateAcquired" TEXT,
    "physicalLocation" TEXT,
    "webUrl" TEXT,
    "provenanceText" TEXT,
    "provenanceNotes" TEXT,
    "license" TEXT,
    "imageUrl" TEXT,
    "imageUrls" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "imageLicense" TEXT,
    "palette" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Artwork_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artist" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "citedName" TEXT,
    "partyType" TEXT,
    "nationality" TEXT,
    "birthYear" INTEGER,
    "deathYear" INTEGER,
    "birthPlace" TEXT,
    "deathPlace" TEXT,
    "sourceArtistId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Artist_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArtworkArtist" (
    "artworkId" UUID NOT NULL,
    "artistId" UUID NOT NULL,
    "role" TEXT,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ArtworkArtist_pkey" PRIMARY KEY ("artworkId","position")
);

-- CreateTable
CREATE TABLE "ProvenanceEvent" (
    "id" UUID NOT NULL,
    "artworkId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "owner" TEXT,
    "place" TEXT,
    "dateText" TEXT,
    "yearStart" INTEGER,
    "yearEnd" INTEGER,
    "method" TEXT,
    "text" TEXT NOT NULL,

    CONSTRAINT "ProvenanceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "id" UUID NOT NULL,
    "artworkId" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "sourceUrl" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmbeddingJob" (
    "id" UUID NOT NULL,
    "artworkId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedAt" TIMESTAMPTZ(3),
    "lockedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EmbeddingJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Artwork_mediumCategory_idx" ON "Artwork"("mediumCategory");

-- CreateIndex
CREATE INDEX "Artwork_department_idx" ON "Artwork"("department");

-- CreateIndex
CREATE INDEX "Artwork_yearStart_yearEnd_idx" ON "Artwork"("yearStart", "yearEnd");

-- CreateIndex
CREATE INDEX "Artwork_title_idx" ON "Artwork"("title");

-- CreateIndex
CREATE UNIQUE INDEX "Artwork_source_sourceId_key" ON "Artwork"("source", "sourceId");

-- CreateIndex
CREATE UNIQUE INDEX "Artist_key_key" ON "Artist"("key");

-- CreateIndex
CREATE INDEX "Artist_name_idx" ON "Artist"("name");

-- CreateIndex
CREATE INDEX "Artist_nationality_idx" ON "Artist"("nationality");

-- CreateIndex
CREATE INDEX "ArtworkArtist_artistId_idx" ON "ArtworkArtist"("artistId");

-- CreateIndex
CREATE INDEX "ProvenanceEvent_owner_idx" ON "ProvenanceEvent"("owner");

-- CreateIndex
CREATE UNIQUE INDEX "ProvenanceEvent_artworkId_position_key" ON "ProvenanceEvent"("artworkId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Image_artworkId_key" ON "Image"("artworkId");

-- CreateIndex
CREATE INDEX "Image_sha256_idx" ON "Image"("sha256");

-- CreateIndex
CREATE INDEX "EmbeddingJob_status_nextAttemptAt_idx" ON "EmbeddingJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "EmbeddingJob_artworkId_idx" ON "EmbeddingJob"("artworkId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- AddForeignKey
ALTER TABLE "ArtworkArtist" ADD CONSTRAINT "ArtworkArtist_artworkId_fkey" FOREIGN KEY ("artworkId") REFERENCES "Artwork"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtworkArtist" ADD CONSTRAINT "ArtworkArtist_artistId_fkey" FOREIGN KEY ("artistId") REFERENCES "Artist"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProvenanceEvent" ADD CONSTRAINT "ProvenanceEvent_artworkId_fkey" FOREIGN KEY ("artworkId") REFERENCES "Artwork"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_artworkId_fkey" FOREIGN KEY ("artworkId") REFERENCES "Artwork"("id") ON DELETE CASCADE ON UPDATE CASCADE;
