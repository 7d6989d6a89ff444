-- The web tier reads the active model from ModelVersion instead of loading it (issue 11 item 4):
-- when several names are active, the one activated last is the one new assessments are queued for.
ALTER TABLE "ModelVersion" ADD COLUMN "activatedAt" TIMESTAMPTZ(3);
UPDATE "ModelVersion" SET "activatedAt" = "createdAt" WHERE "active";

-- One row per running assessment worker (in-process or `npm run worker`), refreshed while it runs:
-- /api/health reports the model backend and how many workers are alive from here.
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "modelName" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "processed" JSONB NOT NULL DEFAULT '{}',
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "WorkerHeartbeat_lastSeenAt_idx" ON "WorkerHeartbeat"("lastSeenAt");
