import { z } from "zod";
import { route } from "@/lib/http/route";
import { uuid } from "@/lib/domain/common";
import { parseOrThrow } from "@/lib/domain";
import type { MeasurementDeleted } from "@/lib/domain/measurement";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { deleteMeasurement } from "@/lib/measurements";

export const dynamic = "force-dynamic";
type P = { id: string; mid: string };
const Params = z.object({ id: uuid, mid: uuid });

/** Its author deletes a saved measurement (kept with deletedAt; audited); anyone else: 403. */
export const DELETE = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id, mid } = parseOrThrow(Params, params, "path");
  return (await deleteMeasurement(await prisma(), id, mid, { actor, request: requestInfo(req) })) satisfies MeasurementDeleted;
});
