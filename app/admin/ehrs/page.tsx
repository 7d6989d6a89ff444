import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { listTrustedEhrs } from "@/lib/fhir/cds/ehrs";
import { EhrAdmin } from "./EhrAdmin";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("ehrs") };
}

export const dynamic = "force-dynamic";

/** EHRs trusted to call the CDS Hooks service (their JWT issuer and keys). */
export default async function EhrsPage() {
  const actor = await requirePageActor("user:admin");
  const ehrs = await listTrustedEhrs(await prisma());
  const t = await getTranslations("admin");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("ehrsHeading")}</h1>
        <p className="muted">
          {t.rich("ehrsIntro", { code: (c) => <code>{c}</code> })}
        </p>
        <EhrAdmin ehrs={ehrs.map((e) => ({ id: e.id, name: e.name, issuer: e.issuer, jwksUrl: e.jwksUrl, inlineKeys: !!e.jwks, clientId: e.clientId, enabled: e.enabled }))} />
      </main>
    </>
  );
}
