import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { ModelStatusChange, parseOrThrow } from "@/lib/domain";
import { reloadInProcessWorker } from "@/lib/jobs/runtime";
import { changeModelStatus } from "@/lib/training/registry";

export const dynamic = "force-dynamic";
type P = { name: string; version: string };

/** An admin's registry step with a typed reason: shadow, activate, retire, rollback (audited, one transaction). */
export const POST = route<P>("model:admin", async ({ req, params, actor }) => {
  const change = parseOrThrow(ModelStatusChange, await readJson(req), "status change");
  const r = await changeModelStatus(await prisma(), params.name, params.version, change, { actor, request: requestInfo(req) });
  // the in-process worker serves the (new) active version and scores with the (new) shadow from now on
  void reloadInProcessWorker();
  return r;
});
