import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { parseOrThrow, TrustedEhrCreate, type TrustedEhrList, type TrustedEhrResult } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { createTrustedEhr, listTrustedEhrs } from "@/lib/fhir/cds/ehrs";

export const dynamic = "force-dynamic";

/** EHRs trusted to call the CDS Hooks service. */
export const GET = route("user:admin", async () => ({ items: await listTrustedEhrs(await prisma()) }) satisfies TrustedEhrList);

export const POST = route("user:admin", async ({ req, actor }) => {
  const input = parseOrThrow(TrustedEhrCreate, await readJson(req), "trusted EHR");
  return Response.json({ ehr: await createTrustedEhr(await prisma(), input, { actor, request: requestInfo(req) }) } satisfies TrustedEhrResult, { status: 201 });
});
