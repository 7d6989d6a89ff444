import { publicRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { errorResponse } from "@/lib/http/errors";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { signInSecondFactor } from "@/lib/auth/login";
import { safeNextPath, seeOther } from "@/lib/auth/http";
import { signInAnswer } from "@/lib/auth/sign-in-answer";
import { readCookie } from "@/lib/auth/session-token";
import { MFA_CHALLENGE_COOKIE } from "@/lib/auth/constants";
import { ValidationError } from "@/lib/domain/errors";
import { MfaSignIn } from "@/lib/domain/account";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/login/mfa — the second sign-in step: { code } (6 digits from the authenticator
 * app) or { recoveryCode }, with the challenge from POST /api/auth/login (`mfaToken` in the body,
 * or the HttpOnly fcds_mfa cookie) → the session, as POST /api/auth/login answers it. JSON or an
 * HTML form post.
 */
export const POST = publicRoute(async ({ req }) => {
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(req.headers.get("content-type") ?? "");
  let raw: unknown;
  if (isForm) {
    const text = await req.text();
    if (text.length > 4096) return errorResponse(413, "payload_too_large", "The form is too large.");
    raw = Object.fromEntries([...new URLSearchParams(text)].filter(([, v]) => v !== ""));
  } else {
    raw = await readJson(req, 4096);
  }
  const parsed = MfaSignIn.safeParse(raw);
  if (!parsed.success) {
    if (isForm) return seeOther(`/login?step=mfa&error=invalid_code&next=${encodeURIComponent(safeNextPath((raw as { next?: unknown })?.next))}`);
    throw new ValidationError("Enter the code from your authenticator app, or a recovery code.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const { mfaToken, code, recoveryCode, next } = parsed.data;
  const token = mfaToken ?? readCookie(req.headers.get("cookie"), MFA_CHALLENGE_COOKIE);
  const r = await signInSecondFactor(await prisma(), { token, code, recoveryCode }, requestInfo(req, "web"));
  return signInAnswer(req, r, isForm, next);
});
