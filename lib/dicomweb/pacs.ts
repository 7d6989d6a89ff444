import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError, NotFoundError } from "@/lib/domain/errors";
import type { PacsImportInput, PacsQueryResult, PacsSeries, PacsStudy } from "@/lib/domain/dicomweb";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { requireActiveModel } from "@/lib/jobs/queue-assessment";
import { jsonValue, jsonValues } from "./client";
import { ingestInstance, type InstanceFailed } from "./ingest";
import { sourceClient } from "./sources";

/**
 * A clinician on a record works with a PACS: query it by the patient's MRN (studies with their
 * series, dates and modalities, and how much of each is already here), and import chosen series.
 *
 * Import is per instance and idempotent: each instance is fetched (WADO-RS), then stored by
 * `ingestInstance` in its own transaction — complete with its file, Scan row, queued assessment and
 * audit row, or not at all. An instance already stored for this patient (same SOP Instance UID) is
 * skipped without being fetched again. So a PACS that goes down or times out half-way leaves the
 * instances done so far whole and nothing half-written, and running the import again continues
 * where it stopped.
 */
type Who = { actor: Actor; request: RequestInfo };


const isoDa = (v: string | number | null) => (typeof v === "string" && /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : null);
const asNum = (v: string | number | null) => (v === null || v === "" ? null : Number.isFinite(Number(v)) ? Number(v) : null);

async function patientMrn(db: PrismaClient, patientId: string): Promise<string> {
  const p = await db.patient.findUnique({ where: { id: patientId }, select: { mrn: true } });
  if (!p) throw new NotFoundError("Patient", patientId);
  return p.mrn;
}

/** The source's studies for the patient's MRN, newest first, each with its series. */
export async function queryPacs(db: PrismaClient, args: { patientId: string; sourceId: string }, who: Who): Promise<PacsQueryResult> {
  const mrn = await patientMrn(db, args.patientId);
  const { client, source } = await sourceClient(db, args.sourceId);
  const studiesJson = await client.searchStudies({ PatientID: mrn, limit: 200 });
  const studies: PacsStudy[] = [];
  for (const s of studiesJson) {
    const uid = jsonValue(s, "0020000D");
    if (typeof uid !== "string") continue;
    // the PACS matched on PatientID; trust but verify (some match case-insensitively or by prefix)
    const pid = jsonValue(s, "00100020");
    if (typeof pid === "string" && pid.trim().toUpperCase() !== mrn.toUpperCase()) continue;
    const seriesJson = await client.searchSeries(uid);
    const series: PacsSeries[] = [];
    for (const se of seriesJson) {
      const suid = jsonValue(se, "0020000E");
      if (typeof suid !== "string") continue;
      const imported = await db.scan.count({ where: { patientId: args.patientId, seriesInstanceUid: suid } });
      series.push({
        seriesInstanceUid: suid,
        modality: (jsonValue(se, "00080060") as string | null) ?? null,
        description: (jsonValue(se, "0008103E") as string | null) ?? null,
        number: asNum(jsonValue(se, "00200011")),
        instances: asNum(jsonValue(se, "00201209")),
        imported,
      });
    }
    series.sort((a, b) => (a.number ?? 1e9) - (b.number ?? 1e9));
    studies.push({
      studyInstanceUid: uid,
      date: isoDa(jsonValue(s, "00080020")),
      description: (jsonValue(s, "00081030") as string | null) ?? null,
      accessionNumber: (jsonValue(s, "00080050") as string | null) ?? null,
      modalities: jsonValues(s, "00080061").length ? jsonValues(s, "00080061") : [...new Set(series.map((x) => x.modality).filter((m): m is string => !!m))],
      series,
    });
  }
  studies.sort((a, b) => (b.date ?? "").localeCompare(a.date ?? ""));
  await audit(db, { ...who, action: "pacs.query", entityType: "Patient", entityId: args.patientId, patientId: args.patientId, outcome: "success", details: { source: source.name, studies: studies.length } });
  return { source, mrn, studies };
}

export type ImportProgress = { total: number; done: number; imported: number; skipped: number; failed: number; sopInstanceUid?: string };
export type ImportFailure = { sopInstanceUid: string | null; code: string; message: string };
export type ImportResult = ImportProgress & { failures: ImportFailure[]; scanIds: string[] };

/**
 * Lists the instances of the chosen series (QIDO-RS) — a PACS that is down fails here, before
 * anything is fetched — then returns the import to run, which reports progress after each instance.
 * The import throws (AppError 502/504 naming the PACS, with `details.progress`) when the PACS fails
 * half-way; what was imported stays.
 */
export async function prepareImport(db: PrismaClient, queue: AssessmentQueue, args: { patientId: string } & PacsImportInput, who: Who) {
  const mrn = await patientMrn(db, args.patientId);
  const { client, source } = await sourceClient(db, args.sourceId);
  await requireActiveModel(db); // 503 before anything is fetched: nothing could be assessed
  const seriesUids = args.seriesInstanceUids ?? (await client.searchSeries(args.studyInstanceUid)).map((s) => jsonValue(s, "0020000E")).filter((v): v is string => typeof v === "string");
  const work: { series: string; sop: string }[] = [];
  for (const series of seriesUids) {
    for (const i of await client.searchInstances(args.studyInstanceUid, series)) {
      const sop = jsonValue(i, "00080018");
      if (typeof sop === "string") work.push({ series, sop });
    }
  }
  if (!work.length) throw new AppError(404, "nothing_to_import", `The PACS “${source.name}” has no instances in the chosen series of study ${args.studyInstanceUid}.`);
  const via = `pacs-import:${source.name}`;

  async function run(onProgress: (p: ImportProgress) => void, signal?: AbortSignal): Promise<ImportResult> {
    const p: ImportResult = { total: work.length, done: 0, imported: 0, skipped: 0, failed: 0, failures: [], scanIds: [] };
    onProgress({ total: p.total, done: 0, imported: 0, skipped: 0, failed: 0 });
    const finish = async (outcome: "success" | "failure", error?: AppError) =>
      audit(db, {
        ...who,
        action: "pacs.import",
        entityType: "Study",
        entityId: args.studyInstanceUid,
        patientId: args.patientId,
        outcome,
        details: { source: source.name, mrn, series: seriesUids, total: p.total, imported: p.imported, skipped: p.skipped, failed: p.failed, ...(error ? { error: error.code } : {}) },
      });
    try {
      for (const w of work) {
        if (signal?.aborted) throw new AppError(499, "cancelled", "The import was cancelled; run it again to continue.");
        const have = await db.scan.findFirst({ where: { patientId: args.patientId, sopInstanceUid: w.sop }, select: { id: true } });
        if (have) {
          p.skipped++;
        } else {
          const bytes = await client.retrieveInstance(args.studyInstanceUid, w.series, w.sop, signal);
          const o = await ingestInstance(db, queue, bytes, { ...who, via, target: { kind: "patient", patientId: args.patientId } });
          if (o.ok) {
            if (o.created) {
              p.imported++;
              p.scanIds.push(o.scanId);
            } else p.skipped++;
          } else {
            p.failed++;
            p.failures.push({ sopInstanceUid: (o as InstanceFailed).sopInstanceUid ?? w.sop, code: o.code, message: o.message });
          }
        }
        p.done++;
        onProgress({ total: p.total, done: p.done, imported: p.imported, skipped: p.skipped, failed: p.failed, sopInstanceUid: w.sop });
      }
    } catch (e) {
      const err = e instanceof AppError ? e : null;
      await finish("failure", err ?? new AppError(500, "internal_error", "")).catch(() => {});
      if (err) throw new AppError(err.status, err.code, `${err.message} Imported so far: ${p.imported} of ${p.total} (${p.skipped} already here); run the import again to continue.`, { progress: { ...p } });
      throw e;
    }
    await finish(p.failed ? "failure" : "success");
    return p;
  }
  return { source, total: work.length, run };
}
