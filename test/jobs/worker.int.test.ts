// The assessment worker with the real served model, on both engines: one result per job even when
// a job runs twice, retries with backoff then dead letter for transient failures, no retry for a
// scan that cannot be decoded, and re-assessment on demand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { seedPatients } from "@/lib/db/seed-cohort";
import { generatePatient, renderScan, scanToDicom } from "@/models/fusion/cohort";
import { AssessmentQueue, ASSESSMENT_DEAD_LETTER } from "@/lib/jobs/queue";
import { AssessmentWorker } from "@/lib/jobs/worker";
import { runAssessment } from "@/lib/jobs/assess-job";
import { requestAssessment } from "@/lib/jobs/request-assessment";
import { seedScans } from "@/lib/ingest/seed-scans";
import { scanStoreFor } from "@/lib/db/scan-store";
import { loadFusionAssessor } from "@/lib/jobs/fusion-assessor";
import { registerServedModel } from "@/lib/db/model-registry";
import type { Assessor } from "@/lib/jobs/assessor";
import type { Actor } from "@/lib/auth/actor";

const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };

async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(engines)("assessment worker on %s", (_name, open) => {
  let e: TestEngine;
  let q: AssessmentQueue;
  let assessor: Assessor;
  let actor: Actor;
  let patientId: string;
  const p = generatePatient(9, 3);

  beforeAll(async () => {
    e = await open();
    q = await AssessmentQueue.open(e, { retryLimit: 1, retryDelay: 1 });
    assessor = await loadFusionAssessor();
    await registerServedModel(e.prisma, assessor.registry!, "worker"); // what a starting worker does
    await seedPatients(e.prisma, [p]);
    patientId = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: p.patient.mrn } })).id;
    const u = await e.prisma.user.create({ data: { username: `w${Date.now()}`, displayName: "W", role: "clinician", passwordHash: "x" } });
    actor = { userId: u.id, username: u.username, displayName: "W", role: "clinician", sessionId: "s", csrfToken: "c" };
  }, 120_000);
  afterAll(async () => {
    await q?.stop();
    await e?.drop();
  });

  it("a job run twice (a worker died after claiming it) stores one result", async () => {
    const a = await requestAssessment(e.prisma, q, { patientId, scanId: null, actor, request });
    // first worker claims it and "dies": status running, no result
    await e.prisma.assessment.update({ where: { id: a.id }, data: { status: "running", attempts: 1 } });
    expect(await runAssessment(e.prisma, assessor, a.id)).toBe("done"); // the redelivered job
    expect(await runAssessment(e.prisma, assessor, a.id)).toBe("skipped"); // a late duplicate
    const row = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
    expect(row.status).toBe("done");
    expect(row.attempts).toBe(2);
    expect(row.flags).toContain("no_image");
    expect(row.strategy).toBe("tabular_only");
    expect(await e.prisma.auditEvent.count({ where: { action: "assessment.complete", entityId: a.id } })).toBe(1);
    await q.boss.deleteJob("assessment", a.id);
  });

  it("the worker assesses a seeded scan and a re-assessment request, on the joint path", async () => {
    const r = await seedScans(e.prisma, q, [{ mrn: p.patient.mrn, bytes: scanToDicom(p, renderScan(p, { size: 128 })), filename: "ct.dcm" }]);
    expect(r.created).toBe(1);
    const scan = await e.prisma.scan.findFirstOrThrow({ where: { patientId } });
    const worker = new AssessmentWorker(e.prisma, q, assessor, { pollMs: 100 });
    expect(await worker.drain()).toBe(1); // the seeded scan's queued job, as scripts/db-seed.ts runs it
    // the seed went through the upload path: its assessment, its job, an audit row by the system
    const seeded = await e.prisma.assessment.findUniqueOrThrow({ where: { id: r.assessmentIds[0] } });
    expect(seeded).toMatchObject({ scanId: scan.id, status: "done", requestedById: null });
    expect((await q.boss.getJobById("assessment", seeded.id))?.state).toBe("completed");
    const seedAudit = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "scan.create", entityId: scan.id } });
    expect(seedAudit).toMatchObject({ userId: null, source: "seed", patientId });
    worker.start();
    try {
      const a = await requestAssessment(e.prisma, q, { patientId, scanId: scan.id, actor, request });
      worker.wake();
      const done = await until(async () => {
        const row = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
        return row.status === "done" && row;
      });
      expect(done.strategy).toBe(assessor.model.strategy);
      const expl = done.explanation as { saliency: { width: number } | null; modalityContributions: object };
      expect(expl.saliency?.width).toBeGreaterThan(0);
      const job = await q.boss.getJobById("assessment", a.id);
      expect(job?.state).toBe("completed");
      expect(await e.prisma.auditEvent.count({ where: { action: "assessment.request", entityId: a.id } })).toBe(1);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it("a transient failure is retried with backoff, then dead-lettered and shown as failed", async () => {
    const flaky: Assessor = { ...assessor, model: assessor.model, imageModalities: assessor.imageModalities, assess: async () => { throw new Error("inference backend crashed"); } };
    const worker = new AssessmentWorker(e.prisma, q, flaky, { pollMs: 100 });
    worker.start();
    try {
      const a = await requestAssessment(e.prisma, q, { patientId, scanId: null, actor, request });
      worker.wake();
      const row = await until(async () => {
        const r = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
        return r.status === "failed" && r;
      }, 30_000);
      expect(row.error).toContain("inference backend crashed");
      expect(row.attempts).toBe(2); // first try + one retry
      expect(worker.processed.retried).toBe(1);
      const dead = await q.boss.fetch(ASSESSMENT_DEAD_LETTER);
      expect(dead.map((j) => (j.data as { assessmentId: string }).assessmentId)).toContain(a.id);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it("a scan that cannot be decoded fails at once, without retries", async () => {
    const scan = await e.prisma.scan.findFirstOrThrow({ where: { patientId } });
    const junk = await scanStoreFor(e.prisma).put(new Uint8Array([1, 2, 3]));
    const broken = await e.prisma.scan.create({
      data: { ...scan, id: undefined, sha256: junk.key, storageKey: junk.key, byteSize: junk.size, metadata: {}, createdAt: undefined } as never,
    });
    const worker = new AssessmentWorker(e.prisma, q, assessor, { pollMs: 100 });
    worker.start();
    try {
      const a = await requestAssessment(e.prisma, q, { patientId, scanId: broken.id, actor, request });
      worker.wake();
      const row = await until(async () => {
        const r = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
        return r.status === "failed" && r;
      });
      expect(row.error).toMatch(/could not be decoded/);
      expect(row.attempts).toBe(1);
      expect(worker.processed.retried).toBe(0);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
