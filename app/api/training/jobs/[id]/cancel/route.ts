import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { cancelTraining } from "@/lib/training/jobs";

export const dynamic = "force-dynamic";

/** Cancels a queued or running training job (409 training_ended when it already ended). */
export const POST = route<{ id: string }>("model:train", async ({ req, params, actor }) => cancelTraining(await prisma(), patientParams(params).id, { actor, request: requestInfo(req) }));
