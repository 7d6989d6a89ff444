import type { Metadata } from "next";
import { TopBar } from "@/app/_components/TopBar";
import { SignOutButton } from "@/app/login/SignOutButton";
import { requirePageActor } from "@/lib/auth/page";
import { mfaStatus } from "@/lib/auth/mfa";
import { prisma } from "@/lib/db/client";
import { MfaManager } from "./MfaManager";

export const metadata: Metadata = { title: "Two-factor authentication" };

export const dynamic = "force-dynamic";

/**
 * Two-factor authentication: set up (QR code / secret → first code → recovery codes), new recovery
 * codes, turn off (not for admins). Admins without MFA land here right after signing in and can
 * reach nothing else until they have enrolled.
 */
export default async function MfaPage() {
  const actor = await requirePageActor("session:self", { duringMfaEnrolment: true });
  const s = await mfaStatus(await prisma(), actor.userId);
  return (
    <>
      {actor.mfaEnrolmentRequired ? (
        <header className="topbar">
          <span className="brand">Fusion CDS</span>
          <span className="spacer" />
          <span className="who">
            {actor.displayName} · {actor.role}
          </span>
          <SignOutButton csrfToken={actor.csrfToken} />
        </header>
      ) : (
        <TopBar actor={actor} />
      )}
      <main style={{ maxWidth: "44rem" }}>
        <h1>Two-factor authentication</h1>
        {actor.mfaEnrolmentRequired && (
          <p className="notice" role="status">
            Your role ({actor.role}) requires two-factor authentication. Set it up now: until then nothing else is available.
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
