import { AppError, ValidationError } from "@/lib/domain/errors";
import { NUL_MESSAGE, hasNul } from "@/lib/domain/common";

/**
 * Request bodies (JSON and url-encoded forms) are read through here, and only here: the bytes are
 * counted while they stream in and the read stops at the limit with 413 — a chunked body (no
 * Content-Length) is never read to its end first, and a small Content-Length that lies does not
 * raise the cap. A declared Content-Length over the limit is refused before any byte is read.
 * Multipart uploads stream through lib/ingest/multipart.ts (busboy, its own per-file limit).
 */
export const DEFAULT_JSON_LIMIT = 1024 * 1024;
/** Forms are small (sign-in, sign-out, a CSRF field): 64 KiB is generous. */
export const DEFAULT_FORM_LIMIT = 64 * 1024;

const tooLarge = (limit: number) => new AppError(413, "payload_too_large", `The body is larger than ${limit} bytes.`);

// One read per request: the CSRF check (which may take its token from a form field) and the
// handler share the bytes instead of cloning the stream (a clone tees it, buffering everything).
const reads = new WeakMap<Request, { bytes: Promise<Uint8Array> }>();

/**
 * The body's bytes, at most `limit` of them (413 beyond). Memoised per Request: a second call gets
 * the same bytes (and 413 if they exceed its own limit).
 */
export async function readBodyBytes(req: Request, limit: number): Promise<Uint8Array> {
  const prev = reads.get(req);
  if (prev) {
    // an earlier read that succeeded read the whole body (one that hit its cap threw 413)
    const b = await prev.bytes;
    if (b.byteLength > limit) throw tooLarge(limit);
    return b;
  }
  const bytes = readCapped(req, limit);
  reads.set(req, { bytes });
  return bytes;
}

async function readCapped(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await req.body?.cancel().catch(() => {});
    throw tooLarge(limit);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const isJson = (ct: string) => /^application\/(.+\+)?json\b/i.test(ct);
export const isFormContent = (req: Request) => /^application\/x-www-form-urlencoded\b/i.test(req.headers.get("content-type") ?? "");

/** Reads a JSON body with a size limit and clear errors for the wrong content type or bad JSON. */
export async function readJson(req: Request, limit = DEFAULT_JSON_LIMIT): Promise<unknown> {
  if (!isJson(req.headers.get("content-type") ?? ""))
    throw new AppError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).");
  const text = Buffer.from(await readBodyBytes(req, limit)).toString("utf8");
  if (!text.trim()) throw ValidationError.field("(body)", "the body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    throw ValidationError.field("(body)", "is not valid JSON");
  }
}

/** Reads an application/x-www-form-urlencoded body with a size limit. */
export async function readForm(req: Request, limit = DEFAULT_FORM_LIMIT): Promise<URLSearchParams> {
  if (!isFormContent(req))
    throw new AppError(415, "unsupported_media_type", "Send the form as application/x-www-form-urlencoded.");
  return new URLSearchParams(Buffer.from(await readBodyBytes(req, limit)).toString("utf8"));
}

/**
 * URLSearchParams → plain object for zod (repeated keys become arrays). A NUL character (`%00`) in
 * a name or a value is a 400 naming the parameter, for every route at once (PostgreSQL cannot take
 * it; it used to surface as a 500).
 */
export function queryObject(url: URL | string): Record<string, string | string[]> {
  const u = typeof url === "string" ? new URL(url) : url;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) {
    if (hasNul(k) || hasNul(v)) {
      const name = k.replace(/\u0000/g, "\\u0000");
      throw new ValidationError(`Invalid query: ${name}: ${NUL_MESSAGE}`, [{ path: name, message: NUL_MESSAGE }]);
    }
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
