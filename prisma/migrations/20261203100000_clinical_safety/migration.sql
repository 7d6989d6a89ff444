-- Clinical safety (issue 12, items 1 and 2): the right patient and a current score.
--
-- Scan: a header naming another patient (or nobody) attached with a typed reason is flagged on the
-- row; a scan or an assessment entered in error is kept, with who, when and why, and left out of
-- every working view, new assessment and export. Assessments that used such a scan are superseded.
-- Patient.recordVersion counts record changes (RecordChange rows say which parts changed); each
-- assessment stores the version it read, so a score older than the record is shown as stale.

ALTER TABLE "Scan"
  ADD COLUMN "identityFlag" TEXT,
  ADD COLUMN "identityReason" TEXT,
  ADD COLUMN "enteredInErrorAt" TIMESTAMPTZ(3),
  ADD COLUMN "enteredInErrorReason" TEXT,
  ADD COLUMN "enteredInErrorById" UUID,
  ADD CONSTRAINT "Scan_identityFlag_check" CHECK ("identityFlag" IS NULL OR ("identityFlag" IN ('other_patient', 'unidentified') AND "identityReason" IS NOT NULL)),
  ADD CONSTRAINT "Scan_enteredInError_check" CHECK ("enteredInErrorAt" IS NULL OR "enteredInErrorReason" IS NOT NULL);

ALTER TABLE "Assessment"
  ADD COLUMN "recordVersion" INTEGER,
  ADD COLUMN "notBefore" TIMESTAMPTZ(3),
  ADD COLUMN "enteredInErrorAt" TIMESTAMPTZ(3),
  ADD COLUMN "enteredInErrorReason" TEXT,
  ADD COLUMN "enteredInErrorById" UUID,
  ADD COLUMN "supersededAt" TIMESTAMPTZ(3),
  ADD COLUMN "supersededReason" TEXT,
  ADD CONSTRAINT "Assessment_enteredInError_check" CHECK ("enteredInErrorAt" IS NULL OR "enteredInErrorReason" IS NOT NULL);

ALTER TABLE "Patient"
  ADD COLUMN "recordVersion" INTEGER NOT NULL DEFAULT 1,
  ADD COLUMN "latestScoresRecordVersion" INTEGER;

-- rows from before versions: every finished assessment read the record as it is now (version 1)
UPDATE "Assessment" SET "recordVersion" = 1 WHERE "status" = 'done';

CREATE TABLE "RecordChange" (
    "id" BIGSERIAL NOT NULL,
    "patientId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "parts" TEXT[],
    "source" TEXT NOT NULL,
    "userId" UUID,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecordChange_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RecordChange_patientId_version_idx" ON "RecordChange"("patientId", "version");
ALTER TABLE "RecordChange" ADD CONSTRAINT "RecordChange_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The patient list's latest scores come from the newest finished assessment that is still in force
-- (not entered in error, not superseded), with the record version it used.
CREATE OR REPLACE FUNCTION "fcds_refresh_patient_risk"(pid uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a RECORD;
BEGIN
  IF pid IS NULL THEN
    RETURN;
  END IF;
  SELECT COALESCE("completedAt", "createdAt") AS at, "scores", "recordVersion" INTO a
    FROM "Assessment"
   WHERE "patientId" = pid AND "status" = 'done' AND "scores" IS NOT NULL AND jsonb_typeof("scores") = 'object'
     AND "enteredInErrorAt" IS NULL AND "supersededAt" IS NULL
   ORDER BY COALESCE("completedAt", "createdAt") DESC, "id" DESC
   LIMIT 1;
  IF NOT FOUND THEN
    UPDATE "Patient" SET "lastAssessmentAt" = NULL, "latestScores" = NULL, "maxRisk" = NULL, "latestScoresRecordVersion" = NULL
     WHERE "id" = pid AND ("lastAssessmentAt" IS NOT NULL OR "latestScores" IS NOT NULL OR "maxRisk" IS NOT NULL OR "latestScoresRecordVersion" IS NOT NULL);
  ELSE
    UPDATE "Patient"
       SET "lastAssessmentAt" = a.at,
           "latestScores" = a."scores",
           "latestScoresRecordVersion" = a."recordVersion",
           "maxRisk" = (
             SELECT max((e.value ->> 'probability')::double precision)
               FROM jsonb_each(a."scores") AS e
              WHERE jsonb_typeof(e.value) = 'object'
                AND jsonb_typeof(e.value -> 'probability') = 'number')
     WHERE "id" = pid;
  END IF;
END
$$;

DROP TRIGGER "Assessment_patient_risk" ON "Assessment";
CREATE TRIGGER "Assessment_patient_risk"
  AFTER INSERT OR DELETE OR UPDATE OF "status", "scores", "completedAt", "patientId", "recordVersion", "enteredInErrorAt", "supersededAt" ON "Assessment"
  FOR EACH ROW EXECUTE FUNCTION "fcds_assessment_risk_trigger"();

UPDATE "Patient" AS p SET "latestScoresRecordVersion" = 1 WHERE p."latestScores" IS NOT NULL;
