// Training as a job on PostgreSQL and embedded PGlite: a snapshot built from the database, a job
// started (row + queue job + audit in one transaction), taken from the pg-boss queue and run
// (tiny configuration), progress written, a candidate ModelVersion registered with its provenance
// (weights under the data directory); cancelling a queued and a running job.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { engines, type TestEngine } from "../support/engines";
import { seedTrainingCohort } from "./fixture";
import { DEMO_INDEX_DATE } from "@/lib/outcomes/seed";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { buildSnapshot } from "@/lib/training/snapshots";
import { cancelTraining, getTrainingJob, startTraining } from "@/lib/training/jobs";
import { runTrainingJob } from "@/lib/training/runner";
import { TrainingStart } from "@/lib/domain";

vi.mock("server-only", () => ({}));

const who = { actor: null, username: "test", request: { clientAddress: null, userAgent: null, source: "test" } };

describe.each(engines)("training job on %s", (_name, open) => {
  let e: TestEngine;
  let queue: AssessmentQueue;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let snapshotId: string;
  beforeAll(async () => {
    e = await open();
    dir = mkdtempSync(path.join(tmpdir(), "fcds-train-"));
    env = { ...process.env, FUSION_DATA_DIR: dir, FUSION_EXPORT_SECRET: "y".repeat(64), FUSION_CODE_COMMIT: "abc1234" };
    await seedTrainingCohort(e.prisma, { n: 40, seed: 7, scans: 0 });
    queue = await AssessmentQueue.open(e);
    const s = await buildSnapshot(e, { indexDate: DEMO_INDEX_DATE, imageSize: 0 }, who, env);
    expect(s).toMatchObject({ rows: 40, imageRows: 0, existing: false });
    expect((await buildSnapshot(e, { indexDate: DEMO_INDEX_DATE, imageSize: 0 }, who, env)).existing).toBe(true); // same data → same sha256
    snapshotId = s.id;
  }, 180_000);
  afterAll(async () => {
    await queue?.stop();
    await e?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a tiny training from the queue and registers a candidate with its provenance", async () => {
    const job = await startTraining(e.prisma, queue, TrainingStart.parse({ snapshotId, strategy: "tabular_only", epochs: 2, tiny: true, seed: 3 }), who);
    expect(job.status).toBe("queued");
    const [taken] = await queue.fetchTraining();
    expect(taken.data.trainingJobId).toBe(job.id);
    expect(await runTrainingJob(e.prisma, job.id, { env })).toBe("done");
    expect(await runTrainingJob(e.prisma, job.id, { env })).toBe("skipped"); // delivered twice: runs once
    const done = await getTrainingJob(e.prisma, job.id);
    expect(done).toMatchObject({ status: "done", error: null });
    expect(done.progress?.phase).toBe("done");
    const mv = await e.prisma.modelVersion.findUniqueOrThrow({ where: { id: done.modelVersionId! } });
    expect(mv).toMatchObject({ status: "candidate", active: false, seed: 3, codeCommit: "abc1234", trainingJobId: job.id, strategy: "tabular_only" });
    expect(mv.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(mv.snapshotSha256).toBe(done.snapshotSha256);
    expect(mv.bundleDir!.startsWith(path.join(dir, "models"))).toBe(true);
    expect(existsSync(path.join(mv.bundleDir!, "card.json"))).toBe(true);
    expect((mv.metrics as { test: Record<string, unknown> }).test).toHaveProperty("mace_5y");
    const actions = (await e.prisma.auditEvent.findMany({ where: { entityId: { in: [job.id, mv.id, snapshotId] } } })).map((a) => a.action).sort();
    expect(actions).toEqual(["model.register_candidate", "training.snapshot.create", "training.start"]);
  }, 120_000);

  it("cancelling: a queued job ends at once and is skipped by the worker; a running job stops and leaves no files", async () => {
    const q = await startTraining(e.prisma, queue, TrainingStart.parse({ snapshotId, strategy: "tabular_only", tiny: true }), who);
    expect((await cancelTraining(e.prisma, q.id, who)).status).toBe("cancelled");
    expect(await runTrainingJob(e.prisma, q.id, { env })).toBe("skipped");
    await expect(cancelTraining(e.prisma, q.id, who)).rejects.toMatchObject({ code: "training_ended" });

    const r = await startTraining(e.prisma, queue, TrainingStart.parse({ snapshotId, strategy: "tabular_only", tiny: true }), who);
    const result = await runTrainingJob(e.prisma, r.id, {
      env,
      afterClaim: async () => {
        expect((await cancelTraining(e.prisma, r.id, who)).cancelRequested).toBe(true);
      },
    });
    expect(result).toBe("cancelled");
    expect((await getTrainingJob(e.prisma, r.id)).status).toBe("cancelled");
    expect(await e.prisma.modelVersion.count({ where: { trainingJobId: r.id } })).toBe(0);
    const versions = path.join(dir, "models", "fusion-cds");
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(versions).filter((v) => v.endsWith(r.id.slice(0, 8)))).toEqual([]);
    // drain what the queue still holds for these jobs
    for (let j = await queue.fetchTraining(); j.length; j = await queue.fetchTraining()) await queue.completeTraining(j[0].id);
  }, 120_000);
});
