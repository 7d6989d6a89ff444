import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AuthError } from "@/lib/domain/errors";
import type { Actor } from "./actor";
import { hashToken } from "./session-token";

/**
 * Push tokens of DICOMweb sources: a PACS (Orthanc, say) that pushes studies to the app (STOW-RS)
 * cannot sign in, so an admin issues it a token (`PATCH /api/admin/dicomweb-sources/{id}
 * { pushToken: true }`, shown once) to send as `Authorization: Bearer <token>`. The database keeps
 * only its SHA-256 (like session tokens): a leaked row cannot be replayed. Prefixed `fcds_push_` so
 * a leaked one is recognisable in logs and secret scanners.
 *
 * A token authenticates only on routes that accept it (`route(…, { pushToken: true })`: the two
 * STOW-RS routes), and only while its source is enabled. The actor it yields acts with the
 * permission of those routes (`scan:upload`), is audited as the source (no user, no role), needs
 * no CSRF token (it is not a browser cookie, so no other site can make a browser send it).
 */
export const PUSH_TOKEN_PREFIX = "fcds_push_";

export function newPushToken(): { token: string; hash: string } {
  const token = PUSH_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

/** The Bearer token of a request, or null. */
export function bearerToken(req: Request): string | null {
  const h = req.headers.get("authorization");
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : null;
}

/** The source a push token belongs to, as an actor; 401 for an unknown, revoked or disabled one. */
export async function actorFromPushToken(db: Pick<PrismaClient, "dicomwebSource">, token: string): Promise<Actor> {
  if (!token.startsWith(PUSH_TOKEN_PREFIX) || token.length > 200) throw AuthError.unauthenticated("The bearer token is not a push token of this server.");
  const source = await db.dicomwebSource.findUnique({ where: { pushTokenHash: hashToken(token) }, select: { id: true, name: true, enabled: true } });
  if (!source || !source.enabled) throw AuthError.unauthenticated("The push token is unknown, revoked, or its DICOMweb source is disabled.");
  return {
    userId: source.id,
    username: `dicomweb-source:${source.name}`,
    displayName: source.name,
    // the role whose permission the token-accepting routes require (scan:upload); nothing else accepts a token
    role: "clinician",
    sessionId: "",
    csrfToken: "",
    source: { id: source.id, name: source.name },
  };
}
