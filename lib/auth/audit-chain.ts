/**
 * Verifies the audit trail's hash chain (migration 20261202110000_audit_hash_chain): each
 * AuditEvent row's `hash` is SHA-256 over a canonical serialisation of the row including
 * `prevHash`, the previous row's hash. The database builds the chain on insert (trigger
 * AuditEvent_chain, under an advisory lock); this module recomputes it, in id order, and reports
 * the first broken link.
 *
 * The canonical expression is repeated here on purpose: the verifier does not call the
 * database's audit_event_canonical(), which the table owner could replace. The recomputation uses
 * only built-ins (jsonb_build_array, to_char, sha256).
 *
 * What the chain proves: a row changed in place, removed, or inserted outside the trigger is found.
 * What it cannot prove alone: someone able to write the table (its owner, with the triggers
 * disabled) could rewrite a row AND recompute every later hash, or cut rows off the end. Against
 * that, keep the head this prints somewhere the database owner cannot write, and check against it
 * later (`--anchor ID:HASH`).
 */
export const CANONICAL_SQL = `jsonb_build_array(
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
  )::text`;

export const GENESIS = "0".repeat(64);

/** Either engine's raw query: a SqlConnection (lib/db/sql.ts) or prismaQueryable(prisma). */
export type Queryable = { query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> };

export function prismaQueryable(db: { $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T> }): Queryable {
  return { query: <T>(sql: string, params: unknown[] = []) => db.$queryRawUnsafe<T[]>(sql, ...params) };
}

export type ChainProblem = "changed" | "link" | "unchained" | "anchor";
export type ChainBreak = { id: string; occurredAt: Date | null; problem: ChainProblem; message: string };
export type ChainHead = { id: string; occurredAt: Date; hash: string };
export type ChainReport = { ok: boolean; rows: number; head: ChainHead | null; firstBreak: ChainBreak | null };
export type Anchor = { id: string; hash: string };

type Row = { id: string; occurredAt: Date; prevHash: string; hash: string; expected: string };

export function parseAnchor(s: string): Anchor {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(s.trim());
  if (!m) throw new Error(`--anchor must be ID:HASH (a row id and its 64-hex-digit hash), got "${s}"`);
  return { id: m[1], hash: m[2].toLowerCase() };
}

/** Walks the whole chain in id order, `batch` rows per query; stops at the first broken link. */
export async function verifyAuditChain(db: Queryable, opts: { batch?: number; anchor?: Anchor } = {}): Promise<ChainReport> {
  const batch = opts.batch ?? 5000;
  let prev = GENESIS;
  let prevId: string | null = null;
  let after = "0";
  let rows = 0;
  let head: ChainHead | null = null;
  const broken = (b: ChainBreak): ChainReport => ({ ok: false, rows, head, firstBreak: b });

  for (;;) {
    const page = await db.query<Row>(
      `SELECT e."id"::text AS id, e."occurredAt" AS "occurredAt", e."prevHash" AS "prevHash", e."hash" AS hash,
              encode(sha256(convert_to(${CANONICAL_SQL}, 'UTF8')), 'hex') AS expected
         FROM "AuditEvent" e WHERE e."id" > $1::bigint ORDER BY e."id" LIMIT $2`,
      [after, batch],
    );
    for (const r of page) {
      const at = new Date(r.occurredAt);
      if (!r.hash)
        return broken({ id: r.id, occurredAt: at, problem: "unchained", message: "has no hash: it was inserted with the chain trigger disabled" });
      if (r.prevHash !== prev)
        return broken({
          id: r.id,
          occurredAt: at,
          problem: "link",
          message: prevId
            ? `does not follow row #${prevId}: a row between them was removed, or row #${prevId} was rewritten together with its hash`
            : "is the first row but does not start the chain: earlier rows were removed",
        });
      if (r.hash !== r.expected)
        return broken({ id: r.id, occurredAt: at, problem: "changed", message: "was changed after it was written (its content no longer matches its hash)" });
      prev = r.hash;
      prevId = r.id;
      rows++;
      head = { id: r.id, occurredAt: at, hash: r.hash };
    }
    if (page.length < batch) break;
    after = page[page.length - 1].id;
  }

  if (opts.anchor) {
    const [a] = await db.query<{ hash: string; occurredAt: Date }>(`SELECT "hash" AS hash, "occurredAt" AS "occurredAt" FROM "AuditEvent" WHERE "id" = $1::bigint`, [opts.anchor.id]);
    if (!a) return broken({ id: opts.anchor.id, occurredAt: null, problem: "anchor", message: "the anchored row is gone (rows were cut off the end of the trail)" });
    if (a.hash !== opts.anchor.hash)
      return broken({ id: opts.anchor.id, occurredAt: new Date(a.occurredAt), problem: "anchor", message: "no longer has the anchored hash (the chain up to it was rewritten)" });
  }
  return { ok: true, rows, head, firstBreak: null };
}

/** One line for people: OK with the head, or the first broken link (row id and time). */
export function describeChainReport(r: ChainReport): string {
  if (r.ok)
    return r.head
      ? `audit chain OK: ${r.rows} rows; head #${r.head.id} at ${r.head.occurredAt.toISOString()} hash ${r.head.hash}`
      : "audit chain OK: the audit trail is empty";
  const b = r.firstBreak!;
  return `audit chain BROKEN at row #${b.id}${b.occurredAt ? ` (${b.occurredAt.toISOString()})` : ""}: ${b.message}. ${r.rows} rows before it verified.`;
}
