import { randomBytes } from "node:crypto";
import { MaxFileSizeExceededError, MaxHeaderSizeExceededError, MaxPartsExceededError, MaxTotalSizeExceededError, MultipartParseError, MultipartParser } from "@remix-run/multipart-parser";
import { AppError } from "@/lib/domain/errors";

/**
 * multipart/related (RFC 2387) as DICOMweb uses it: STOW-RS request bodies in, WADO-RS answers out.
 *
 * Reading: the body is streamed through @remix-run/multipart-parser (a streaming parser with
 * header, per-part, part-count and total-size limits). One part is held in memory at a time, as it
 * must be anyway to inspect a DICOM instance; the next part is read only when the caller asks for
 * it. Lengths a client declares (Content-Length of the body or a part) are never trusted: the
 * limits count the bytes that actually arrive. A preamble before the first boundary (RFC 2046 —
 * dicomweb-client, for one, starts its bodies with CRLF) is skipped, up to 64 KiB.
 */

export type MultipartLimits = { maxPartBytes: number; maxParts: number; maxTotalBytes: number };
export type RelatedPart = { index: number; contentType: string; headers: Record<string, string>; bytes: Uint8Array };

const MAX_PREAMBLE = 64 * 1024;

/** Parameters of a Content-Type header: `multipart/related; type="application/dicom"; boundary=x`. */
export function parseContentType(header: string | null): { mediaType: string; params: Record<string, string> } {
  const value = header ?? "";
  const semi = value.indexOf(";");
  const mediaType = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const re = /;\s*([^=;\s]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) params[m[1].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, "$1") : m[2].trim();
  return { mediaType, params };
}

/** The boundary of a multipart/related request, or 415 / 400 saying what is wrong. */
export function relatedBoundary(header: string | null, expectType = "application/dicom"): string {
  const { mediaType, params } = parseContentType(header);
  if (mediaType !== "multipart/related")
    throw new AppError(415, "unsupported_media_type", `Send the instances as multipart/related; type="${expectType}" (got ${mediaType || "no Content-Type"}).`);
  const type = params.type?.toLowerCase();
  if (type && type !== expectType)
    throw new AppError(415, "unsupported_media_type", `Only multipart/related parts of type ${expectType} are accepted (got type="${params.type}"); DICOM JSON with bulk data is not supported.`);
  const boundary = params.boundary;
  // RFC 2046 allows 70 characters; Orthanc's STOW-RS client sends 73 (two UUIDs): be lenient, within reason
  if (!boundary || boundary.length > 200) throw new AppError(400, "malformed_multipart", "The multipart/related Content-Type has no boundary (or one longer than 200 characters).");
  return boundary;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The parts of a multipart/related body, one at a time. Throws AppError 400 malformed_multipart
 * (and 413 when a limit is exceeded) — parts already yielded stay yielded.
 */
export async function* readRelatedParts(body: ReadableStream<Uint8Array> | null, boundary: string, limits: MultipartLimits): AsyncGenerator<RelatedPart> {
  if (!body) throw new AppError(400, "malformed_multipart", "The request has no body.");
  const parser = new MultipartParser(boundary, { maxHeaderSize: 16 * 1024, maxFileSize: limits.maxPartBytes, maxParts: limits.maxParts, maxTotalSize: limits.maxTotalBytes });
  const opening = new TextEncoder().encode(`--${boundary}`);
  let preamble: Uint8Array | null = new Uint8Array(0);
  let index = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let chunk: Uint8Array = value;
      if (preamble) {
        const joined: Uint8Array = new Uint8Array(preamble.length + chunk.length);
        joined.set(preamble);
        joined.set(chunk, preamble.length);
        // the first boundary starts the body or a line (RFC 2046 §5.1.1)
        let at = -1;
        for (let from = 0; ; ) {
          const i = indexOf(joined, opening, from);
          if (i < 0) break;
          if (i === 0 || (i >= 2 && joined[i - 2] === 13 && joined[i - 1] === 10)) {
            at = i;
            break;
          }
          from = i + 1;
        }
        if (at < 0) {
          if (joined.length > MAX_PREAMBLE) throw new AppError(400, "malformed_multipart", "No multipart boundary was found at the start of the body.");
          preamble = joined;
          continue;
        }
        preamble = null;
        chunk = joined.subarray(at);
      }
      for (const part of parser.write(chunk)) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(part.headers)) if (typeof v === "string") headers[k] = v;
        yield { index: index++, contentType: (headers["content-type"] ?? "").trim(), headers, bytes: part.bytes };
      }
    }
    if (preamble) throw new AppError(400, "malformed_multipart", "The body holds no multipart/related part (no boundary found).");
    parser.finish();
  } catch (e) {
    throw mapParseError(e, limits);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function mapParseError(e: unknown, limits: MultipartLimits): unknown {
  if (e instanceof AppError) return e;
  if (e instanceof MaxFileSizeExceededError) return new AppError(413, "instance_too_large", `An instance is larger than the limit of ${Math.round(limits.maxPartBytes / 1024 / 1024)} MiB; the instances before it were processed.`);
  if (e instanceof MaxTotalSizeExceededError) return new AppError(413, "payload_too_large", `The request is larger than ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MiB; send the instances in several requests.`);
  if (e instanceof MaxPartsExceededError) return new AppError(413, "too_many_parts", `At most ${limits.maxParts} instances per request.`);
  if (e instanceof MaxHeaderSizeExceededError) return new AppError(400, "malformed_multipart", "A part's headers are too long.");
  if (e instanceof MultipartParseError) return new AppError(400, "malformed_multipart", `The multipart/related body is malformed: ${e.message}.`);
  return e;
}

/** A random boundary for answers. */
export const newBoundary = () => `fcds-${randomBytes(12).toString("hex")}`;

/**
 * A multipart/related answer, streamed part by part as `parts` yields them: `--B CRLF headers CRLF
 * CRLF body CRLF` … `--B--`. The body starts with the boundary line (no preamble): dicomweb-client
 * and Cornerstone find the boundary in the first line.
 */
export function relatedStream(boundary: string, parts: AsyncIterable<{ contentType: string; bytes: Uint8Array; location?: string }>, onDone?: (error: unknown) => void): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const it = parts[Symbol.asyncIterator]();
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await it.next();
        if (next.done) {
          controller.enqueue(enc.encode(`${first ? "" : "\r\n"}--${boundary}--\r\n`));
          controller.close();
          onDone?.(null);
          return;
        }
        const head = `${first ? "" : "\r\n"}--${boundary}\r\nContent-Type: ${next.value.contentType}\r\n${next.value.location ? `Content-Location: ${next.value.location}\r\n` : ""}\r\n`;
        first = false;
        controller.enqueue(enc.encode(head));
        controller.enqueue(next.value.bytes);
      } catch (e) {
        onDone?.(e);
        controller.error(e);
      }
    },
    async cancel() {
      await it.return?.();
      onDone?.(null);
    },
  });
}
