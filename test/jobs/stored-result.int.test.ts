// The stored-assessment schema at the worker, on both engines: what the real model returns is
// stored and reads back through the schema unchanged; a result that does not match the schema
// fails the assessment at once with the reason, and nothing of it is stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { storedAssessment } from "../support/stored-assessment";
import { seedPatients } from "@/lib/db/seed-cohort";
import { generatePatient } from "@/models/fusion/cohort";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { AssessmentWorker } from "@/lib/jobs/worker";
import { PermanentJobError, runAssessment } from "@/lib/jobs/assess-job";
import { requestAssessment } from "@/lib/jobs/request-assessment";
import { registerServedModel } from "@/lib/db/model-registry";
import { loadFusionAssessor } from "@/lib/jobs/fusion-assessor";
import { getAssessment } from "@/lib/db/assessments";
import { StoredAssessment } from "@/lib/domain/assessment";
import type { Assessor, AssessmentOutcome } from "@/lib/jobs/assessor";
import type { Actor } from "@/lib/auth/actor";

const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };

async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(engines)("the worker stores only what the stored-assessment schema reads, on %s", (_name, open) => {
  let e: TestEngine;
  let q: AssessmentQueue;
  let real: Assessor;
  let actor: Actor;
  let patientId: string;
  const p = generatePatient(21, 5);

  beforeAll(async () => {
    e = await open();
    q = await AssessmentQueue.open(e, { retryLimit: 2, retryDelay: 1 });
    real = await loadFusionAssessor();
    await registerServedModel(e.prisma, real.registry!, "test");
    await seedPatients(e.prisma, [p]);
    patientId = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: p.patient.mrn } })).id;
    const u = await e.prisma.user.create({ data: { username: `s${Date.now()}`, displayName: "S", role: "clinician", passwordHash: "x" } });
    actor = { userId: u.id, username: u.username, displayName: "S", role: "clinician", sessionId: "s", csrfToken: "c" };
  }, 120_000);
  afterAll(async () => {
    await q?.stop();
    await e?.drop();
  });

  it("the real model's result round-trips: the row parses back to exactly what the model returned", async () => {
    let returned: AssessmentOutcome | null = null;
    const recording: Assessor = { ...real, model: real.model, imageModalities: real.imageModalities, assess: async (input) => (returned = await real.assess(input)) };
    const a = await requestAssessment(e.prisma, q, { patientId, scanId: null, actor, request });
    expect(await runAssessment(e.prisma, recording, a.id)).toBe("done");
    const row = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
    // the row's columns that the schema describes
    const back = StoredAssessment.parse(Object.fromEntries(StoredAssessment.keyof().options.map((k) => [k, row[k]])));
    const sent = returned!;
    expect(back.scores).toEqual(sent.scores);
    expect(back.embeddings).toEqual(sent.embeddings);
    expect(back.explanation).toEqual(sent.explanation);
    expect({ modelName: back.modelName, modelVersion: back.modelVersion, strategy: back.strategy }).toEqual({ modelName: sent.modelName, modelVersion: sent.modelVersion, strategy: sent.strategy });
    // the worker's own stages and flags join the model's
    expect(Object.keys(back.timings)).toEqual(expect.arrayContaining(["load", "decode", "total", ...Object.keys(sent.timings)]));
    expect(back.flags).toEqual(["no_image", ...sent.flags.filter((f) => f !== "no_image")]);
    // and the workspace reads it without complaint
    expect((await getAssessment(e.prisma, a.id)).resultError).toBeNull();
    await q.boss.deleteJob("assessment", a.id);
  }, 60_000);

  it("runAssessment refuses a result that does not match the schema and writes nothing", async () => {
    const spoilt: Assessor = { ...real, assess: async () => ({ ...storedAssessment(), scores: { lung_cancer_2y: { probability: Number.NaN, interval: [0, 1], category: "low" } } }) as AssessmentOutcome };
    const a = await requestAssessment(e.prisma, q, { patientId, scanId: null, actor, request });
    await expect(runAssessment(e.prisma, spoilt, a.id)).rejects.toThrow(PermanentJobError);
    const row = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
    expect(row).toMatchObject({ status: "running", scores: null, explanation: null, embeddings: null });
    await q.boss.deleteJob("assessment", a.id);
  });

  it("the worker fails such an assessment at once, with the reason, and without retrying", async () => {
    // a NaN would have been stored as null by JSON: the kind of junk readers used to guess around
    const spoilt: Assessor = {
      ...real,
      assess: async () => {
        const r = storedAssessment();
        return { ...r, scores: { ...r.scores, mace_5y: { ...r.scores.mace_5y, probability: Number.NaN } } };
      },
    };
    const worker = new AssessmentWorker(e.prisma, q, spoilt, { pollMs: 100 });
    worker.start();
    try {
      const a = await requestAssessment(e.prisma, q, { patientId, scanId: null, actor, request });
      worker.wake();
      const row = await until(async () => {
        const r = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
        return r.status === "failed" && r;
      });
      expect(row.error).toMatch(/^The model returned a result that cannot be stored: scores\.mace_5y\.probability: /);
      expect(row).toMatchObject({ scores: null, explanation: null, embeddings: null, attempts: 1 });
      expect(worker.processed.retried).toBe(0);
      const failed = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "assessment.fail", entityId: a.id } });
      expect(JSON.stringify(failed.details)).toContain("scores.mace_5y.probability");
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
