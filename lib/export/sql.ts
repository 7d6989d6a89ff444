/**
 * The export's SQL, the same on PostgreSQL and embedded PGlite (both through Prisma's raw query,
 * every value a positional parameter). Rows are read in pages by keyset on the assessment's
 * primary key (`a.id > $after ORDER BY a.id LIMIT n`), so memory stays constant and an export can
 * resume after any row; only finished assessments (status `done`) are exported.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { assessmentInForceSql } from "@/lib/db/in-force";
import type { ExportFilters } from "./query";
import { parseCodeTerm, termsSql } from "./codes";
import type { CohortShape, SourceRow } from "./columns";
import type { FeatureRecord } from "./features";
import { headName, plainToken } from "./allow-list";

export type Queryable = Pick<PrismaClient, "$queryRawUnsafe">;

/** Stands for a model name or version that is not a plain token (see allow-list.ts). */
export const WITHHELD = "(withheld: not a plain name)";

/** Age in whole years on the assessment's UTC date, top-coded at 90. */
const AGE = `LEAST(90, date_part('year', age((a."createdAt" AT TIME ZONE 'UTC')::date, p."birthDate"))::int)`;
/**
 * The FROM clause with only the joins a query reads from: `p` (age, sex) and `s` (scan
 * attributes). Both joins keep every assessment once (Patient is a required foreign key, Scan a
 * left join on its primary key), so leaving one out changes no result, only the work — an
 * inner join on a row-by-row index lookup is not removed by the planner by itself.
 */
const from = (o: { patient: boolean; scan: boolean }) =>
  `FROM "Assessment" a${o.patient ? ` JOIN "Patient" p ON p.id = a."patientId"` : ""}${o.scan ? ` LEFT JOIN "Scan" s ON s.id = a."scanId"` : ""}`;

/** `sql` holds the WHERE clause; `patient` / `scan` say which joins its filters read. */
export type Where = { sql: string; params: unknown[]; patient: boolean; scan: boolean };

export function whereClause(f: ExportFilters): Where {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // entered in error, superseded, or of a scan entered in error: never exported (lib/db/in-force.ts)
  const w: string[] = [`a.status = 'done'`, assessmentInForceSql("a")];
  if (f.condition?.length) {
    const terms = f.condition.map((t) => parseCodeTerm(t, "condition"));
    w.push(`EXISTS (SELECT 1 FROM "Condition" c WHERE c."patientId" = a."patientId" AND ${termsSql(terms, "c", params)})`);
  }
  if (f.familyHistory?.length) {
    const terms = f.familyHistory.map((t) => parseCodeTerm(t, "familyHistory"));
    w.push(`EXISTS (SELECT 1 FROM "FamilyHistory" fh WHERE fh."patientId" = a."patientId" AND ${termsSql(terms, "fh", params)})`);
  }
  if (f.ageMin !== undefined) w.push(`${AGE} >= ${p(f.ageMin)}::int`);
  if (f.ageMax !== undefined) w.push(`${AGE} <= ${p(f.ageMax)}::int`);
  if (f.sex?.length) w.push(`p.sex::text = ANY(${p(f.sex)}::text[])`);
  if (f.modality?.length) {
    const mods = f.modality.filter((m) => m.toLowerCase() !== "none").map((m) => m.toUpperCase());
    const none = mods.length !== f.modality.length;
    const parts = [];
    if (mods.length) parts.push(`upper(s.modality) = ANY(${p(mods)}::text[])`);
    if (none) parts.push(`a."scanId" IS NULL`);
    w.push(`(${parts.join(" OR ")})`);
  }
  if (f.from) w.push(`a."createdAt" >= ${p(`${f.from}T00:00:00Z`)}::timestamptz`);
  if (f.to) w.push(`a."createdAt" < (${p(`${f.to}T00:00:00Z`)}::timestamptz + interval '1 day')`);
  if (f.model) w.push(`a."modelName" = ${p(f.model)}`);
  if (f.modelVersion) w.push(`a."modelVersion" = ${p(f.modelVersion)}`);
  if (f.strategy?.length) w.push(`a.strategy::text = ANY(${p(f.strategy)}::text[])`);
  return { sql: `WHERE ${w.join(" AND ")}`, params, patient: f.ageMin !== undefined || f.ageMax !== undefined || !!f.sex?.length, scan: !!f.modality?.length };
}

export async function countCohort(db: Queryable, f: ExportFilters): Promise<{ assessments: number; patients: number }> {
  const w = whereClause(f);
  const [r] = await db.$queryRawUnsafe<{ n: number; patients: number }[]>(
    `SELECT count(*)::int AS n, count(DISTINCT a."patientId")::int AS patients ${from(w)} ${w.sql}`,
    ...w.params,
  );
  return { assessments: Number(r?.n ?? 0), patients: Number(r?.patients ?? 0) };
}

/**
 * Count, models, heads and embedding sizes. Heads and sizes are read from a few finished
 * assessments per model version and strategy (one architecture each), not from every row; a row
 * with more dimensions than that stops the export with an error rather than losing values.
 */
export async function cohortShape(db: Queryable, f: ExportFilters): Promise<CohortShape> {
  const w = whereClause(f);
  const [models, counts] = await Promise.all([
    db.$queryRawUnsafe<{ name: string; version: string; strategy: string; n: number }[]>(
      `SELECT a."modelName" AS name, a."modelVersion" AS version, a.strategy::text AS strategy, count(*)::int AS n ${from(w)} ${w.sql} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      ...w.params,
    ),
    countCohort(db, f),
  ]);
  const heads = new Set<string>();
  const dims = { image: 0, tabular: 0, fused: 0 };
  // a few finished rows per (model, version, strategy): index lookups, no scan of the cohort
  const samples = await Promise.all(
    models.map((m) =>
      db.$queryRawUnsafe<{ heads: string[] | null; image: number | null; tabular: number | null; fused: number | null }[]>(
        `SELECT (SELECT array_agg(DISTINCT k) FROM jsonb_object_keys(CASE WHEN jsonb_typeof(t.scores) = 'object' THEN t.scores ELSE '{}'::jsonb END) k) AS heads,
                CASE WHEN jsonb_typeof(t.embeddings->'image') = 'array' THEN jsonb_array_length(t.embeddings->'image') END AS image,
                CASE WHEN jsonb_typeof(t.embeddings->'tabular') = 'array' THEN jsonb_array_length(t.embeddings->'tabular') END AS tabular,
                CASE WHEN jsonb_typeof(t.embeddings->'fused') = 'array' THEN jsonb_array_length(t.embeddings->'fused') END AS fused
           FROM (SELECT scores, embeddings FROM "Assessment"
                  WHERE "modelName" = $1 AND "modelVersion" = $2 AND strategy::text = $3 AND status = 'done' LIMIT 5) t`,
        m.name,
        m.version,
        m.strategy,
      ),
    ),
  );
  for (const s of samples.flat()) {
    // head names become column names and dictionary text: lower-case identifiers only
    for (const h of s.heads ?? []) if (headName(h)) heads.add(h);
    dims.image = Math.max(dims.image, Number(s.image ?? 0));
    dims.tabular = Math.max(dims.tabular, Number(s.tabular ?? 0));
    dims.fused = Math.max(dims.fused, Number(s.fused ?? 0));
  }
  return {
    rows: counts.assessments,
    patients: counts.patients,
    // model names reach the dictionary and the Parquet footer: plain tokens only (allow-list.ts)
    models: models.map((m) => ({ name: plainToken(m.name) ?? WITHHELD, version: plainToken(m.version) ?? WITHHELD, strategy: m.strategy, rows: Number(m.n) })),
    heads: [...heads].sort(),
    dims,
  };
}

export type PageOptions = { after?: string; limit: number; withScores: boolean; withScan?: boolean; embeddings: { image: boolean; tabular: boolean; fused: boolean } };

/** Builds the page query once per export; `page(after)` runs it. */
export function pageQuery(f: ExportFilters, o: Omit<PageOptions, "after" | "limit">) {
  const w = whereClause(f);
  // two or more parts: detoast the JSON once and split it in Node (columns.ts splitEmbeddings)
  const parts = [o.embeddings.image, o.embeddings.tabular, o.embeddings.fused].filter(Boolean).length;
  const emb = (part: string, on: boolean) => (on && parts === 1 ? `(a.embeddings->'${part}')::text` : `NULL::text`);
  const whole = parts > 1 ? `a.embeddings::text` : `NULL::text`;
  // scan attributes only when exported (withScan, default on) or filtered on
  const scan = o.withScan !== false || w.scan;
  const select = `SELECT a.id::text AS id, a."patientId"::text AS "patientId", a."modelName", a."modelVersion", a.strategy::text AS strategy,
      date_part('year', a."createdAt" AT TIME ZONE 'UTC')::int AS year, ${AGE} AS age,
      to_char(a."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "asOf", p.sex::text AS sex,
      ${scan ? `s.modality, s."bodyPart", s.rows, s.columns, s.frames, s."photometricInterpretation" AS photometric, s."transferSyntaxUid" AS "transferSyntax"` : `NULL::text AS modality, NULL::text AS "bodyPart", NULL::int AS rows, NULL::int AS columns, NULL::int AS frames, NULL::text AS photometric, NULL::text AS "transferSyntax"`},
      ${o.withScores ? "a.scores" : "NULL::jsonb AS scores"},
      ${emb("image", o.embeddings.image)} AS "embImage", ${emb("tabular", o.embeddings.tabular)} AS "embTabular", ${emb("fused", o.embeddings.fused)} AS "embFused",
      ${whole} AS "embAll"
    ${from({ patient: true, scan })} ${w.sql}`;
  const n = w.params.length;
  const first = `${select} ORDER BY a.id LIMIT $${n + 1}`;
  const next = `${select} AND a.id > $${n + 2}::uuid ORDER BY a.id LIMIT $${n + 1}`;
  // bounded pages: every row in (after, upper] — the bounds come from pageBoundary()
  const firstTo = `${select} AND a.id <= $${n + 1}::uuid ORDER BY a.id`;
  const range = `${select} AND a.id > $${n + 1}::uuid AND a.id <= $${n + 2}::uuid ORDER BY a.id`;
  return (db: Queryable, after: string | undefined, limit: number, upper?: string | null): Promise<SourceRow[]> => {
    if (upper) return after ? db.$queryRawUnsafe<SourceRow[]>(range, ...w.params, after, upper) : db.$queryRawUnsafe<SourceRow[]>(firstTo, ...w.params, upper);
    return after ? db.$queryRawUnsafe<SourceRow[]>(next, ...w.params, limit, after) : db.$queryRawUnsafe<SourceRow[]>(first, ...w.params, limit);
  };
}

/**
 * The id of the `size`-th matching row after `after` (the last row of that page), or null when
 * fewer rows remain. Index work only (no JSON is read, and no join the filters do not need), so
 * pages can be planned ahead and their data read concurrently on two connections while the
 * keyset order is kept.
 */
export function pageBoundary(f: ExportFilters) {
  const w = whereClause(f);
  const n = w.params.length;
  const base = `SELECT a.id::text AS id ${from(w)} ${w.sql}`;
  const first = `${base} ORDER BY a.id OFFSET $${n + 1} LIMIT 1`;
  const next = `${base} AND a.id > $${n + 2}::uuid ORDER BY a.id OFFSET $${n + 1} LIMIT 1`;
  return async (db: Queryable, after: string | undefined, size: number): Promise<string | null> => {
    const r = after ? await db.$queryRawUnsafe<{ id: string }[]>(next, ...w.params, size - 1, after) : await db.$queryRawUnsafe<{ id: string }[]>(first, ...w.params, size - 1);
    return r[0]?.id ?? null;
  };
}

/** The coded records of a page's patients (for features and labels), keyed by patient id. */
export async function loadRecords(db: Queryable, patientIds: string[]): Promise<Map<string, FeatureRecord>> {
  const out = new Map<string, FeatureRecord>();
  if (!patientIds.length) return out;
  const ids = [...new Set(patientIds)];
  const [pats, conds, fams, diets] = await Promise.all([
    db.$queryRawUnsafe<{ id: string; sex: string }[]>(`SELECT id::text AS id, sex::text AS sex FROM "Patient" WHERE id = ANY($1::uuid[])`, ids),
    db.$queryRawUnsafe<{ patientId: string; codeSystem: string; code: string; onsetDate: string | null; status: string }[]>(
      `SELECT "patientId"::text AS "patientId", "codeSystem"::text AS "codeSystem", code, to_char("onsetDate", 'YYYY-MM-DD') AS "onsetDate", status::text AS status
         FROM "Condition" WHERE "patientId" = ANY($1::uuid[])`,
      ids,
    ),
    db.$queryRawUnsafe<{ patientId: string; relationship: string; code: string; ageAtOnset: number | null }[]>(
      `SELECT "patientId"::text AS "patientId", relationship::text AS relationship, code, "ageAtOnset" FROM "FamilyHistory" WHERE "patientId" = ANY($1::uuid[])`,
      ids,
    ),
    db.$queryRawUnsafe<(FeatureRecord["dietRecords"][number] & { patientId: string })[]>(
      `SELECT "patientId"::text AS "patientId", to_char("recordedOn", 'YYYY-MM-DD') AS "recordedOn", "energyKcal", "sodiumMg", "sugarsG", "saturatedFatG", "fibreG", "fruitVegServings", "redMeatServings", "alcoholUnits"
         FROM "DietRecord" WHERE "patientId" = ANY($1::uuid[])`,
      ids,
    ),
  ]);
  for (const p of pats) out.set(p.id, { sex: p.sex, conditions: [], familyHistory: [], dietRecords: [] });
  for (const c of conds) out.get(c.patientId)?.conditions.push(c);
  for (const f of fams) out.get(f.patientId)?.familyHistory.push(f);
  for (const d of diets) out.get(d.patientId)?.dietRecords.push(d);
  return out;
}
