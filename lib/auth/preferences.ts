import type { Db } from "@/lib/db/client";
import type { Locale } from "@/lib/domain/locale";
import type { Actor, RequestInfo } from "./actor";
import { audit } from "./audit";
import { LOCALE_COOKIE } from "@/lib/i18n/negotiate";

/** One's own interface language, saved on the user with its audit row (one transaction). */
export async function setOwnLocale(db: Db, actor: Actor, locale: Locale | null, request: RequestInfo): Promise<{ locale: Locale | null; previous: string | null }> {
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { locale: true } });
    await tx.user.update({ where: { id: actor.userId }, data: { locale } });
    await audit(tx, { actor, action: "account.locale_change", entityType: "User", entityId: actor.userId, outcome: "success", request, details: { from: before.locale, to: locale } });
    return { locale, previous: before.locale };
  });
}

/**
 * The language cookie (cleared with the choice), set with the saved choice so the sign-in page after signing out speaks it
 * too. Readable by scripts (the sign-in page's selector writes it); a year.
 */
export function localeCookie(locale: Locale | null, secure: boolean): string {
  return [`${LOCALE_COOKIE}=${locale ?? ""}`, "Path=/", `Max-Age=${locale ? 365 * 24 * 3600 : 0}`, "SameSite=Lax", ...(secure ? ["Secure"] : [])].join("; ");
}
