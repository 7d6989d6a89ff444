import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { TrainingStart, parseOrThrow } from "@/lib/domain";
import { assessmentQueue, trainingQueued } from "@/lib/jobs/runtime";
import { listTrainingJobs, startTraining } from "@/lib/training/jobs";

export const dynamic = "force-dynamic";

export const GET = route("model:train", async () => ({ items: await listTrainingJobs(await prisma()) }));

/** Starts a training job on the queue (any worker takes it); 201 with the queued job. */
export const POST = route("model:train", async ({ req, actor }) => {
  const input = parseOrThrow(TrainingStart, await readJson(req), "training");
  const job = await startTraining(await prisma(), await assessmentQueue(), input, { actor, request: requestInfo(req) });
  trainingQueued();
  return Response.json(job, { status: 201 });
});
