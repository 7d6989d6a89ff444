"use client";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";

export type ApiIssue = { path: string; message: string };
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string; issues: ApiIssue[] };

function csrfToken(): string | null {
  const m = document.cookie.split(/;\s*/).find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : null;
}

/** JSON call to our API; mutations carry the session's CSRF token (double-submit header). */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") {
    const t = csrfToken();
    if (t) headers[CSRF_HEADER] = t;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: "same-origin", body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  } catch {
    return { ok: false, status: 0, code: "network", message: "The server could not be reached; check the connection and try again.", issues: [] };
  }
  if (res.status === 204) return { ok: true, data: undefined as T };
  const body = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: body as T };
  const err = (body as { error?: { code?: string; message?: string; details?: { issues?: ApiIssue[] } } } | null)?.error;
  return { ok: false, status: res.status, code: err?.code ?? "http_error", message: err?.message ?? `The server answered ${res.status}.`, issues: err?.details?.issues ?? [] };
}
