/**
 * CDS Hooks 2.0 authentication: the EHR (CDS client) sends `Authorization: Bearer <JWT>` signed
 * with its private key; the service verifies it with `jose` against the JWKS of a trusted EHR
 * (TrustedEhr, kept by admins: issuer, JWKS URL or inline JWKS, optional client id = `sub`):
 * signature (ES384 / RS384, the algorithms the spec names), `iss` = a trusted, enabled EHR,
 * `aud` = this service's endpoint URL, `exp` (in the future, at most 5 minutes after `iat`),
 * `iat`, `jti` — each jti is accepted once (CdsTokenUse) until its token expires.
 */
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import { processGlobals } from "@/lib/platform/process-globals";

export const CDS_ALGORITHMS = ["ES384", "RS384"];
/** clock skew tolerated between the EHR and this server */
const SKEW_SECONDS = 30;
const MAX_LIFETIME_SECONDS = 5 * 60;

export type TrustedEhrRow = { id: string; name: string; issuer: string; jwksUrl: string | null; jwks: unknown; clientId: string | null; enabled: boolean };
export type VerifiedCall = { ehr: TrustedEhrRow; claims: JWTPayload & { iss: string; jti: string; exp: number } };

const unauthorized = (message: string) => new AppError(401, "unauthenticated", message);

const g = processGlobals<{ __cdsJwks?: Map<string, ReturnType<typeof createRemoteJWKSet>> }>();
function remoteJwks(url: string) {
  g.__cdsJwks ??= new Map();
  let set = g.__cdsJwks.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    g.__cdsJwks.set(url, set);
  }
  return set;
}

/** Checks the bearer JWT of one CDS Hooks call; 401 with the reason (never scored) when it does not hold. */
export async function verifyCdsJwt(db: PrismaClient, authorization: string | null, audience: string): Promise<VerifiedCall> {
  const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(authorization ?? "");
  if (!m) throw unauthorized("Send the EHR's signed JWT as `Authorization: Bearer <token>` (CDS Hooks 2.0).");
  const token = m[1];
  let iss: string | undefined;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw unauthorized("The bearer token is not a JWT.");
  }
  if (!iss) throw unauthorized("The JWT has no issuer (iss).");
  const ehr = (await db.trustedEhr.findUnique({ where: { issuer: iss } })) as TrustedEhrRow | null;
  if (!ehr || !ehr.enabled) throw unauthorized(`${iss} is not a trusted EHR of this service (an admin adds it under Administration → Trusted EHRs).`);
  const keys = ehr.jwks ? createLocalJWKSet(ehr.jwks as JSONWebKeySet) : remoteJwks(ehr.jwksUrl!);
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, {
      issuer: iss,
      audience,
      algorithms: CDS_ALGORITHMS,
      requiredClaims: ["iss", "aud", "exp", "iat", "jti"],
      clockTolerance: SKEW_SECONDS,
      ...(ehr.clientId ? { subject: ehr.clientId } : {}),
    }));
  } catch (e) {
    throw unauthorized(reason(e, audience));
  }
  const now = Math.floor(Date.now() / 1000);
  if (claims.iat! > now + SKEW_SECONDS) throw unauthorized("The JWT was issued in the future (iat).");
  if (claims.exp! - claims.iat! > MAX_LIFETIME_SECONDS + SKEW_SECONDS) throw unauthorized("The JWT lives longer than the 5 minutes CDS Hooks allows (exp − iat).");
  const jti = String(claims.jti);
  if (!jti || jti.length > 256) throw unauthorized("The JWT id (jti) is missing or too long.");
  await db.cdsTokenUse.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - SKEW_SECONDS * 1000) } } });
  try {
    await db.cdsTokenUse.create({ data: { issuer: iss, jti, expiresAt: new Date((claims.exp! + SKEW_SECONDS) * 1000) } });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw unauthorized("This JWT was already used (jti replay); send a fresh token with each call.");
    throw e;
  }
  return { ehr, claims: claims as VerifiedCall["claims"] };
}

function reason(e: unknown, audience: string): string {
  if (e instanceof errors.JWTExpired) return "The JWT has expired (exp).";
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "aud") return `The JWT was not issued for this service: aud must be ${audience}.`;
    if (e.claim === "sub") return "The JWT's subject (sub) is not the client id configured for this EHR.";
    return `The JWT's ${e.claim} claim is not acceptable (${e.reason}).`;
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) return "The JWT's signature does not verify with the EHR's keys.";
  if (e instanceof errors.JOSEAlgNotAllowed) return `The JWT is signed with an algorithm this service does not accept (${CDS_ALGORITHMS.join(", ")}).`;
  if (e instanceof errors.JWKSNoMatchingKey) return "No key of the EHR's JWKS matches the JWT (kid / alg).";
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return "The EHR's JWKS could not be fetched or read.";
  if (e instanceof errors.JOSEError) return `The JWT is not valid (${e.code}).`;
  return "The JWT could not be verified.";
}
