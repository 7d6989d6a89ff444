// Shadow scoring on PostgreSQL and embedded PGlite: a worker prepared while a version is in shadow
// loads it, scores each assessment with it silently (ShadowScore, apart from the assessment's own
// scores), and the comparison reports agreement, mean |Δrisk| and AUROC on patients with outcomes.
// The shadow here is the shipped bundle itself under another registry version, so the two agree.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import path from "node:path";
import { engines, type TestEngine } from "../support/engines";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { prepareAssessmentWorker } from "@/lib/jobs/start-worker";
import { requestAssessment } from "@/lib/jobs/request-assessment";
import { compareShadow, auroc } from "@/lib/training/shadow";
import { seedTrainingCohort } from "./fixture";
import type { Actor } from "@/lib/auth/actor";

vi.mock("server-only", () => ({}));

describe("auroc", () => {
  it("Mann–Whitney with ties as ½; null without both classes", () => {
    expect(auroc([0.9, 0.8, 0.1], [1, 0, 0])).toBe(1);
    expect(auroc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(auroc([0.1, 0.9], [1, 0])).toBe(0);
    expect(auroc([0.1], [1])).toBeNull();
  });
});

describe.each(engines)("shadow scoring on %s", (_name, open) => {
  let e: TestEngine;
  let q: AssessmentQueue;
  const request = { clientAddress: null, userAgent: null, source: "test" };
  beforeAll(async () => {
    e = await open();
    q = await AssessmentQueue.open(e);
  }, 120_000);
  afterAll(async () => {
    await q?.stop();
    await e?.drop();
  });

  it("scores silently with the shadow version and compares it with the active one", async () => {
    await seedTrainingCohort(e.prisma, { n: 6, seed: 5, scans: 0 });
    const u = await e.prisma.user.create({ data: { username: `s${Date.now()}`, displayName: "S", role: "clinician", passwordHash: "x" } });
    const actor: Actor = { userId: u.id, username: u.username, displayName: "S", role: "clinician", sessionId: "s", csrfToken: "c" };
    const shadowRow = await e.prisma.modelVersion.create({
      data: { name: "fusion-demo", version: "shadow-test", strategy: "joint", heads: ["lung_cancer_2y", "mace_5y"], inputSpec: {}, card: {}, metrics: { servable: true }, status: "shadow", bundleDir: path.join(process.cwd(), "models", "fusion-demo", "1.1.0") },
    });
    const worker = await prepareAssessmentWorker(e.prisma, q, { source: "seed" });
    const patients = await e.prisma.patient.findMany({ select: { id: true } });
    for (const p of patients) await requestAssessment(e.prisma, q, { patientId: p.id, scanId: null, actor, request });
    expect(await worker.drain()).toBe(patients.length);
    const scores = await e.prisma.shadowScore.findMany({ where: { modelVersionId: shadowRow.id } });
    expect(scores).toHaveLength(patients.length);
    // the assessments themselves carry the active version's scores, stamped with it
    const done = await e.prisma.assessment.findMany({ where: { status: "done" } });
    expect(new Set(done.map((a) => a.modelVersion))).toEqual(new Set(["1.1.0"]));
    // outcomes after today's assessment are unknown: AUROC needs labelled patients, so none yet
    const c = await compareShadow(e.prisma, shadowRow.id);
    expect(c.assessments).toBe(patients.length);
    expect(c.activeVersions).toEqual(["fusion-demo@1.1.0"]);
    for (const h of c.heads) expect(h).toMatchObject({ n: patients.length, agreement: 1, meanAbsDelta: 0, labelled: 0, aurocActive: null });
  }, 180_000);
});
