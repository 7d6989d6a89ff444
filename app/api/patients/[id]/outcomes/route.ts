import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { auditRead, auditWrite } from "@/lib/http/audit-hooks";
import { OutcomeCreate, parseOrThrow, type PatientOutcomes } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { listOutcomes, recordOutcome } from "@/lib/outcomes/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("outcome:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const out: PatientOutcomes = await listOutcomes(await prisma(), id);
  await auditRead(actor, req, "outcome.read", "Patient", id, id, { entries: out.outcomes.length });
  return Response.json(out);
});

export const POST = route<{ id: string }>("outcome:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(OutcomeCreate, await readJson(req), "outcome");
  const o = await recordOutcome(await prisma(), id, input, { source: "clinician", userId: actor.userId }, auditWrite(actor, req, "outcome.create", "Outcome", id, { outcome: input.outcome }));
  return Response.json(o, { status: 201 });
});
