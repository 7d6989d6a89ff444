import { createHash, randomBytes } from "node:crypto";

import { SESSION_COOKIE_NAMES } from "./constants";

export { SESSION_COOKIE, SECURE_SESSION_COOKIE } from "./constants";

/** The session token from a Cookie header (the __Host- cookie wins when both are present). */
export function readSessionCookie(header: string | null): string | null {
  for (const name of SESSION_COOKIE_NAMES) {
    const v = readCookie(header, name);
    if (v) return v;
  }
  return null;
}

/** 256-bit random token for the cookie; only its hash is stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}
