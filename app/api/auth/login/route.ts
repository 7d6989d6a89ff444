import { publicRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { errorResponse } from "@/lib/http/errors";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { signIn } from "@/lib/auth/login";
import { safeNextPath, withSessionCookies } from "@/lib/auth/http";
import { securityConfig } from "@/lib/auth/config";
import { ValidationError } from "@/lib/domain/errors";
import { LoginCredentials } from "@/lib/domain/account";
import type { LoginResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/login — JSON { username, password } → 200 { user, csrfToken, expiresAt } + cookies.
 * Also accepts an HTML form post (works before the page's script has loaded): 303 to `next`, or
 * back to /login?error=… on failure.
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
    if (isForm) return redirect(req, "/login?error=invalid");
    throw new ValidationError("Enter a username and a password.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const { username, password, next } = parsed.data;
  const db = await prisma();
  const r = await signIn(db, { username, password }, requestInfo(req, "web"));
  if (!r.ok) {
    if (isForm) return redirect(req, `/login?error=${r.reason === "rate_limited" ? "rate_limited" : "invalid"}&next=${encodeURIComponent(safeNextPath(next))}`);
    if (r.reason === "rate_limited") {
      const res = errorResponse(429, "rate_limited", "Too many sign-in attempts from this address. Wait a few minutes and try again.");
      res.headers.set("retry-after", String(r.retryAfterSeconds ?? 60));
      return res;
    }
    const mins = Math.round(securityConfig().lockoutDurationMs / 60_000);
    return errorResponse(401, "invalid_credentials", `Wrong username or password. After repeated failures an account is locked for ${mins} minutes.`);
  }
  const res = isForm
    ? redirect(req, safeNextPath(next))
    : Response.json({
        user: { username: r.user.username, displayName: r.user.displayName, role: r.user.role },
        csrfToken: r.session.csrfToken,
        expiresAt: r.session.expiresAt.toISOString(),
      } satisfies LoginResult);
  return withSessionCookies(res, req, r.session);
});

function redirect(req: Request, path: string): Response {
  // relative Location: the browser resolves it against the address it used (proxies included)
  return new Response(null, { status: 303, headers: { location: path } });
}
