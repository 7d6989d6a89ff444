-- FHIR R4 import and CDS Hooks (issue 14).
--
-- fhirSource: the identity of the FHIR resource an entry was imported from ("Condition|system|value",
-- "Condition/id", a fullUrl, or a content hash; lib/fhir/identity.ts). Importing the same bundle again
-- finds the entry by (patientId, fhirSource) and changes nothing, a changed resource updates it.
-- Entries typed in by hand have none. PostgreSQL unique indexes treat NULLs as distinct.
ALTER TABLE "Condition" ADD COLUMN "fhirSource" TEXT;
ALTER TABLE "FamilyHistory" ADD COLUMN "fhirSource" TEXT;
ALTER TABLE "DietRecord" ADD COLUMN "fhirSource" TEXT;
CREATE UNIQUE INDEX "Condition_patientId_fhirSource_key" ON "Condition" ("patientId", "fhirSource");
CREATE UNIQUE INDEX "FamilyHistory_patientId_fhirSource_key" ON "FamilyHistory" ("patientId", "fhirSource");
CREATE UNIQUE INDEX "DietRecord_patientId_fhirSource_key" ON "DietRecord" ("patientId", "fhirSource");

-- EHRs allowed to call the CDS Hooks service: their JWT issuer, the keys that verify it (a JWKS URL
-- or an inline JWKS) and, optionally, the client id the token's `sub` must carry. Kept by admins.
CREATE TABLE "TrustedEhr" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwksUrl" TEXT,
    "jwks" JSONB,
    "clientId" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "TrustedEhr_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "TrustedEhr_keys_check" CHECK ("jwksUrl" IS NOT NULL OR "jwks" IS NOT NULL)
);
CREATE UNIQUE INDEX "TrustedEhr_issuer_key" ON "TrustedEhr" ("issuer");

-- Every CDS Hooks JWT id seen, until its token expires: a second use of the same jti is refused.
CREATE TABLE "CdsTokenUse" (
    "issuer" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CdsTokenUse_pkey" PRIMARY KEY ("issuer", "jti")
);
CREATE INDEX "CdsTokenUse_expiresAt_idx" ON "CdsTokenUse" ("expiresAt");
