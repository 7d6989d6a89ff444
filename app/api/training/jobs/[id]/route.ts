import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { prisma } from "@/lib/db/client";
import { getTrainingJob } from "@/lib/training/jobs";

export const dynamic = "force-dynamic";

/** One training job: status and progress (epoch, loss, ETA) — the model page polls it. */
export const GET = route<{ id: string }>("model:train", async ({ params }) => getTrainingJob(await prisma(), patientParams(params).id));
