import { getRequestConfig } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { getPageActor } from "@/lib/auth/page";
import { LOCALE_COOKIE, negotiateLocale } from "@/lib/i18n/negotiate";
import { loadMessages } from "@/lib/i18n/messages";

/**
 * next-intl without i18n routing (no locale in the URL): each request's language is the
 * signed-in user's choice, else the cookie, else Accept-Language, else English
 * (lib/i18n/negotiate.ts). The plugin in next.config.js points next-intl here.
 */
export default getRequestConfig(async () => {
  const [actor, jar, h] = await Promise.all([getPageActor(), cookies(), headers()]);
  const locale = negotiateLocale({ user: actor?.locale, cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: h.get("accept-language") });
  return { locale, messages: await loadMessages(locale), timeZone: "UTC" };
});
