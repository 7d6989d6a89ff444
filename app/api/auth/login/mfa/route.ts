import { publicRoute } from "@/lib/http/route";
import { isFormContent, readForm, readJson } from "@/lib/http/body";
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
  const isForm = isFormContent(req);
  // both capped at 4 KiB while the body streams in (lib/http/body): 413 past it
  const raw: unknown = isForm ? Object.fromEntries([...(await readForm(req, 4096))].filter(([, v]) => v !== "")) : await readJson(req, 4096);
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
