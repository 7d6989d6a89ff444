import type { Metadata } from "next";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { listTrustedEhrs } from "@/lib/fhir/cds/ehrs";
import { EhrAdmin } from "./EhrAdmin";

export const metadata: Metadata = { title: "Trusted EHRs" };

export const dynamic = "force-dynamic";

/** EHRs trusted to call the CDS Hooks service (their JWT issuer and keys). */
export default async function EhrsPage() {
  const actor = await requirePageActor("user:admin");
  const ehrs = await listTrustedEhrs(await prisma());
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Trusted EHRs (CDS Hooks)</h1>
        <p className="muted">
          An EHR calls <code>/cds-services/fusion-risk</code> with a JWT it signs; the token&apos;s issuer must be listed here, and its signature must
          verify with the EHR&apos;s keys (a JWKS URL, or the JWKS pasted in).
        </p>
        <EhrAdmin ehrs={ehrs.map((e) => ({ id: e.id, name: e.name, issuer: e.issuer, jwksUrl: e.jwksUrl, inlineKeys: !!e.jwks, clientId: e.clientId, enabled: e.enabled }))} />
      </main>
    </>
  );
}
