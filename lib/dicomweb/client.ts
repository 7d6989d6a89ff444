import { AppError } from "@/lib/domain/errors";
import { newBoundary, parseContentType, readRelatedParts } from "./multipart";
import type { DicomJson } from "@/lib/dicom/json-model";

/**
 * A DICOMweb client for one PACS (a configured source): QIDO-RS searches, WADO-RS instance
 * retrieval, STOW-RS. Plain `fetch` with a deadline per request; every failure is an AppError a
 * clinician can act on, naming the PACS: 502 `pacs_unreachable` (refused, DNS, reset), 504
 * `pacs_timeout` (no answer within the source's timeout), 502 `pacs_error` (the PACS answered
 * with an error status), 502 `pacs_bad_answer` (an answer that is not what DICOMweb promises).
 */
export type ClientAuth = { kind: "none" } | { kind: "basic"; username: string; password: string } | { kind: "bearer"; token: string };
export type ClientOptions = { name: string; baseUrl: string; timeoutMs: number; auth: ClientAuth; maxInstanceBytes?: number };

export type StowResult = { status: number; body: DicomJson | null };

const enc = new TextEncoder();

export class DicomwebClient {
  constructor(readonly opts: ClientOptions) {}

  private url(path: string, query?: Record<string, string | number | undefined>): string {
    const u = new URL(`${this.opts.baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== "") u.searchParams.set(k, String(v));
    return u.toString();
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const a = this.opts.auth;
    const auth: Record<string, string> = a.kind === "basic" ? { authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`).toString("base64")}` } : a.kind === "bearer" ? { authorization: `Bearer ${a.token}` } : {};
    return { ...extra, ...auth };
  }

  private async request(method: string, url: string, init: { headers: Record<string, string>; body?: Uint8Array; signal?: AbortSignal }): Promise<Response> {
    const deadline = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    try {
      return await fetch(url, { method, headers: this.headers(init.headers), body: init.body as BodyInit | undefined, signal, redirect: "error" });
    } catch (e) {
      throw this.networkError(e, deadline);
    }
  }

  private networkError(e: unknown, deadline: AbortSignal): AppError {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (deadline.aborted || err?.name === "TimeoutError")
      return new AppError(504, "pacs_timeout", `The PACS “${this.opts.name}” did not answer within ${Math.round(this.opts.timeoutMs / 1000)} s. Try again later; nothing was half-imported.`);
    if (err?.name === "AbortError") return new AppError(499, "cancelled", "The request to the PACS was cancelled.");
    const why = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? "network error";
    return new AppError(502, "pacs_unreachable", `The PACS “${this.opts.name}” cannot be reached (${why}). Check that it is running, or ask an administrator to check its address.`);
  }

  private async failIfBad(res: Response, what: string): Promise<void> {
    if (res.ok) return;
    const text = (await res.text().catch(() => "")).slice(0, 300).replace(/\s+/g, " ");
    throw new AppError(502, "pacs_error", `The PACS “${this.opts.name}” refused ${what} (HTTP ${res.status}${text ? `: ${text}` : ""}).`, { pacsStatus: res.status });
  }

  private async readJson(res: Response, what: string): Promise<DicomJson[]> {
    if (res.status === 204) return [];
    await this.failIfBad(res, what);
    const text = await this.readText(res, 64 * 1024 * 1024, what);
    if (!text.trim()) return [];
    try {
      const v = JSON.parse(text);
      if (!Array.isArray(v)) throw new Error("not an array");
      return v as DicomJson[];
    } catch {
      throw new AppError(502, "pacs_bad_answer", `The PACS “${this.opts.name}” answered ${what} with something that is not DICOM JSON.`);
    }
  }

  private async readText(res: Response, limit: number, what: string): Promise<string> {
    try {
      const buf = await res.arrayBuffer();
      if (buf.byteLength > limit) throw new AppError(502, "pacs_bad_answer", `The PACS “${this.opts.name}” answered ${what} with more than ${limit} bytes.`);
      return new TextDecoder().decode(buf);
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw this.networkError(e, AbortSignal.abort());
    }
  }

  async searchStudies(query: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<DicomJson[]> {
    const res = await this.request("GET", this.url("studies", query), { headers: { accept: "application/dicom+json" }, signal });
    return this.readJson(res, "the study search");
  }

  async searchSeries(study: string, signal?: AbortSignal): Promise<DicomJson[]> {
    const res = await this.request("GET", this.url(`studies/${study}/series`), { headers: { accept: "application/dicom+json" }, signal });
    return this.readJson(res, "the series search");
  }

  async searchInstances(study: string, series: string, signal?: AbortSignal): Promise<DicomJson[]> {
    const res = await this.request("GET", this.url(`studies/${study}/series/${series}/instances`), { headers: { accept: "application/dicom+json" }, signal });
    return this.readJson(res, "the instance search");
  }

  /** One instance as stored by the PACS (Part 10 bytes). */
  async retrieveInstance(study: string, series: string, sop: string, signal?: AbortSignal): Promise<Uint8Array> {
    const res = await this.request("GET", this.url(`studies/${study}/series/${series}/instances/${sop}`), {
      headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
      signal,
    });
    await this.failIfBad(res, `instance ${sop}`);
    const { mediaType, params } = parseContentType(res.headers.get("content-type"));
    const limit = this.opts.maxInstanceBytes ?? 512 * 1024 * 1024;
    try {
      if (mediaType === "application/dicom") return new Uint8Array(await res.arrayBuffer());
      if (mediaType !== "multipart/related" || !params.boundary) throw new AppError(502, "pacs_bad_answer", `The PACS “${this.opts.name}” answered instance ${sop} as ${mediaType || "nothing"}, not multipart/related.`);
      for await (const part of readRelatedParts(res.body, params.boundary, { maxPartBytes: limit, maxParts: 2, maxTotalBytes: limit + 1024 })) return part.bytes;
    } catch (e) {
      if (e instanceof AppError && e.code !== "malformed_multipart") throw e;
      if (e instanceof AppError) throw new AppError(502, "pacs_bad_answer", `The PACS “${this.opts.name}” sent instance ${sop} incompletely (${e.message}).`);
      throw this.networkError(e, AbortSignal.abort());
    }
    throw new AppError(502, "pacs_bad_answer", `The PACS “${this.opts.name}” answered instance ${sop} with no data.`);
  }

  /** STOW-RS of Part 10 instances; the answer's status and Store Instances Response (DICOM JSON). */
  async store(instances: Uint8Array[], study?: string): Promise<StowResult> {
    const boundary = newBoundary();
    const chunks: Uint8Array[] = [];
    for (const bytes of instances) {
      chunks.push(enc.encode(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), bytes, enc.encode("\r\n"));
    }
    chunks.push(enc.encode(`--${boundary}--\r\n`));
    const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      body.set(c, o);
      o += c.length;
    }
    const res = await this.request("POST", this.url(study ? `studies/${study}` : "studies"), {
      headers: { "content-type": `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: "application/dicom+json" },
      body,
    });
    const text = await this.readText(res, 16 * 1024 * 1024, "the stored report");
    let json: DicomJson | null = null;
    try {
      json = text.trim() ? (JSON.parse(text) as DicomJson) : null;
    } catch {
      json = null;
    }
    if (!res.ok && res.status !== 202 && res.status !== 409)
      throw new AppError(502, "pacs_error", `The PACS “${this.opts.name}” refused the upload (HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}).`, { pacsStatus: res.status });
    return { status: res.status, body: json };
  }
}

/** The first value of an attribute in a DICOM JSON object (string, number, or a PN's alphabetic form). */
export function jsonValue(ds: DicomJson | undefined, tag: string): string | number | null {
  const v = ds?.[tag]?.Value?.[0];
  if (v === undefined || v === null) return null;
  if (typeof v === "object" && v && "Alphabetic" in (v as Record<string, unknown>)) return String((v as { Alphabetic: string }).Alphabetic);
  return typeof v === "number" ? v : String(v);
}

export function jsonValues(ds: DicomJson | undefined, tag: string): string[] {
  return (ds?.[tag]?.Value ?? []).map((v) => String(v));
}
