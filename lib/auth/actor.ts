import type { Role } from "@/lib/generated/prisma/enums";

/** Who is asking: the signed-in user behind a request. */
export type Actor = {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  sessionId: string;
  csrfToken: string;
};

/** Request facts the audit trail records. */
export type RequestInfo = { clientAddress: string | null; userAgent: string | null; source: string };

/**
 * The client's address for the audit trail and the sign-in limiter.
 *
 * X-Forwarded-For is a list each proxy appends to; only the entries added by our own proxies can
 * be trusted — anything to their left was written by the client and may be forged. With
 * FUSION_TRUSTED_PROXY_HOPS = N (default 1: one reverse proxy such as nginx, or `next start`,
 * which fills the header with the socket address when the client sent none) the client is the
 * N-th entry from the right. Set 0 to ignore the header entirely (then only X-Real-IP is used).
 */
export function clientAddressFrom(headers: Headers, env: Record<string, string | undefined> = process.env): string | null {
  const hops = Number(env.FUSION_TRUSTED_PROXY_HOPS ?? "1");
  const list = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = hops > 0 && list.length ? list[Math.max(0, list.length - hops)] : null;
  const addr = picked || headers.get("x-real-ip")?.trim() || null;
  return addr ? addr.slice(0, 64) : null;
}

export function requestInfo(req: Request, source = "api"): RequestInfo {
  return {
    clientAddress: clientAddressFrom(req.headers),
    userAgent: req.headers.get("user-agent")?.slice(0, 512) ?? null,
    source,
  };
}
