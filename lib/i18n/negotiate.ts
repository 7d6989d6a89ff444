import { defaultLocale, isLocale, localeValues, type Locale } from "@/lib/domain/locale";

/** The cookie that remembers the language where no one is signed in (the sign-in page). */
export const LOCALE_COOKIE = "fcds_locale";

/**
 * Accept-Language → language ranges by preference (q-value, then order), q=0 dropped.
 * "ko-KR,ko;q=0.9,en-US;q=0.8" → ["ko-kr", "ko", "en-us"]
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .slice(0, 1024)
    .split(",")
    .map((part, i) => {
      const [range, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)).find(Boolean);
      const weight = q ? Number(q[1]) : 1;
      return { range: range.trim().toLowerCase(), q: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((r) => r.range && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((r) => r.range);
}

/** The first of the browser's ranges we have a language for ("ko-KR" → ko, "*" → the default). */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  for (const range of parseAcceptLanguage(header)) {
    if (range === "*") return defaultLocale;
    const primary = range.split("-")[0];
    const hit = localeValues.find((l) => l === primary);
    if (hit) return hit;
  }
  return null;
}

/**
 * The interface language of a request: the signed-in user's saved choice, else the cookie
 * (chosen on the sign-in page, or set when the choice was saved), else the browser's
 * Accept-Language, else English. Values that are not one of our languages are ignored.
 */
export function negotiateLocale(input: { user?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(input.user)) return input.user;
  if (isLocale(input.cookie)) return input.cookie;
  return localeFromAcceptLanguage(input.acceptLanguage) ?? defaultLocale;
}

/** A cookie's value from a request's Cookie header. */
function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(/;\s*/)) if (part.startsWith(`${name}=`)) return decodeURIComponent(part.slice(name.length + 1));
  return null;
}

/** The interface language of an API request (route handlers: no next-intl there), as negotiateLocale. */
export function requestLocale(req: Request, actor: { locale?: string | null } | null): Locale {
  return negotiateLocale({ user: actor?.locale, cookie: cookieValue(req.headers.get("cookie"), LOCALE_COOKIE), acceptLanguage: req.headers.get("accept-language") });
}
