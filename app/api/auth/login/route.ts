import { publicRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { errorResponse } from "@/lib/http/errors";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { signIn } from "@/lib/auth/login";
import { seeOther, safeNextPath } from "@/lib/auth/http";
import { signInAnswer } from "@/lib/auth/sign-in-answer";
import { ValidationError } from "@/lib/domain/errors";
import { LoginCredentials } from "@/lib/domain/account";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/login — JSON { username, password } → 200 { user, csrfToken, expiresAt,
 * mfaEnrolmentRequired } + cookies; or, when the user has MFA, 200 { mfaRequired, mfaToken,
 * expiresAt } and no session until POST /api/auth/login/mfa. Also accepts an HTML form post (works
 * before the page's script has loaded): 303 to `next` (or the MFA step), or back to /login?error=….
 */
export const POST = publicRoute(async ({ req }) => {
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(req.headers.get("content-type") ?? "");
  let raw: unknown;
  if (isForm) {
    const len = Number(req.headers.get("content-length") ?? "0");
    if (len > 8192) return errorResponse(413, "payload_too_large", "The sign-in form is too large.");
    const text = await req.text();
    if (text.length > 8192) return errorResponse(413, "payload_too_large", "The sign-in form is too large.");
    raw = Object.fromEntries(new URLSearchParams(text));
  } else {
    raw = await readJson(req, 8192);
  }
  const parsed = LoginCredentials.safeParse(raw);
  if (!parsed.success) {
    if (isForm) return seeOther(`/login?error=invalid&next=${encodeURIComponent(safeNextPath((raw as { next?: unknown })?.next))}`);
    throw new ValidationError("Enter a username and a password.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const { username, password, next } = parsed.data;
  const r = await signIn(await prisma(), { username, password }, requestInfo(req, "web"));
  return signInAnswer(req, r, isForm, next);
});
