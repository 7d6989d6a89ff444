import type { Prisma } from "@/lib/generated/prisma/client";
import { fromIsoDate } from "@/lib/domain/common";
import type { InspectedScan } from "./inspect";

/** The Scan row for an inspected file (upload and demo seed alike); its bytes are in the scan store under `file.key`. */
export function scanRowData(
  patientId: string,
  i: InspectedScan,
  file: { key: string; sha256: string; size: number },
  extraMetadata: Record<string, unknown> = {},
): Prisma.ScanUncheckedCreateInput {
  return {
    patientId,
    modality: i.modality,
    studyInstanceUid: i.studyInstanceUid,
    seriesInstanceUid: i.seriesInstanceUid,
    sopInstanceUid: i.sopInstanceUid,
    acquisitionDate: i.acquisitionDate ? fromIsoDate(i.acquisitionDate) : null,
    bodyPart: i.bodyPart,
    rows: i.rows,
    columns: i.columns,
    frames: i.frames,
    transferSyntaxUid: i.transferSyntaxUid,
    photometricInterpretation: i.photometricInterpretation,
    contentType: i.contentType,
    byteSize: file.size,
    sha256: file.sha256,
    storageKey: file.key,
    metadata: { ...i.metadata, assessedFrame: i.frameIndex, ...extraMetadata } as unknown as Prisma.InputJsonValue,
  };
}
