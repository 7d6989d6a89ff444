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

export function requestInfo(req: Request, source = "api"): RequestInfo {
  const fwd = req.headers.get("x-forwarded-for");
  return {
    clientAddress: (fwd ? fwd.split(",")[0].trim() : null) || req.headers.get("x-real-ip") || null,
    userAgent: req.headers.get("user-agent"),
    source,
  };
}
