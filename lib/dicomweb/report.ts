import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { jsonValue } from "./client";
import { readAssessmentForReport } from "./report-source";
import { sourceClient } from "./sources";
import { writeAssessmentSr } from "./sr";
import { writeSaliencyCapture } from "./saliency-capture";
import { readScanBytes } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";

import type { SentReport } from "@/lib/domain/dicomweb";

type Who = { actor: Actor; request: RequestInfo };

/** The SR of a finished assessment (download; audited as a read of patient data). */
export async function assessmentReport(db: PrismaClient, assessmentId: string, who: Who): Promise<{ bytes: Uint8Array; sopInstanceUid: string; patientId: string }> {
  const a = await readAssessmentForReport(db, assessmentId);
  const sr = writeAssessmentSr(a);
  await audit(db, { ...who, action: "assessment.report.read", entityType: "Assessment", entityId: a.id, patientId: a.patientId, outcome: "success", details: { sopInstanceUid: sr.sopInstanceUid } });
  return { bytes: sr.bytes, sopInstanceUid: sr.sopInstanceUid, patientId: a.patientId };
}

/**
 * Sends a finished assessment to a PACS as a DICOM SR (STOW-RS into the image's study). Succeeds
 * only when the PACS lists the SR among the stored instances; a refusal says why. Audited either way.
 */
export async function sendAssessmentReport(db: PrismaClient, assessmentId: string, sourceId: string, who: Who, opts: { saliencyCapture?: boolean } = {}): Promise<SentReport> {
  const a = await readAssessmentForReport(db, assessmentId);
  const { client, source } = await sourceClient(db, sourceId);
  const sr = writeAssessmentSr(a);
  const capture = opts.saliencyCapture ? await writeSaliencyCapture(a, await readScanBytes(db, scanStoreFor(db), { id: a.source.scanId, storageKey: a.source.storageKey })) : null;
  const base = { ...who, action: "assessment.report.send", entityType: "Assessment", entityId: a.id, patientId: a.patientId };
  try {
    const res = await client.store(capture ? [sr.bytes, capture.bytes] : [sr.bytes], sr.studyInstanceUid);
    const stored = (res.body?.["00081199"]?.Value ?? []) as Record<string, { Value?: unknown[] }>[];
    const has = (uid: string) => stored.some((i) => i["00081155"]?.Value?.[0] === uid) || (res.status === 200 && !res.body?.["00081198"]);
    const ok = has(sr.sopInstanceUid) && (!capture || has(capture.sopInstanceUid));
    if (!ok) {
      const failedItems = (res.body?.["00081198"]?.Value ?? []) as Record<string, { vr: string; Value?: unknown[] }>[];
      const reason = failedItems.length ? jsonValue(failedItems[0], "00081197") : null;
      throw new AppError(502, "pacs_refused", `The PACS “${source.name}” did not store the report${capture ? " and its overlay image" : ""} (HTTP ${res.status}${reason !== null ? `, failure reason 0x${Number(reason).toString(16).toUpperCase()}` : ""}).`);
    }
    await audit(db, { ...base, outcome: "success", details: { source: source.name, sopInstanceUid: sr.sopInstanceUid, saliencyCapture: capture?.sopInstanceUid ?? null, studyInstanceUid: sr.studyInstanceUid, pacsStatus: res.status } });
    return { source, studyInstanceUid: sr.studyInstanceUid, seriesInstanceUid: sr.seriesInstanceUid, sopInstanceUid: sr.sopInstanceUid, pacsStatus: res.status, saliencyCaptureSopInstanceUid: capture?.sopInstanceUid ?? null };
  } catch (e) {
    await audit(db, { ...base, outcome: "failure", details: { source: source.name, sopInstanceUid: sr.sopInstanceUid, error: (e as AppError).code ?? "error" } }).catch(() => {});
    throw e;
  }
}
