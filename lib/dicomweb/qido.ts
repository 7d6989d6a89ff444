import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import { normaliseQidoParams, QidoQuery, type QidoLevel } from "@/lib/domain/dicomweb";
import { parseOrThrow } from "@/lib/domain/validate";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { DicomJson } from "@/lib/dicom/json-model";
import { dicomwebUrls } from "./urls";

/**
 * QIDO-RS (PS3.18 §10.6) over the Scan table: studies, a study's series, a series' instances.
 * Keys: PatientID (the MRN), PatientName, StudyDate (date or range), ModalitiesInStudy,
 * StudyInstanceUID, AccessionNumber; Modality and SeriesInstanceUID for series and instances;
 * SOPInstanceUID for instances; by keyword or tag; `*` / `?` wildcards in PatientID, PatientName and
 * AccessionNumber; limit (≤ 1000, default 100) and offset. Any other key is a 400 naming it.
 *
 * Patient attributes come from the patient record (PatientID is the MRN); study and series
 * descriptions, numbers and dates from the headers saved at ingest. Only DICOM scans with their
 * three UIDs take part; one instance stored twice (uploaded in two transfer syntaxes) is listed once.
 * Every search is audited, one row per patient in the answer (or one row when nobody matched).
 */

type Row = {
  study: string;
  series: string | null;
  sop: string | null;
  patientId: string;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: Date;
  sex: string;
  studyDate: string | null;
  modalities: string | null;
  modality: string | null;
  nSeries: number;
  nInstances: number;
  scanId: string;
};

const likePattern = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, "%").replace(/\?/g, "_");
const hasWildcard = (s: string) => /[*?]/.test(s);

export type QidoRequest = { level: QidoLevel; params: URLSearchParams; study?: string; series?: string };

/** Parses the query (400 for unknown or malformed keys) without touching the database. */
export function parseQido(level: QidoLevel, params: URLSearchParams): QidoQuery {
  const { input, unknown } = normaliseQidoParams(level, params);
  if (unknown.length)
    throw new AppError(400, "unknown_query_key", `Unsupported QIDO-RS query key${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Supported here: ${supportedKeys(level)}.`, {
      issues: unknown.map((k) => ({ path: k, message: "is not a supported query key" })),
    });
  return parseOrThrow(QidoQuery, input, "QIDO-RS query");
}

const supportedKeys = (level: QidoLevel) =>
  [
    "PatientID",
    "PatientName",
    "StudyDate",
    "ModalitiesInStudy",
    "StudyInstanceUID",
    "AccessionNumber",
    ...(level !== "studies" ? ["Modality", "SeriesInstanceUID"] : []),
    ...(level === "instances" ? ["SOPInstanceUID"] : []),
    "limit",
    "offset",
    "includefield",
    "fuzzymatching",
  ].join(", ");

export async function searchDicomweb(db: PrismaClient, req: Request, q: QidoRequest, who: { actor: Actor; request: RequestInfo }): Promise<DicomJson[]> {
  const query = parseQido(q.level, q.params);
  const args: unknown[] = [];
  const p = (v: unknown) => {
    args.push(v);
    return `$${args.length}`;
  };
  const inList = (col: string, values: string[]) => `${col} IN (${values.map((v) => p(v)).join(", ")})`;
  // a scan entered in error is not offered (lib/db/in-force.ts)
  const where: string[] = [`s."studyInstanceUid" IS NOT NULL`, `s."seriesInstanceUid" IS NOT NULL`, `s."sopInstanceUid" IS NOT NULL`, `s."enteredInErrorAt" IS NULL`];
  const having: string[] = [];
  if (q.study) where.push(`s."studyInstanceUid" = ${p(q.study)}`);
  if (q.series) where.push(`s."seriesInstanceUid" = ${p(q.series)}`);
  if (query.PatientID) where.push(hasWildcard(query.PatientID) ? `upper(p.mrn) LIKE upper(${p(likePattern(query.PatientID))})` : `upper(p.mrn) = upper(${p(query.PatientID)})`);
  if (query.PatientName) {
    const name = query.PatientName.replace(/\^+$/, "");
    where.push(`upper(p."familyName" || '^' || p."givenName") LIKE upper(${p(hasWildcard(name) ? likePattern(name) : likePattern(name) + (name.includes("^") ? "" : "^%"))})`);
  }
  if (query.StudyInstanceUID) where.push(inList(`s."studyInstanceUid"`, query.StudyInstanceUID));
  if (query.SeriesInstanceUID) where.push(inList(`s."seriesInstanceUid"`, query.SeriesInstanceUID));
  if (query.SOPInstanceUID) where.push(inList(`s."sopInstanceUid"`, query.SOPInstanceUID));
  if (query.Modality) where.push(`upper(s.modality) = ${p(query.Modality)}`);
  if (query.AccessionNumber) {
    const acc = `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.metadata->'tags') = 'array' THEN s.metadata->'tags' ELSE '[]'::jsonb END) t WHERE t->>'keyword' = 'AccessionNumber' AND upper(t->>'value') LIKE upper(${p(likePattern(query.AccessionNumber))}))`;
    where.push(acc);
  }
  // the study's date: the header's StudyDate, else the scan's acquisition date
  const studyDateExpr = `COALESCE(s.metadata->'dicom'->>'studyDate', to_char(s."acquisitionDate", 'YYYY-MM-DD'))`;
  const studyCte = `
    SELECT s."studyInstanceUid" AS study, s."patientId" AS pid, min(${studyDateExpr}) AS "studyDate",
      string_agg(DISTINCT upper(s.modality), '\\') AS modalities,
      count(DISTINCT s."seriesInstanceUid")::int AS "nSeries", count(DISTINCT s."sopInstanceUid")::int AS "nInstances"
    FROM "Scan" s WHERE s."studyInstanceUid" IS NOT NULL AND s."seriesInstanceUid" IS NOT NULL AND s."sopInstanceUid" IS NOT NULL AND s."enteredInErrorAt" IS NULL
    GROUP BY s."studyInstanceUid", s."patientId"`;
  if (query.ModalitiesInStudy) having.push(`(${query.ModalitiesInStudy.map((m) => `st.modalities LIKE ${p(`%${m}%`)}`).join(" OR ")})`);
  if (query.StudyDate?.from) having.push(`st."studyDate" >= ${p(query.StudyDate.from)}`);
  if (query.StudyDate?.to) having.push(`st."studyDate" <= ${p(query.StudyDate.to)}`);
  const limit = p(query.limit);
  const offset = p(query.offset);
  const common = `FROM "Scan" s JOIN "Patient" p ON p.id = s."patientId" JOIN (${studyCte}) st ON st.study = s."studyInstanceUid" AND st.pid = s."patientId"
    WHERE ${[...where, ...having].join(" AND ")}`;
  const patientCols = `p.id AS "patientId", p.mrn, p."givenName", p."familyName", p."birthDate", p.sex::text AS sex, st."studyDate", st.modalities, st."nSeries", st."nInstances"`;
  let sql: string;
  if (q.level === "studies") {
    sql = `SELECT DISTINCT ON (st."studyDate", s."studyInstanceUid", p.id) s."studyInstanceUid" AS study, NULL AS series, NULL AS sop, ${patientCols}, NULL AS modality, 0 AS "nSeriesInstances", s.id::text AS "scanId"
      ${common} ORDER BY st."studyDate" DESC NULLS LAST, s."studyInstanceUid", p.id, s."createdAt" LIMIT ${limit} OFFSET ${offset}`;
  } else if (q.level === "series") {
    sql = `SELECT * FROM (SELECT DISTINCT ON (s."studyInstanceUid", s."seriesInstanceUid", p.id) s."studyInstanceUid" AS study, s."seriesInstanceUid" AS series, NULL AS sop, ${patientCols},
        upper(s.modality) AS modality, (SELECT count(DISTINCT x."sopInstanceUid")::int FROM "Scan" x WHERE x."seriesInstanceUid" = s."seriesInstanceUid" AND x."patientId" = s."patientId") AS "nSeriesInstances", s.id::text AS "scanId"
      ${common} ORDER BY s."studyInstanceUid", s."seriesInstanceUid", p.id, s."createdAt") r ORDER BY r."studyDate" DESC NULLS LAST, r.study, r.series LIMIT ${limit} OFFSET ${offset}`;
  } else {
    sql = `SELECT * FROM (SELECT DISTINCT ON (s."studyInstanceUid", s."seriesInstanceUid", s."sopInstanceUid", p.id) s."studyInstanceUid" AS study, s."seriesInstanceUid" AS series, s."sopInstanceUid" AS sop, ${patientCols},
        upper(s.modality) AS modality, 0 AS "nSeriesInstances", s.id::text AS "scanId"
      ${common} ORDER BY s."studyInstanceUid", s."seriesInstanceUid", s."sopInstanceUid", p.id, s."createdAt") r ORDER BY r.study, r.series, r.sop LIMIT ${limit} OFFSET ${offset}`;
  }
  const rows = await db.$queryRawUnsafe<(Row & { nSeriesInstances: number })[]>(sql, ...args);
  const scans = rows.length ? await db.scan.findMany({ where: { id: { in: rows.map((r) => r.scanId) } }, select: { id: true, metadata: true, rows: true, columns: true, frames: true, transferSyntaxUid: true } }) : [];
  const byId = new Map(scans.map((s) => [s.id, s]));
  const urls = dicomwebUrls(req);
  const out = rows.map((r) => toJson(q.level, r, byId.get(r.scanId), urls));

  const patients = [...new Set(rows.map((r) => r.patientId))];
  const entityType = q.level === "studies" ? "Study" : q.level === "series" ? "Series" : "Instance";
  const details = { level: q.level, results: rows.length, study: q.study ?? null, series: q.series ?? null, keys: [...q.params.keys()] };
  if (!patients.length) await audit(db, { ...who, action: "dicomweb.search", entityType, outcome: "success", details });
  for (const pid of patients) await audit(db, { ...who, action: "dicomweb.search", entityType, patientId: pid, outcome: "success", details: { ...details, results: rows.filter((r) => r.patientId === pid).length } });
  return out;
}

type ScanInfo = { metadata: unknown; rows: number; columns: number; frames: number; transferSyntaxUid: string | null };

function tagValue(scan: ScanInfo | undefined, keyword: string): string | null {
  const tags = (scan?.metadata as { tags?: { keyword: string; value: string }[] } | null)?.tags;
  if (!Array.isArray(tags)) return null;
  const t = tags.find((x) => x.keyword === keyword);
  return t && t.value !== "" ? t.value : null;
}

const da = (iso: string | null) => (iso ? iso.replaceAll("-", "").slice(0, 8) : null);
const str = (vr: string, v: string | null | undefined) => (v === null || v === undefined || v === "" ? { vr } : { vr, Value: [v] });
const num = (vr: string, v: number | string | null | undefined) => {
  const n = typeof v === "string" ? Number(v) : v;
  return n === null || n === undefined || !Number.isFinite(n) ? { vr } : { vr, Value: [n] };
};
const dicomSex = (s: string) => (s === "female" ? "F" : s === "male" ? "M" : s === "other" ? "O" : "");

function toJson(level: QidoLevel, r: Row & { nSeriesInstances: number }, scan: ScanInfo | undefined, urls: ReturnType<typeof dicomwebUrls>): DicomJson {
  const j: DicomJson = {
    "00080005": { vr: "CS", Value: ["ISO_IR 192"] },
    "00080020": str("DA", da(r.studyDate)),
    "00080030": str("TM", tagValue(scan, "StudyTime")),
    "00080050": str("SH", tagValue(scan, "AccessionNumber")),
    "00080061": r.modalities ? { vr: "CS", Value: r.modalities.split("\\") } : { vr: "CS" },
    "00081030": str("LO", tagValue(scan, "StudyDescription")),
    "00100010": { vr: "PN", Value: [{ Alphabetic: `${r.familyName}^${r.givenName}` }] },
    "00100020": str("LO", r.mrn),
    "00100030": str("DA", da(r.birthDate.toISOString().slice(0, 10))),
    "00100040": str("CS", dicomSex(r.sex)),
    "0020000D": str("UI", r.study),
    "00200010": str("SH", tagValue(scan, "StudyID")),
    "00201206": num("IS", r.nSeries),
    "00201208": num("IS", r.nInstances),
  };
  if (level === "studies") {
    j["00081190"] = str("UR", urls.study(r.study));
    return j;
  }
  j["00080060"] = str("CS", r.modality);
  j["0008103E"] = str("LO", tagValue(scan, "SeriesDescription"));
  j["0020000E"] = str("UI", r.series);
  j["00200011"] = num("IS", tagValue(scan, "SeriesNumber"));
  if (level === "series") {
    j["00201209"] = num("IS", r.nSeriesInstances);
    j["00081190"] = str("UR", urls.series(r.study, r.series!));
    return j;
  }
  const dicom = (scan?.metadata as { dicom?: { sopClassUid?: string | null; bitsAllocated?: number | null } } | null)?.dicom;
  j["00080016"] = str("UI", dicom?.sopClassUid ?? null);
  j["00080018"] = str("UI", r.sop);
  j["00200013"] = num("IS", tagValue(scan, "InstanceNumber"));
  j["00280008"] = num("IS", scan?.frames ?? null);
  j["00280010"] = num("US", scan?.rows ?? null);
  j["00280011"] = num("US", scan?.columns ?? null);
  j["00280100"] = num("US", dicom?.bitsAllocated ?? null);
  j["00083002"] = str("UI", scan?.transferSyntaxUid ?? null);
  j["00081190"] = str("UR", urls.instance(r.study, r.series!, r.sop!));
  return j;
}
