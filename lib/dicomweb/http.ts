import { parseOrThrow } from "@/lib/domain/validate";
import { FrameParams, InstanceParams, SeriesParams, StudyParams } from "@/lib/domain/dicomweb";

/** DICOM JSON answers (QIDO-RS, metadata, STOW-RS responses). */
export function dicomJsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/dicom+json; charset=utf-8" } });
}

/** Path UIDs are DICOM UIDs; anything else is a 400 naming the parameter. */
export const studyParams = (p: unknown) => parseOrThrow(StudyParams, p, "path");
export const seriesParams = (p: unknown) => parseOrThrow(SeriesParams, p, "path");
export const instanceParams = (p: unknown) => parseOrThrow(InstanceParams, p, "path");
export const frameParams = (p: unknown) => parseOrThrow(FrameParams, p, "path");
