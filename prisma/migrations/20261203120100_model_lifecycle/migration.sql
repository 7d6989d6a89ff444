-- Model lifecycle (issue 13): registry status with approval, training snapshots, training jobs.
CREATE TYPE "ModelStatus" AS ENUM ('candidate', 'shadow', 'active', 'retired');
ALTER TABLE "ModelVersion"
    ADD COLUMN "status" "ModelStatus" NOT NULL DEFAULT 'candidate',
    ADD COLUMN "weightsSha256" TEXT,
    ADD COLUMN "snapshotSha256" TEXT,
    ADD COLUMN "codeCommit" TEXT,
    ADD COLUMN "seed" INTEGER,
    ADD COLUMN "bundleDir" TEXT,
    ADD COLUMN "trainingJobId" UUID,
    ADD COLUMN "statusChangedById" UUID,
    ADD COLUMN "statusReason" TEXT,
    ADD COLUMN "statusChangedAt" TIMESTAMPTZ(3),
    ADD COLUMN "previousActiveId" UUID;
-- versions registered before: the active one stays active, earlier served ones are retired
UPDATE "ModelVersion" SET "status" = CASE WHEN "active" THEN 'active'::"ModelStatus" ELSE 'retired'::"ModelStatus" END;
CREATE INDEX "ModelVersion_status_idx" ON "ModelVersion" ("status");
-- exactly one active version per model name; `active` mirrors the status
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_active_status_check" CHECK ("active" = ("status" = 'active'));
CREATE UNIQUE INDEX "ModelVersion_one_active_per_name" ON "ModelVersion" ("name") WHERE "status" = 'active';

CREATE TABLE "TrainingSnapshot" (
    "id" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "indexDate" DATE NOT NULL,
    "heads" TEXT[],
    "imageSize" INTEGER,
    "imageResize" TEXT,
    "rows" INTEGER NOT NULL,
    "imageRows" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "labels" JSONB NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TrainingSnapshot_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TrainingSnapshot_sha256_key" ON "TrainingSnapshot" ("sha256");

CREATE TYPE "TrainingJobStatus" AS ENUM ('queued', 'running', 'done', 'failed', 'cancelled');
CREATE TABLE "TrainingJob" (
    "id" UUID NOT NULL,
    "snapshotId" UUID NOT NULL,
    "strategy" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "status" "TrainingJobStatus" NOT NULL DEFAULT 'queued',
    "progress" JSONB,
    "error" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "modelVersionId" UUID,
    "requestedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    CONSTRAINT "TrainingJob_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "TrainingJob_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "TrainingSnapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "TrainingJob_createdAt_idx" ON "TrainingJob" ("createdAt" DESC);
