import type { PrismaClient } from "@/lib/generated/prisma/client";
import { toIsoDate } from "@/lib/domain/common";

/**
 * Where each of a patient's scans sits in the study / series / instance hierarchy, for the record
 * page's series browser: study date and description, series number and description, instance
 * number — read from the headers saved at ingest. `viaDicomweb`: the scan came in through
 * DICOMweb (STOW-RS or PACS import), so the viewer reads it through WADO-RS like OHIF would; an
 * uploaded file keeps its own file route (two uploads may share a SOP Instance UID, e.g. one
 * instance in two transfer syntaxes, and WADO-RS serves one of them).
 */
export type ScanPlace = {
  scanId: string;
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  studyDate: string | null;
  studyDescription: string | null;
  seriesNumber: number | null;
  seriesDescription: string | null;
  instanceNumber: number | null;
  viaDicomweb: boolean;
};

type Meta = { tags?: { keyword: string; value: string }[]; dicom?: { studyDate?: string | null }; receivedVia?: string };
const tag = (m: Meta, k: string) => {
  const v = m.tags?.find?.((t) => t.keyword === k)?.value;
  return v && v.length ? v : null;
};
const num = (v: string | null) => (v !== null && Number.isFinite(Number(v)) ? Number(v) : null);

export async function scanPlaces(db: PrismaClient, patientId: string): Promise<ScanPlace[]> {
  const rows = await db.scan.findMany({
    where: { patientId },
    select: { id: true, studyInstanceUid: true, seriesInstanceUid: true, sopInstanceUid: true, acquisitionDate: true, metadata: true },
  });
  return rows.map((r) => {
    const m = (r.metadata ?? {}) as Meta;
    return {
      scanId: r.id,
      studyInstanceUid: r.studyInstanceUid,
      seriesInstanceUid: r.seriesInstanceUid,
      sopInstanceUid: r.sopInstanceUid,
      studyDate: m.dicom?.studyDate ?? toIsoDate(r.acquisitionDate),
      studyDescription: tag(m, "StudyDescription"),
      seriesNumber: num(tag(m, "SeriesNumber")),
      seriesDescription: tag(m, "SeriesDescription"),
      instanceNumber: num(tag(m, "InstanceNumber")),
      viaDicomweb: typeof m.receivedVia === "string" && !!r.studyInstanceUid && !!r.seriesInstanceUid && !!r.sopInstanceUid,
    };
  });
}
