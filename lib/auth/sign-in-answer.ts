import { errorResponse } from "@/lib/http/errors";
import type { LoginResult, MfaChallengeResult } from "@/lib/domain/responses";
import { isSecureRequest, mfaChallengeCookie } from "./cookies";
import { safeNextPath, seeOther, withSessionCookies } from "./http";
import type { SignInResult } from "./login";
import { MFA_CHALLENGE_COOKIE, MFA_ENROLMENT_PATH } from "./constants";
import { readCookie } from "./session-token";

function when(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * The HTTP answer to either sign-in step (POST /api/auth/login, POST /api/auth/login/mfa), for
 * fetch (JSON) and for plain HTML form posts (303 redirects that work before any script runs).
 */
export function signInAnswer(req: Request, r: SignInResult, form: boolean, nextRaw: unknown): Response {
  const next = safeNextPath(nextRaw);
  const q = (o: Record<string, string>) => new URLSearchParams({ ...o, next }).toString();
  if (!r.ok) {
    const wait = r.retryAfterSeconds ?? 60;
    switch (r.reason) {
      case "throttled": {
        if (form) return seeOther(`/login?${q({ error: "rate_limited", wait: String(wait) })}`);
        const msg =
          r.scope === "address"
            ? `Too many failed sign-ins from this address. Try again in ${when(wait)}.`
            : `Too many failed sign-ins for this username from this address. Try again in ${when(wait)}.`;
        const res = errorResponse(429, "rate_limited", msg);
        res.headers.set("retry-after", String(wait));
        return res;
      }
      case "invalid_code":
        if (form) return seeOther(r.triesLeft === 0 ? `/login?${q({ error: "mfa_expired" })}` : `/login?${q({ step: "mfa", error: "invalid_code" })}`);
        return r.triesLeft === 0
          ? errorResponse(401, "mfa_challenge_expired", "Too many wrong codes. Sign in again with your password.")
          : errorResponse(401, "invalid_code", "That code is not valid. Enter the current code from your authenticator app, or a recovery code.");
      case "challenge_expired":
        if (form) return seeOther(`/login?${q({ error: "mfa_expired" })}`);
        return errorResponse(401, "mfa_challenge_expired", "The sign-in expired (5 minutes) or was already used. Sign in again with your password.");
      default:
        if (form) return seeOther(`/login?${q({ error: "invalid" })}`);
        return errorResponse(401, "invalid_credentials", "Wrong username or password.");
    }
  }
  if (r.step === "mfa") {
    const cookie = mfaChallengeCookie(r.challenge.token, Math.floor((r.challenge.expiresAt.getTime() - Date.now()) / 1000), isSecureRequest(req));
    const res = form
      ? seeOther(`/login?${q({ step: "mfa" })}`)
      : Response.json({ mfaRequired: true, mfaToken: r.challenge.token, expiresAt: r.challenge.expiresAt.toISOString() } satisfies MfaChallengeResult);
    res.headers.append("set-cookie", cookie);
    return res;
  }
  const res = form
    ? seeOther(r.mfaEnrolmentRequired ? MFA_ENROLMENT_PATH : next)
    : Response.json({
        user: { username: r.user.username, displayName: r.user.displayName, role: r.user.role },
        csrfToken: r.session.csrfToken,
        expiresAt: r.session.expiresAt.toISOString(),
        mfaEnrolmentRequired: r.mfaEnrolmentRequired,
      } satisfies LoginResult);
  // the challenge cookie (if any) is used up
  if (readCookie(req.headers.get("cookie"), MFA_CHALLENGE_COOKIE)) res.headers.append("set-cookie", mfaChallengeCookie("", 0, isSecureRequest(req)));
  return withSessionCookies(res, req, r.session);
}
