-- DICOMweb (issue 15): studies / series / instances on Scan, and the PACS sources an admin configures.
--
-- Scan already carries the three UIDs; QIDO-RS and WADO-RS look them up, so they get indexes. A
-- re-sent instance is not stored twice: STOW-RS and PACS import look for (patientId,
-- sopInstanceUid) under a transaction-scoped advisory lock before writing (lib/dicomweb/ingest.ts).
-- Not a UNIQUE constraint: uploads keep their rule (the same bytes once per patient), and existing
-- databases may hold one instance in two transfer syntaxes uploaded on purpose.
CREATE INDEX "Scan_studyInstanceUid_idx" ON "Scan"("studyInstanceUid");
CREATE INDEX "Scan_seriesInstanceUid_idx" ON "Scan"("seriesInstanceUid");
CREATE INDEX "Scan_patientId_sopInstanceUid_idx" ON "Scan"("patientId", "sopInstanceUid");

CREATE TYPE "DicomwebAuth" AS ENUM ('none', 'basic', 'bearer');

CREATE TABLE "DicomwebSource" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "authType" "DicomwebAuth" NOT NULL DEFAULT 'none',
    "username" TEXT,
    "secretCiphertext" TEXT,
    "secretEnv" TEXT,
    "timeoutMs" INTEGER NOT NULL DEFAULT 30000,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "pushTokenHash" TEXT,
    "pushTokenCreatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DicomwebSource_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "DicomwebSource_name_key" ON "DicomwebSource"("name");
CREATE UNIQUE INDEX "DicomwebSource_pushTokenHash_key" ON "DicomwebSource"("pushTokenHash");
