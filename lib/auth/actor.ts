import type { Role } from "@/lib/generated/prisma/enums";
import { clientAddressFromChain, parseTrustedProxies, peerHeaderTrusted, trustedForwardedProto, PEER_HEADER } from "./client-address.mjs";

/** Who is asking: the signed-in user behind a request. */
export type Actor = {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  sessionId: string;
  csrfToken: string;
  /**
   * Signed in with the password, but the role requires MFA and none is enrolled yet: everything is
   * refused except enrolment, the session itself and signing out (guard.ts authorize).
   */
  mfaEnrolmentRequired?: boolean;
  /**
   * Set when a DICOMweb source (a PACS) pushes with its own token instead of a person signing in
   * (lib/auth/source-token.ts): only routes that accept push tokens see such an actor; the audit
   * trail records the source, not a user.
   */
  source?: { id: string; name: string };
  /** the interface language the user chose (User.locale, lib/domain/locale.ts); null/absent: not chosen */
  locale?: string | null;
};

/** Request facts the audit trail records. */
export type RequestInfo = { clientAddress: string | null; userAgent: string | null; source: string };

let warned = false;

/**
 * The client's address for the audit trail, sessions and sign-in throttling — the one place that
 * decides it, for API routes (requestInfo) and pages (pageRequestInfo) alike.
 *
 * Only the socket's peer is a fact; scripts/server.mjs (what `npm start` runs) puts it in
 * PEER_HEADER. X-Forwarded-For counts only when that peer is one of our reverse proxies
 * (FUSION_TRUSTED_PROXIES: IPs / CIDR ranges, default loopback only): then the client is the
 * rightmost entry that is not a trusted proxy. A client's own X-Forwarded-For or X-Real-IP is never
 * believed. Served some other way (`next dev`, a bare `next start`), the peer is unknown and any
 * header could be forged, so the answer is null (audited as no address; every such client shares
 * one throttling bucket).
 */
export function clientAddressFrom(headers: Headers, env: Record<string, string | undefined> = process.env): string | null {
  if (!peerHeaderTrusted()) {
    if (!warned && env.NODE_ENV === "production") {
      warned = true;
      console.warn("[auth] client addresses are unknown: serve with `npm start` (scripts/server.mjs), not a bare `next start`.");
    }
    return null;
  }
  return clientAddressFromChain(headers.get(PEER_HEADER), headers.get("x-forwarded-for"), parseTrustedProxies(env.FUSION_TRUSTED_PROXIES));
}

/**
 * X-Forwarded-Proto as far as it can be believed: null when the request came straight from a peer
 * that is not a trusted proxy (scripts/server.mjs also deletes the header then).
 */
export function forwardedProto(headers: Headers, env: Record<string, string | undefined> = process.env): string | null {
  return trustedForwardedProto(headers, parseTrustedProxies(env.FUSION_TRUSTED_PROXIES));
}

export function requestInfo(req: Request, source = "api"): RequestInfo {
  return {
    clientAddress: clientAddressFrom(req.headers),
    userAgent: req.headers.get("user-agent")?.slice(0, 512) ?? null,
    source,
  };
}
