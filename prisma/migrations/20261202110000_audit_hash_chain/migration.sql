-- Tamper-evident audit trail (issue 10, Medium 11).
--
-- Every AuditEvent row carries `hash` = SHA-256 (hex) of a canonical serialisation of the row that
-- includes `prevHash`, the previous row's hash (64 zeros for the first row). Rewriting, removing or
-- inserting a row anywhere but at the end breaks the chain from that row on; `npm run audit:verify`
-- (lib/auth/audit-chain.ts) recomputes it and names the first broken link.
--
-- The chain is built here, in the database, by a BEFORE INSERT trigger, so every writer (the app,
-- scripts, a future importer) is chained the same way. Appends are serialised by a
-- transaction-scoped advisory lock held until the writing transaction ends, so two concurrent
-- writers cannot both chain onto the same previous row (a fork); the id is taken under that lock
-- (chain order = id order = commit order) and the time is the server's (the writer cannot backdate).

ALTER TABLE "AuditEvent" ADD COLUMN "prevHash" TEXT NOT NULL DEFAULT '';
ALTER TABLE "AuditEvent" ADD COLUMN "hash" TEXT NOT NULL DEFAULT '';

-- The canonical serialisation: a JSON array of every column but `hash`, as PostgreSQL prints jsonb
-- (stable across versions). lib/auth/audit-chain.ts carries its own copy of this expression, so a
-- verifier does not trust a function the table owner could replace.
CREATE FUNCTION audit_event_canonical(e "AuditEvent") RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(
    e."id"::text,
    to_char(e."occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    e."userId"::text,
    e."username",
    e."role"::text,
    e."action",
    e."entityType",
    e."entityId",
    e."patientId"::text,
    e."outcome"::text,
    e."clientAddress",
    e."source",
    e."details",
    e."prevHash"
  )::text
$$;

CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  prev text;
BEGIN
  -- Under REPEATABLE READ / SERIALIZABLE the previous row committed by another writer may be
  -- invisible to this transaction's snapshot, which would fork the chain: refuse.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'AuditEvent rows are written in READ COMMITTED transactions (this one is %)', current_setting('transaction_isolation')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  -- One appender at a time until this transaction commits or rolls back (arbitrary constant key).
  PERFORM pg_advisory_xact_lock(727270002);
  NEW."id" := nextval(pg_get_serial_sequence('"AuditEvent"', 'id'));
  NEW."occurredAt" := now();
  SELECT "hash" INTO prev FROM "AuditEvent" ORDER BY "id" DESC LIMIT 1;
  NEW."prevHash" := coalesce(prev, repeat('0', 64));
  NEW."hash" := encode(sha256(convert_to(audit_event_canonical(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END;
$$;

-- Chain the rows written before this migration, in id order (as the owner, with the append-only
-- trigger paused for this transaction only).
ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_no_update";
DO $$
DECLARE
  r "AuditEvent";
  prev text := repeat('0', 64);
BEGIN
  FOR r IN SELECT * FROM "AuditEvent" ORDER BY "id" LOOP
    r."prevHash" := prev;
    prev := encode(sha256(convert_to(audit_event_canonical(r), 'UTF8')), 'hex');
    UPDATE "AuditEvent" SET "prevHash" = r."prevHash", "hash" = prev WHERE "id" = r."id";
  END LOOP;
END;
$$;
ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_no_update";

CREATE TRIGGER "AuditEvent_chain" BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- The trigger takes the id from the column's sequence itself (under the lock); without the column
-- default, no value is drawn before the lock and thrown away (ids stay consecutive).
ALTER TABLE "AuditEvent" ALTER COLUMN "id" DROP DEFAULT;
