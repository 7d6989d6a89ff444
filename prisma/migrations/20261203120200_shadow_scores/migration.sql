-- Shadow scores (issue 13): what a version in shadow scored for an assessment, kept apart from the
-- assessment's own scores (which clinicians see). Removed with the assessment.
CREATE TABLE "ShadowScore" (
    "id" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "modelVersionId" UUID NOT NULL,
    "scores" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ShadowScore_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ShadowScore_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "Assessment"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShadowScore_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ShadowScore_assessmentId_modelVersionId_key" ON "ShadowScore" ("assessmentId", "modelVersionId");
CREATE INDEX "ShadowScore_modelVersionId_idx" ON "ShadowScore" ("modelVersionId");
