import { publicRoute } from "@/lib/http/route";
import { isFormContent, readForm, readJson } from "@/lib/http/body";
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
  const isForm = isFormContent(req);
  // both capped at 8 KiB while the body streams in (lib/http/body): 413 past it
  const raw: unknown = isForm ? Object.fromEntries(await readForm(req, 8192)) : await readJson(req, 8192);
  const parsed = LoginCredentials.safeParse(raw);
  if (!parsed.success) {
    if (isForm) return seeOther(`/login?error=invalid&next=${encodeURIComponent(safeNextPath((raw as { next?: unknown })?.next))}`);
    throw new ValidationError("Enter a username and a password.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const { username, password, next } = parsed.data;
  const r = await signIn(await prisma(), { username, password }, requestInfo(req, "web"));
  return signInAnswer(req, r, isForm, next);
});
