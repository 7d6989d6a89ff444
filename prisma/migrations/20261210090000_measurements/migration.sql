-- Saved measurements (issue 16): what a clinician drew on a scan in the viewer, kept for the next
-- reader. Soft-deleted by their author (deletedAt / deletedById); removed with the scan.
CREATE TABLE "Measurement" (
    "id" UUID NOT NULL,
    "scanId" UUID NOT NULL,
    "frameIndex" INTEGER NOT NULL,
    "sopInstanceUid" TEXT,
    "toolType" TEXT NOT NULL,
    "geometry" JSONB NOT NULL,
    "stats" JSONB NOT NULL,
    "label" TEXT,
    "authorId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMPTZ(3),
    "deletedById" UUID,
    CONSTRAINT "Measurement_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Measurement_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Measurement_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "Measurement_scanId_createdAt_idx" ON "Measurement" ("scanId", "createdAt");
CREATE INDEX "Measurement_authorId_idx" ON "Measurement" ("authorId");
