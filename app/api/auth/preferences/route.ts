import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { isSecureRequest } from "@/lib/auth/cookies";
import { localeCookie, setOwnLocale } from "@/lib/auth/preferences";
import { ValidationError } from "@/lib/domain/errors";
import { PreferencesUpdate } from "@/lib/domain/locale";
import type { PreferencesResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * PATCH /api/auth/preferences — one's own interface language (`{ "locale": "ko" }`), saved on the
 * user (every later sign-in, any browser) and in the language cookie; `null` clears the choice
 * (the browser's Accept-Language decides again). Audited.
 */
export const PATCH = route("session:self", async ({ req, actor }) => {
  const parsed = PreferencesUpdate.safeParse(await readJson(req, 1024));
  if (!parsed.success)
    throw new ValidationError("Choose one of the interface languages: en, ko, or null for the browser's language.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  const { locale } = await setOwnLocale(await prisma(), actor, parsed.data.locale, requestInfo(req));
  const res = Response.json({ ok: true, locale } satisfies PreferencesResult);
  res.headers.append("set-cookie", localeCookie(locale, isSecureRequest(req)));
  return res;
});
