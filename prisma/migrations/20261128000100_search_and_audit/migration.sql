-- Trigram indexes: patient search is a case-insensitive substring match (ILIKE '%q%') on name and
-- MRN, which a btree cannot serve at 100k patients.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Patient_familyName_trgm_idx" ON "Patient" USING gin ("familyName" gin_trgm_ops);
CREATE INDEX "Patient_givenName_trgm_idx" ON "Patient" USING gin ("givenName" gin_trgm_ops);
CREATE INDEX "Patient_mrn_trgm_idx" ON "Patient" USING gin ("mrn" gin_trgm_ops);

-- The audit trail is append-only (HIPAA 164.312(b)): rows can be inserted, never changed or removed.
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
