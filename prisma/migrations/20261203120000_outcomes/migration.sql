-- Observed outcomes (issue 13): the events model labels derive from (lib/outcomes/README.md).
-- Rows are never deleted by the application: a wrong entry is marked entered_in_error with a reason.
CREATE TYPE "OutcomeSource" AS ENUM ('clinician', 'import', 'demo_seed');
CREATE TYPE "OutcomeStatus" AS ENUM ('recorded', 'entered_in_error');

CREATE TABLE "Outcome" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "outcome" TEXT NOT NULL,
    "occurredOn" DATE NOT NULL,
    "source" "OutcomeSource" NOT NULL,
    "status" "OutcomeStatus" NOT NULL DEFAULT 'recorded',
    "recordedById" UUID,
    "enteredInErrorReason" TEXT,
    "enteredInErrorById" UUID,
    "enteredInErrorAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "Outcome_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Outcome_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    -- an entry marked entered in error always says why
    CONSTRAINT "Outcome_error_reason_check" CHECK ("status" <> 'entered_in_error' OR "enteredInErrorReason" IS NOT NULL)
);
CREATE INDEX "Outcome_patientId_occurredOn_idx" ON "Outcome" ("patientId", "occurredOn");
CREATE INDEX "Outcome_outcome_status_idx" ON "Outcome" ("outcome", "status");

-- The end of follow-up as recorded by the clinic (labels use the later of this and the last record activity).
ALTER TABLE "Patient" ADD COLUMN "followUpUntil" DATE;
