import { AppError, ValidationError } from "@/lib/domain/errors";

export const DEFAULT_JSON_LIMIT = 1024 * 1024;

/** Reads a JSON body with a size limit and clear errors for the wrong content type or bad JSON. */
export async function readJson(req: Request, limit = DEFAULT_JSON_LIMIT): Promise<unknown> {
  const ct = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(ct))
    throw new AppError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).");
  const len = Number(req.headers.get("content-length") ?? "0");
  if (len > limit) throw new AppError(413, "payload_too_large", `The body is larger than ${limit} bytes.`);
  const text = await readLimited(req, limit);
  if (!text.trim()) throw ValidationError.field("(body)", "the body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    throw ValidationError.field("(body)", "is not valid JSON");
  }
}

async function readLimited(req: Request, limit: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AppError(413, "payload_too_large", `The body is larger than ${limit} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** URLSearchParams → plain object for zod (repeated keys become arrays). */
export function queryObject(url: URL | string): Record<string, string | string[]> {
  const u = typeof url === "string" ? new URL(url) : url;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
