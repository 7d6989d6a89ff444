import { useTranslations } from "next-intl";

/**
 * Sign-out form for any signed-in page (server component; works without script):
 *   <SignOutButton csrfToken={actor.csrfToken} />
 * The session's CSRF token travels in the `_csrf` field; /api/auth/logout answers 303 → /login.
 */
export function SignOutButton({ csrfToken, everywhere = false, label }: { csrfToken: string; everywhere?: boolean; label?: string }) {
  const t = useTranslations("nav");
  return (
    <form method="post" action={everywhere ? "/api/auth/logout-everywhere" : "/api/auth/logout"}>
      <input type="hidden" name="_csrf" value={csrfToken} />
      <button className="secondary" type="submit" style={{ padding: "0.25rem 0.7rem" }}>
        {label ?? (everywhere ? t("signOutEverywhere") : t("signOut"))}
      </button>
    </form>
  );
}
