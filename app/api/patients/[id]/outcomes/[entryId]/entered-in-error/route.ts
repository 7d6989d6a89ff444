import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { entryParams } from "@/lib/http/params";
import { auditWrite } from "@/lib/http/audit-hooks";
import { OutcomeEnteredInError, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { markOutcomeEnteredInError } from "@/lib/outcomes/service";

export const dynamic = "force-dynamic";

/** Marks an outcome entered in error, with a reason; nothing is deleted (lib/outcomes/README.md). */
export const POST = route<{ id: string; entryId: string }>("outcome:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  const { reason } = parseOrThrow(OutcomeEnteredInError, await readJson(req), "entered in error");
  return markOutcomeEnteredInError(await prisma(), id, entryId, reason, actor.userId, auditWrite(actor, req, "outcome.entered_in_error", "Outcome", id));
});
