import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError, NotFoundError } from "@/lib/domain/errors";
import { getAssessment, type HeadScoreView } from "@/lib/db/assessments";

/**
 * THE read of an assessment for DICOM results (SR writer, sending to a PACS): every part of
 * lib/dicomweb that needs an assessment's scores goes through this one function, so a change to
 * how assessments are stored (one zod schema for the stored JSON, record versions, "entered in
 * error") is adapted here only. Refuses what cannot be reported: not finished, no DICOM source image.
 */
export type ReportableAssessment = {
  id: string;
  patientId: string;
  modelName: string;
  modelVersion: string;
  strategy: string;
  completedAt: string;
  scores: HeadScoreView[];
  /** the flags in words (e.g. "assessed on the record alone"), cautions first */
  notices: string[];
  /** the Grad-CAM map over the assessed frame (0–255, base64), when the image was used */
  saliency: { width: number; height: number; data: string; frame: number } | null;
  source: {
    scanId: string;
    sopClassUid: string;
    sopInstanceUid: string;
    seriesInstanceUid: string;
    studyInstanceUid: string;
    /** 1-based frame the model looked at */
    frameNumber: number;
    frames: number;
    storageKey: string | null;
    /** the window saved at ingest (the viewer's default), if the file had one */
    window: { center: number; width: number } | null;
    patient: { id: string | null; name: string | null; birthDate: string | null; sex: string | null };
    studyDate: string | null;
    studyTime: string | null;
    accessionNumber: string | null;
    studyId: string | null;
    referringPhysician: string | null;
  };
};

type Tags = { keyword: string; value: string }[];
const tag = (tags: Tags | undefined, keyword: string) => {
  const v = tags?.find?.((t) => t.keyword === keyword)?.value;
  return v && v.length ? v : null;
};

export async function readAssessmentForReport(db: PrismaClient, assessmentId: string): Promise<ReportableAssessment> {
  const a = await getAssessment(db, assessmentId);
  if (a.status !== "done" || !a.completedAt) throw new AppError(409, "assessment_not_done", `Assessment ${assessmentId} is ${a.status}; only a finished assessment can be reported.`);
  if (!a.scanId) throw new AppError(409, "no_source_image", "This assessment used the record alone; a DICOM report needs the image it refers to.");
  const scan = await db.scan.findUnique({
    where: { id: a.scanId },
    select: { id: true, contentType: true, frames: true, studyInstanceUid: true, seriesInstanceUid: true, sopInstanceUid: true, metadata: true, storageKey: true },
  });
  if (!scan) throw new NotFoundError("Scan", a.scanId);
  const meta = (scan.metadata ?? {}) as { dicom?: { sopClassUid?: string | null; patientId?: string | null; patientName?: string | null; patientBirthDate?: string | null; patientSex?: string | null; studyDate?: string | null }; tags?: Tags; assessedFrame?: number; window?: { center: number; width: number } };
  if (scan.contentType !== "application/dicom" || !scan.studyInstanceUid || !scan.seriesInstanceUid || !scan.sopInstanceUid || !meta.dicom?.sopClassUid)
    throw new AppError(409, "no_source_image", "The assessed scan is not a DICOM instance (a PNG or JPEG upload, or one without its UIDs); a DICOM report cannot refer to it.");
  // the tag panel shows person names formatted ("Family, Given"): back to DICOM PN for the report
  const shown = tag(meta.tags, "PatientName") ?? meta.dicom.patientName ?? null;
  const rawName = shown && !shown.includes("^") ? shown.split(",").map((x) => x.trim()).join("^") : shown;
  return {
    id: a.id,
    patientId: a.patientId,
    modelName: a.modelName,
    modelVersion: a.modelVersion,
    strategy: a.strategy,
    completedAt: a.completedAt,
    scores: a.scores,
    notices: a.notices.map((n) => n.text),
    saliency: a.saliency,
    source: {
      scanId: scan.id,
      sopClassUid: meta.dicom.sopClassUid,
      sopInstanceUid: scan.sopInstanceUid,
      seriesInstanceUid: scan.seriesInstanceUid,
      studyInstanceUid: scan.studyInstanceUid,
      frameNumber: (meta.assessedFrame ?? 0) + 1,
      frames: scan.frames,
      storageKey: scan.storageKey,
      window: meta.window ?? null,
      patient: { id: meta.dicom.patientId ?? null, name: rawName, birthDate: meta.dicom.patientBirthDate ?? null, sex: meta.dicom.patientSex ?? null },
      studyDate: meta.dicom.studyDate ?? null,
      studyTime: tag(meta.tags, "StudyTime"),
      accessionNumber: tag(meta.tags, "AccessionNumber"),
      studyId: tag(meta.tags, "StudyID"),
      referringPhysician: tag(meta.tags, "ReferringPhysicianName"),
    },
  };
}
