-- Security baseline (issue 7).
-- Account lockout: failedLogins restarts when lastFailedLoginAt is older than the lockout window.
ALTER TABLE "User" ADD COLUMN "lastFailedLoginAt" TIMESTAMPTZ(3);
ALTER TABLE "User" ADD COLUMN "lastLoginAt" TIMESTAMPTZ(3);
ALTER TABLE "User" ADD COLUMN "passwordChangedAt" TIMESTAMPTZ(3);

-- Session sweeps and "revoke all of a user's live sessions".
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- Audit log search (admin page, FHIR export): by username, action and outcome over time.
CREATE INDEX "AuditEvent_username_occurredAt_idx" ON "AuditEvent"("username", "occurredAt");
CREATE INDEX "AuditEvent_action_occurredAt_idx" ON "AuditEvent"("action", "occurredAt");

-- Defence in depth beside the append-only trigger: no role other than the owner gets to change
-- audit rows through PUBLIC grants. (Run the app as a non-owner role in production and grant it
-- INSERT, SELECT only; see README "Database roles".)
REVOKE UPDATE, DELETE, TRUNCATE ON "AuditEvent" FROM PUBLIC;
