// Issue 12 items 3–5 on both engines: the stored assessment carries one explanation per outcome
// in clinical words and flags inputs the model never saw in training (with the real served model
// and worker path); a deflated scan is served to the viewer as Explicit VR Little Endian.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";
import { readTestFile } from "../support/dicom-files";
import { seedPatients } from "@/lib/db/seed-cohort";
import { generatePatient } from "@/models/fusion/cohort";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { runAssessment } from "@/lib/jobs/assess-job";
import { requestAssessment } from "@/lib/jobs/request-assessment";
import { seedScans } from "@/lib/ingest/seed-scans";
import { loadFusionAssessor } from "@/lib/jobs/fusion-assessor";
import { registerServedModel } from "@/lib/db/model-registry";
import { listAssessments } from "@/lib/db/assessments";
import { StoredAssessment } from "@/lib/domain/assessment";
import { parseDicom } from "@/lib/dicom/parse";
import type { Assessor } from "@/lib/jobs/assessor";
import type { Actor } from "@/lib/auth/actor";

const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };

describe.each(engines)("clinical explanations and honest inputs on %s", (_name, open) => {
  let e: TestEngine;
  let q: AssessmentQueue;
  let assessor: Assessor;
  let actor: Actor;
  let cred: Cred;
  let patientId: string;
  const p = generatePatient(12, 5);

  beforeAll(async () => {
    e = await open();
    q = await AssessmentQueue.open(e, { retryLimit: 0, retryDelay: 1 });
    assessor = await loadFusionAssessor();
    await registerServedModel(e.prisma, assessor.registry!, "worker");
    await seedPatients(e.prisma, [p]);
    patientId = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: p.patient.mrn } })).id;
    const u = await makeUser(e.prisma, "clinician");
    actor = { userId: u.id, username: u.username, displayName: "C", role: "clinician", sessionId: "s", csrfToken: "c" };
    cred = await sessionFor(e.prisma, u.id);
    routeHandlersUse(e);
  }, 120_000);
  afterAll(async () => {
    routeHandlersRelease();
    await q?.stop();
    await e?.drop();
  });

  async function assessNow() {
    const a = await requestAssessment(e.prisma, q, { patientId, scanId: null, actor, request });
    expect(await runAssessment(e.prisma, assessor, a.id)).toBe("done");
    await q.boss.deleteJob("assessment", a.id);
    const row = await e.prisma.assessment.findUniqueOrThrow({ where: { id: a.id } });
    const stored = StoredAssessment.parse({ modelName: row.modelName, modelVersion: row.modelVersion, strategy: row.strategy, scores: row.scores, embeddings: row.embeddings, explanation: row.explanation, timings: row.timings, flags: row.flags });
    return { row, stored };
  }

  it("sex 'other' and an age beyond the training ages are flagged on the stored score, with which input and why", async () => {
    await e.prisma.patient.update({ where: { id: patientId }, data: { sex: "other", birthDate: new Date("1925-03-01T00:00:00Z") } });
    const { row, stored } = await assessNow();
    expect(row.flags).toContain("input_outside_training_range");
    const outside = stored.explanation.inputsOutsideTraining ?? [];
    expect(outside.map((i) => [i.input, i.reason])).toEqual(expect.arrayContaining([["Sex", "unseen_in_training"], ["Age", "above_training_range"]]));
    expect(outside.find((i) => i.input === "Sex")!.text).toMatch(/none of the 10,000 training patients had it/);
    // the panel's view says the same, as a caution
    const [view] = await listAssessments(e.prisma, patientId, { take: 1 });
    expect(view.inputsOutsideTraining).toEqual(outside);
    const notice = view.notices.find((n) => n.flag === "input_outside_training_range")!;
    expect(notice.severity).toBe("caution");
    expect(notice.text).toMatch(/Sex "other"/);
    expect(notice.text).toMatch(/Age \d+ years is outside the range of the training patients \(40–85 years\)/);
  }, 60_000);

  it("the stored assessment carries one explanation per outcome in clinical words; the view names outcomes as the registry does", async () => {
    await e.prisma.patient.update({ where: { id: patientId }, data: { sex: "female", birthDate: new Date("1962-03-01T00:00:00Z") } });
    const { row, stored } = await assessNow();
    expect(row.flags).not.toContain("input_outside_training_range");
    expect(stored.explanation.inputsOutsideTraining).toEqual([]);
    const heads = Object.keys(stored.scores).sort();
    expect(Object.keys(stored.explanation.factorsByHead ?? {}).sort()).toEqual(heads);
    for (const h of heads) {
      const factors = stored.explanation.factorsByHead![h];
      expect(factors.length).toBeGreaterThan(0);
      for (const f of factors) {
        expect(f.text).not.toMatch(/Male sex|Diet records|Family history recorded|\(decades\)|z-score/);
        expect(f.features.some((x) => x === "diet.records" || x === "fam.recorded")).toBe(false);
      }
    }
    const sex = Object.values(stored.explanation.factorsByHead!).flat().find((f) => f.fact === "Sex");
    if (sex) expect(sex.text).toBe("Sex: female");
    const [view] = await listAssessments(e.prisma, patientId, { take: 1 });
    const labels = new Map(assessor.registry!.outcomes.map((o) => [o.head, o.label]));
    expect(view.explanations.map((x) => [x.head, x.label])).toEqual(view.scores.map((s) => [s.head, labels.get(s.head)]));
    expect(view.scores.every((s) => s.categories !== null)).toBe(true);
    expect(view.intervalMethod).toMatch(/MC dropout/);
    // each outcome's contributions are its own
    const [a, b] = view.explanations;
    expect(a.modalityContributions).not.toEqual(b.modalityContributions);
    expect(a.factors.length).toBeLessThanOrEqual(8);
  }, 60_000);

  it("a deflated scan is served to the viewer inflated as Explicit VR Little Endian; stored bytes are unchanged", async () => {
    const bytes = readTestFile("image_dfl.dcm");
    const r = await seedScans(e.prisma, q, [{ mrn: p.patient.mrn, bytes, filename: "dfl.dcm" }]);
    expect(r.created).toBe(1);
    const scan = await e.prisma.scan.findFirstOrThrow({ where: { patientId, transferSyntaxUid: "1.2.840.10008.1.2.1.99" } });
    const { GET } = await import("@/app/api/scans/[id]/file/route");
    const display = await GET(apiRequest("GET", `/api/scans/${scan.id}/file?for=display`, { cred }), ctx({ id: scan.id }));
    expect(display.status).toBe(200);
    const shown = parseDicom(new Uint8Array(await display.arrayBuffer()));
    expect(shown.transferSyntax.uid).toBe("1.2.840.10008.1.2.1");
    expect(shown.metadata.rows).toBe(512);
    const stored = await GET(apiRequest("GET", `/api/scans/${scan.id}/file`, { cred }), ctx({ id: scan.id }));
    expect(Buffer.compare(Buffer.from(await stored.arrayBuffer()), Buffer.from(bytes))).toBe(0);
    const bad = await GET(apiRequest("GET", `/api/scans/${scan.id}/file?for=everything`, { cred }), ctx({ id: scan.id }));
    expect(bad.status).toBe(400);
    expect(await e.prisma.auditEvent.count({ where: { action: "scan.read", entityId: scan.id } })).toBe(2);
  }, 60_000);
});
