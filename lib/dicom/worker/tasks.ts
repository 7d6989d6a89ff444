/**
 * What the decode worker threads run (see `../off-thread.ts`): parsing, decoding and preview
 * rendering of untrusted files, kept off the thread that answers requests. Pure functions of their
 * input; failures come back as data (`{ ok: false, error }`) because thrown errors lose their code
 * when they cross threads.
 */
import { DicomError, describeThrown, type DicomErrorCode } from "../errors";
import { parseDicom, type DicomMetadata } from "../parse";
import { decodeFrame, frameCount, type DecodedFrame } from "../decode";
import { decodePngOrJpeg, type ScanContentType } from "../image";
import { previewPng, renderPreview, type PreviewImage } from "../preview";
import type { ImageLimits } from "../limits";
import type { DicomTag } from "../tags";
import { retrieveFrames, type RetrievedFrames } from "../frames";
import { dicomJsonModel, type DicomJson } from "../json-model";

export type TaskError = { code: DicomErrorCode; message: string; details?: Record<string, unknown> };
export type TaskResult<T> = { ok: true; value: T } | { ok: false; error: TaskError };

export type DecodeScanInput = {
  bytes: Uint8Array;
  contentType: ScanContentType;
  /** A frame index, or "middle" (the frame an assessment uses: floor(frames / 2)). */
  frame: number | "middle";
  maxInflatedBytes?: number;
  limits: ImageLimits;
};

export type DecodedScan = {
  /** DICOM only. */
  dicom: { metadata: DicomMetadata; tags: DicomTag[]; tagsOmitted: number } | null;
  frames: number;
  frameIndex: number;
  frame: DecodedFrame;
};

/** Multi-frame scans are assessed on their middle frame: stable, and representative of a short stack. */
export const assessmentFrame = (frames: number) => Math.floor(Math.max(1, frames) / 2);

export async function decodeScan(input: DecodeScanInput): Promise<TaskResult<DecodedScan>> {
  return settle(async () => {
    if (input.contentType !== "application/dicom") {
      const frame = await decodePngOrJpeg(input.bytes, input.contentType, input.limits);
      return { dicom: null, frames: 1, frameIndex: 0, frame };
    }
    const parsed = parseDicom(input.bytes, { maxInflatedBytes: input.maxInflatedBytes, limits: input.limits });
    if (!parsed.metadata.hasPixelData)
      throw new DicomError("no_pixel_data", "This DICOM file has no image (no Pixel Data): it may be a report, a structured document or a presentation state.");
    const frames = frameCount(parsed);
    const frameIndex = input.frame === "middle" ? assessmentFrame(frames) : input.frame;
    const frame = await decodeFrame(parsed, frameIndex, input.limits);
    return { dicom: { metadata: parsed.metadata, tags: parsed.tags, tagsOmitted: parsed.tagsOmitted }, frames, frameIndex, frame };
  });
}

export type PreviewInput = { bytes: Uint8Array; maxSize: number; maxInflatedBytes?: number; limits: ImageLimits };
export type RenderedPreview = { png: Uint8Array; window: PreviewImage["window"] };

/** The first frame as a display-ready PNG (see `renderPreview`). */
export async function preview(input: PreviewInput): Promise<TaskResult<RenderedPreview>> {
  return settle(async () => {
    const parsed = parseDicom(input.bytes, { maxInflatedBytes: input.maxInflatedBytes, limits: input.limits });
    const img = await renderPreview(parsed, { maxSize: input.maxSize, limits: input.limits });
    return { png: new Uint8Array(previewPng(img)), window: img.window };
  });
}

export type ReadTagsInput = { bytes: Uint8Array; maxInflatedBytes?: number; limits: ImageLimits };

/** The header as tag-panel rows (no pixel decoding). */
export async function readTags(input: ReadTagsInput): Promise<TaskResult<{ tags: DicomTag[]; tagsOmitted: number }>> {
  return settle(async () => {
    const parsed = parseDicom(input.bytes, { maxInflatedBytes: input.maxInflatedBytes, limits: input.limits });
    return { tags: parsed.tags, tagsOmitted: parsed.tagsOmitted };
  });
}

export type DicomJsonInput = { bytes: Uint8Array; maxInflatedBytes?: number; limits: ImageLimits };
export type DicomJsonOutput = { dataset: DicomJson; transferSyntaxUid: string | null };

/** The header in the DICOM JSON model (WADO-RS metadata), after the limits check of `parseDicom`. */
export async function dicomJson(input: DicomJsonInput): Promise<TaskResult<DicomJsonOutput>> {
  return settle(async () => {
    parseDicom(input.bytes, { maxInflatedBytes: input.maxInflatedBytes, limits: input.limits });
    try {
      return dicomJsonModel(input.bytes);
    } catch (e) {
      throw new DicomError("not_dicom", "The file's header could not be read as a DICOM Part 10 data set.", { details: { reason: describeThrown(e) } });
    }
  });
}

export type FramesInput = { bytes: Uint8Array; frames: number[]; transferSyntax: string | null; maxInflatedBytes?: number; limits: ImageLimits };

/** Pixel data of frames (1-based) in the stored or an uncompressed syntax (WADO-RS frames). */
export async function frames(input: FramesInput): Promise<TaskResult<RetrievedFrames>> {
  return settle(async () => {
    const parsed = parseDicom(input.bytes, { maxInflatedBytes: input.maxInflatedBytes, limits: input.limits });
    if (!parsed.metadata.hasPixelData) throw new DicomError("no_pixel_data", "This instance has no pixel data, so it has no frames.");
    return retrieveFrames(parsed, input.frames, input.transferSyntax, input.limits);
  });
}

async function settle<T>(fn: () => Promise<T>): Promise<TaskResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof DicomError) return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
    return { ok: false, error: { code: "decode_failed", message: "The image could not be decoded; the file may be corrupt.", details: { reason: describeThrown(e) } } };
  }
}
