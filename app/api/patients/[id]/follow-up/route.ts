import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { auditWrite } from "@/lib/http/audit-hooks";
import { FollowUpUpdate, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { setFollowUp } from "@/lib/outcomes/service";

export const dynamic = "force-dynamic";

/** Sets or clears the recorded end of follow-up (labels: lib/outcomes/README.md). */
export const PUT = route<{ id: string }>("outcome:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(FollowUpUpdate, await readJson(req), "follow-up");
  return setFollowUp(await prisma(), id, input, auditWrite(actor, req, "patient.follow_up.update", "Patient", id));
});
