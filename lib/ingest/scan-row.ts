import type { Prisma } from "@/lib/generated/prisma/client";
import { fromIsoDate } from "@/lib/domain/common";
import type { InspectedScan } from "./inspect";

/** The Scan row for an inspected file (upload and demo seed alike). */
export function scanRowData(
  patientId: string,
  i: InspectedScan,
  bytes: Uint8Array,
  sha256: string,
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
    byteSize: bytes.byteLength,
    sha256,
    bytes: bytes as Uint8Array<ArrayBuffer>,
    metadata: { ...i.metadata, assessedFrame: i.frameIndex, ...extraMetadata } as unknown as Prisma.InputJsonValue,
  };
}
