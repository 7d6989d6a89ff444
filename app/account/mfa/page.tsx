import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TopBar } from "@/app/_components/TopBar";
import { SignOutButton } from "@/app/login/SignOutButton";
import { requirePageActor } from "@/lib/auth/page";
import { mfaStatus } from "@/lib/auth/mfa";
import { prisma } from "@/lib/db/client";
import { MfaManager } from "./MfaManager";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("mfa"))("title") };
}

export const dynamic = "force-dynamic";

/**
 * Two-factor authentication: set up (QR code / secret → first code → recovery codes), new recovery
 * codes, turn off (not for admins). Admins without MFA land here right after signing in and can
 * reach nothing else until they have enrolled.
 */
export default async function MfaPage() {
  const actor = await requirePageActor("session:self", { duringMfaEnrolment: true });
  const s = await mfaStatus(await prisma(), actor.userId);
  const t = await getTranslations("mfa");
  const tr = await getTranslations("roles");
  return (
    <>
      {actor.mfaEnrolmentRequired ? (
        <header className="topbar">
          <span className="brand">Fusion CDS</span>
          <span className="spacer" />
          <span className="who">
            {actor.displayName} · {tr(actor.role)}
          </span>
          <SignOutButton csrfToken={actor.csrfToken} />
        </header>
      ) : (
        <TopBar actor={actor} />
      )}
      <main style={{ maxWidth: "44rem" }}>
        <h1>{t("title")}</h1>
        {actor.mfaEnrolmentRequired && (
          <p className="notice" role="status">
            {t("required", { role: tr(actor.role) })}
          </p>
        )}
        <MfaManager
          status={{ enabled: s.enabled, required: s.required, recoveryCodesLeft: s.recoveryCodesLeft, enabledAt: s.enabledAt?.toISOString() ?? null }}
          continueTo={actor.mfaEnrolmentRequired ? "/" : "/account"}
        />
      </main>
    </>
  );
}
