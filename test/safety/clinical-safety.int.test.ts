// Issue 12, items 1 and 2 (the right patient, a current score), through the real route handlers on
// PostgreSQL and on the embedded database: attaching a file whose header names another patient —
// or nobody — needs a typed reason that the audit row keeps with both identities; a scan entered in
// error leaves the record's views, new assessments and exports, supersedes its assessments and
// re-queues the patient; every score records the record version it read, an edit flags it "the
// record changed since this score", and the debounced re-assessment clears the flag.
// The worker runs the real job code (runAssessment) with a stand-in model, so no TensorFlow here.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor, ORIGIN, type Cred } from "../support/auth-fixtures";
import { uploadRequest } from "../support/multipart";
import { storedAssessment } from "../support/stored-assessment";
import { generatePatient, renderScan, scanToDicom, type CohortPatient } from "@/models/fusion/cohort";
import { seedPatients } from "@/lib/db/seed-cohort";
import { AssessmentWorker } from "@/lib/jobs/worker";
import type { Assessor } from "@/lib/jobs/assessor";
import { listAssessments } from "@/lib/db/assessments";
import { listPatients } from "@/lib/db/patient-list";
import { countCohort } from "@/lib/export/sql";
import { listEnteredInError } from "@/lib/jobs/entered-in-error";
import { isPlaceholderIdentity } from "@/lib/ingest/identity";
import { PatientSearch } from "@/lib/domain/patient";
import type { ExportFilters } from "@/lib/export/query";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;

/** A stand-in model: the shape the worker validates and stores, scored from what it was given. */
const fakeAssessor: Assessor = {
  model: { name: "fusion-demo", version: "1.1.0", strategy: "joint", backend: "cpu" },
  imageModalities: ["CT"],
  assess: async ({ image }) => storedAssessment({ path: image ? "joint" : "tabular_only", flags: image ? [] : ["no_image_tabular_path"] }),
};

const p0 = generatePatient(12, 0);
const p1 = generatePatient(12, 1);
/** The same synthetic CT with another identity in its header (and its own UIDs and bytes). */
function ctOf(p: CohortPatient, patient: Partial<CohortPatient["patient"]> = {}, index = p.index) {
  return scanToDicom({ ...p, index, patient: { ...p.patient, ...patient } }, renderScan(p, { size: 64 }));
}

describe.each(engines)("clinical safety: right patient and current score (%s)", (_name, open) => {
  let e: TestEngine;
  let cred: Cred;
  let userId: string;
  let patientId: string;
  let worker: AssessmentWorker;
  let runtime: typeof import("@/lib/jobs/runtime");
  const h = {} as Record<string, Handler>;
  const headers = () => ({ cookie: cred.cookie, "x-csrf-token": cred.csrf, origin: ORIGIN, host: "localhost:3000" });
  const upload = (bytes: Uint8Array, name: string, fields: Record<string, string> = {}) =>
    h.upload(uploadRequest(`${ORIGIN}/api/patients/${patientId}/scans`, { bytes, name }, fields, headers()), ctx({ id: patientId }) as never);
  const post = (handler: Handler, path: string, params: Record<string, string>, body: unknown) => handler(apiRequest("POST", path, { cred, body }), ctx(params) as never);
  const record = async () => (await h.getRecord(apiRequest("GET", `/api/patients/${patientId}`, { cred }), ctx({ id: patientId }) as never)).json();
  /** runs every job that is due, as a worker would, until the assessment is finished */
  async function runUntilDone(assessmentId: string, ms = 30_000) {
    const t0 = Date.now();
    for (;;) {
      await worker.drain();
      const a = await e.prisma.assessment.findUniqueOrThrow({ where: { id: assessmentId } });
      if (a.status === "done" || a.status === "failed") return a;
      if (Date.now() - t0 > ms) throw new Error(`assessment ${assessmentId} still ${a.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const listRow = async () => (await listPatients(e.prisma, PatientSearch.parse({ q: p0.patient.mrn }))).items.find((r) => r.id === patientId)!;

  beforeAll(async () => {
    process.env.FUSION_UPLOAD_LIMIT_PER_MINUTE = "100000";
    process.env.FUSION_REASSESS_LIMIT_PER_MINUTE = "100000";
    process.env.FUSION_REASSESS_DEBOUNCE_SECONDS = "1";
    e = await open();
    bindAppDb(e);
    // what a starting worker registers: the active model new assessments are queued for
    await e.prisma.modelVersion.create({ data: { name: "fusion-demo", version: "1.1.0", strategy: "joint", heads: ["lung_cancer_2y", "mace_5y"], inputSpec: {}, card: {}, metrics: {}, active: true, status: "active", activatedAt: new Date() } });
    await seedPatients(e.prisma, [p0, p1]);
    patientId = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: p0.patient.mrn } })).id;
    const u = await makeUser(e.prisma, "clinician");
    userId = u.id;
    cred = await sessionFor(e.prisma, u.id);
    runtime = await import("@/lib/jobs/runtime");
    worker = new AssessmentWorker(e.prisma, await runtime.assessmentQueue(), fakeAssessor);
    h.upload = (await import("@/app/api/patients/[id]/scans/route")).POST as Handler;
    h.getRecord = (await import("@/app/api/patients/[id]/route")).GET as Handler;
    h.patchPatient = (await import("@/app/api/patients/[id]/route")).PATCH as Handler;
    h.addCondition = (await import("@/app/api/patients/[id]/conditions/route")).POST as Handler;
    h.addDiet = (await import("@/app/api/patients/[id]/diet/route")).POST as Handler;
    h.reassess = (await import("@/app/api/patients/[id]/assessments/route")).POST as Handler;
    h.scanEie = (await import("@/app/api/scans/[id]/entered-in-error/route")).POST as Handler;
    h.assessmentEie = (await import("@/app/api/assessments/[id]/entered-in-error/route")).POST as Handler;
  }, 120_000);

  afterAll(async () => {
    await runtime?.stopJobRuntime();
    unbindAppDb();
    await e?.drop();
  });

  let ownScanId: string;
  let otherScanId: string;
  let otherAssessmentId: string;

  it("the patient's own CT attaches without a question and is assessed with the record version it read", async () => {
    const res = await upload(ctOf(p0), "own.dcm");
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    ownScanId = body.scan.id;
    const a = await runUntilDone(body.assessment.id);
    expect(a.status).toBe("done");
    const rec = await record();
    expect(a.recordVersion).toBe(rec.recordVersion);
    expect(rec.scans.find((s: { id: string }) => s.id === ownScanId).identityFlag).toBeNull();
  });

  it("a header naming another patient: 409 with both identities; confirming needs a typed reason; attached, flagged, audited with identities, reason and user", async () => {
    const bytes = ctOf(p1);
    const refused = await upload(bytes, "other.dcm");
    const rb = await refused.json();
    expect(refused.status).toBe(409);
    expect(rb.error.code).toBe("patient_mismatch");
    expect(rb.error.details).toMatchObject({ flag: "other_patient", dicom: { patientId: p1.patient.mrn }, record: { mrn: p0.patient.mrn } });

    const noReason = await upload(bytes, "other.dcm", { confirmPatientMismatch: "true" });
    const nb = await noReason.json();
    expect(noReason.status).toBe(400);
    expect(nb.error.details.issues.map((i: { path: string }) => i.path)).toContain("identityReason");
    const tooShort = await upload(bytes, "other.dcm", { confirmPatientMismatch: "true", identityReason: "ok" });
    expect(tooShort.status).toBe(400);
    expect(await e.prisma.scan.count({ where: { patientId } })).toBe(1); // nothing attached yet

    const reason = "Outside CT from the referring hospital, registered under their number";
    const ok = await upload(bytes, "other.dcm", { confirmPatientMismatch: "true", identityReason: reason });
    const ob = await ok.json();
    expect(ok.status, JSON.stringify(ob)).toBe(201);
    otherScanId = ob.scan.id;
    otherAssessmentId = ob.assessment.id;
    const row = await e.prisma.scan.findUniqueOrThrow({ where: { id: otherScanId } });
    expect(row).toMatchObject({ identityFlag: "other_patient", identityReason: reason });
    const audit = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "scan.create", entityId: otherScanId } });
    expect(audit.userId).toBe(userId);
    expect(audit.details).toMatchObject({
      patientMismatchConfirmed: true,
      identity: {
        flag: "other_patient",
        reason,
        header: { patientId: p1.patient.mrn, patientName: `${p1.patient.familyName}, ${p1.patient.givenName}` },
        record: { mrn: p0.patient.mrn, name: `${p0.patient.familyName}, ${p0.patient.givenName}` },
      },
    });
    // the flag travels with the scan and its scores
    await runUntilDone(otherAssessmentId);
    const rec = await record();
    expect(rec.scans.find((s: { id: string }) => s.id === otherScanId)).toMatchObject({ identityFlag: "other_patient", identityReason: reason });
    expect((await listAssessments(e.prisma, patientId)).find((a) => a.id === otherAssessmentId)?.scanIdentityFlag).toBe("other_patient");
  });

  it("an empty, placeholder or anonymized identity asks before attaching (409 patient_unidentified), and attaches with a reason", async () => {
    for (const [i, who] of [
      [20, { mrn: "", familyName: "", givenName: "" }],
      [21, { mrn: "Anonymized", familyName: "Anonymized", givenName: "" }],
      [22, { mrn: "^^^^", familyName: "^^^", givenName: "" }],
    ] as const) {
      const res = await upload(ctOf(p0, who, i), `anon-${i}.dcm`);
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(body.error.code).toBe("patient_unidentified");
      expect(body.error.details.flag).toBe("unidentified");
    }
    expect(["", "  ", "^^^^", "Anonymized", "ANONYMOUS", "unknown", "0000", "Anonymized^"].every(isPlaceholderIdentity)).toBe(true);
    expect(["DEMO-000001", "MRN-12"].some(isPlaceholderIdentity)).toBe(false);
    const ok = await upload(ctOf(p0, { mrn: "" }, 23), "anon-ok.dcm", { confirmPatientMismatch: "true", identityReason: "Research copy de-identified by the PACS; same study as accession 123" });
    expect(ok.status).toBe(201);
    const scan = await e.prisma.scan.findUniqueOrThrow({ where: { id: (await ok.json()).scan.id } });
    expect(scan.identityFlag).toBe("unidentified");
    await runUntilDone((await e.prisma.assessment.findFirstOrThrow({ where: { scanId: scan.id } })).id);
    // take it out again so the rest of the file works with two scans
    expect((await post(h.scanEie, `/api/scans/${scan.id}/entered-in-error`, { id: scan.id }, { reason: "test clean-up of the anonymized copy" })).status).toBe(200);
    await worker.drain();
  });

  it("entered in error: reason required; the scan leaves the record, the assessments, new assessments and exports; its scores are superseded and the patient re-queued; nothing deleted", async () => {
    const exportBefore = await countCohort(e.prisma, {} as ExportFilters);
    const noReason = await post(h.scanEie, `/api/scans/${otherScanId}/entered-in-error`, { id: otherScanId }, {});
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error.details.issues.map((i: { path: string }) => i.path)).toContain("reason");
    const reason = "Wrong patient: the outside CT belongs to another Smith";
    const res = await post(h.scanEie, `/api/scans/${otherScanId}/entered-in-error`, { id: otherScanId }, { reason });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.scan).toMatchObject({ id: otherScanId, enteredInErrorReason: reason });
    // its own upload assessment, and the re-assessment queued when the anonymized copy went (it used the newest scan: this one)
    expect(body.supersededAssessmentIds).toContain(otherAssessmentId);
    // re-assessed on the scan still in force
    expect(body.reassessment).toMatchObject({ scanId: ownScanId, status: "queued" });

    // kept, not deleted
    expect(await e.prisma.scan.findUnique({ where: { id: otherScanId } })).toMatchObject({ enteredInErrorReason: reason, enteredInErrorById: userId });
    expect(await e.prisma.assessment.findUnique({ where: { id: otherAssessmentId } })).toMatchObject({ status: "done", supersededReason: "scan_entered_in_error" });
    // gone from the working views
    const rec = await record();
    expect(rec.scans.map((s: { id: string }) => s.id)).not.toContain(otherScanId);
    expect(rec.assessments.map((a: { id: string }) => a.id)).not.toContain(otherAssessmentId);
    expect((await listAssessments(e.prisma, patientId)).map((a) => a.id)).not.toContain(otherAssessmentId);
    // from new assessments
    const again = await post(h.reassess, `/api/patients/${patientId}/assessments`, { id: patientId }, { scanId: otherScanId });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("scan_entered_in_error");
    // from research exports
    const exportAfter = await countCohort(e.prisma, {} as ExportFilters);
    const supersededDone = await e.prisma.assessment.count({ where: { id: { in: body.supersededAssessmentIds }, status: "done" } });
    expect(supersededDone).toBeGreaterThanOrEqual(1);
    expect(exportAfter.assessments).toBe(exportBefore.assessments - supersededDone);
    // audited; a second time is a 409; the admin view keeps it
    const audit = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "scan.entered_in_error", entityId: otherScanId } });
    expect(audit).toMatchObject({ userId, patientId });
    expect(audit.details).toMatchObject({ reason, supersededAssessmentIds: body.supersededAssessmentIds, reassessmentId: body.reassessment.id, identityFlag: "other_patient" });
    expect((await post(h.scanEie, `/api/scans/${otherScanId}/entered-in-error`, { id: otherScanId }, { reason })).status).toBe(409);
    const admin = await listEnteredInError(e.prisma);
    expect(admin.scans.map((s) => s.id)).toContain(otherScanId);
    expect(admin.assessments.find((a) => a.id === otherAssessmentId)?.supersededReason).toBe("scan_entered_in_error");

    const re = await runUntilDone(body.reassessment.id);
    expect(re).toMatchObject({ status: "done", scanId: ownScanId });
    // the patient list's latest score is the new one, never the superseded one
    const list = await listRow();
    expect(list.lastAssessmentAt).toBe(re.completedAt!.toISOString());
  });

  it("an assessment entered in error leaves the views and exports (reason required, audited)", async () => {
    const a = await post(h.reassess, `/api/patients/${patientId}/assessments`, { id: patientId }, { scanId: ownScanId });
    const id = (await a.json()).assessment.id;
    await runUntilDone(id);
    const before = await countCohort(e.prisma, {} as ExportFilters);
    expect((await post(h.assessmentEie, `/api/assessments/${id}/entered-in-error`, { id }, { reason: "x" })).status).toBe(400);
    const res = await post(h.assessmentEie, `/api/assessments/${id}/entered-in-error`, { id }, { reason: "Run on the wrong day's diet entry" });
    expect(res.status).toBe(200);
    expect((await listAssessments(e.prisma, patientId)).map((x) => x.id)).not.toContain(id);
    expect((await countCohort(e.prisma, {} as ExportFilters)).assessments).toBe(before.assessments - 1);
    expect(await e.prisma.auditEvent.count({ where: { action: "assessment.entered_in_error", entityId: id, userId } })).toBe(1);
  });

  it("every score records its record version; an edit flags it 'the record changed since this score' with what changed; edits in a row push one debounced re-assessment back; its score clears the flag", async () => {
    const current = (await listAssessments(e.prisma, patientId)).find((a) => a.status === "done")!;
    const v0 = (await record()).recordVersion;
    expect(current.recordVersion).toBe(v0);
    expect(current.recordChanged).toBeNull();
    expect((await listRow()).recordChangedSinceScore).toBeNull();

    const c = await post(h.addCondition, `/api/patients/${patientId}/conditions`, { id: patientId }, { code: "I21.9", display: "Acute myocardial infarction", onsetDate: "2026-11-30" });
    expect(c.status).toBe(201);
    expect((await record()).recordVersion).toBe(v0 + 1);
    expect(await e.prisma.recordChange.findFirst({ where: { patientId, version: v0 + 1 } })).toMatchObject({ parts: ["history"], source: "user", userId });
    const stale = (await listAssessments(e.prisma, patientId)).find((a) => a.id === current.id)!;
    expect(stale.recordChanged).toMatchObject({ scoreVersion: v0, recordVersion: v0 + 1, parts: ["history"], changes: 1 });
    expect((await listRow()).recordChangedSinceScore).toEqual({ parts: ["history"] });
    const waiting = await e.prisma.assessment.findFirstOrThrow({ where: { patientId, status: "queued", notBefore: { not: null } } });
    expect(waiting.scanId).toBe(ownScanId); // the latest scan in force, not the one entered in error

    // a second edit (another part) within the debounce: the same re-assessment, pushed back
    const d = await post(h.addDiet, `/api/patients/${patientId}/diet`, { id: patientId }, {
      recordedOn: "2026-11-01", method: "ffq", energyKcal: 2400, sodiumMg: 3900, sugarsG: 80, saturatedFatG: 30, fibreG: 12, fruitVegServings: 2, redMeatServings: 2, alcoholUnits: 3,
    });
    expect(d.status).toBe(201);
    const pushed = await e.prisma.assessment.findMany({ where: { patientId, status: "queued" } });
    expect(pushed.map((x) => x.id)).toEqual([waiting.id]);
    expect(pushed[0].notBefore!.getTime()).toBeGreaterThan(waiting.notBefore!.getTime());
    expect((await listRow()).recordChangedSinceScore).toEqual({ parts: ["history", "diet"] });
    const view = (await listAssessments(e.prisma, patientId)).find((a) => a.id === waiting.id)!;
    expect(view.scheduledFor).toBe(pushed[0].notBefore!.toISOString());
    // not run before the record has been quiet for the debounce
    await worker.drain();
    const stillQueued = await e.prisma.assessment.findUniqueOrThrow({ where: { id: waiting.id } });
    if (Date.now() < pushed[0].notBefore!.getTime()) expect(stillQueued.status).toBe("queued");

    // the flag stays until the new score is stored, then goes
    const done = await runUntilDone(waiting.id);
    expect(done.status).toBe("done");
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(pushed[0].notBefore!.getTime());
    expect(done.recordVersion).toBe(v0 + 2);
    const fresh = (await listAssessments(e.prisma, patientId)).find((a) => a.status === "done")!;
    expect(fresh.id).toBe(waiting.id);
    expect(fresh.recordChanged).toBeNull();
    expect((await listRow()).recordChangedSinceScore).toBeNull();
    expect((await listAssessments(e.prisma, patientId)).find((a) => a.id === current.id)!.recordChanged?.parts).toEqual(["history", "diet"]);
  });

  it("a demographics edit counts too; 'Re-assess now' brings the waiting re-assessment forward instead of queueing a second", async () => {
    const before = await e.prisma.assessment.count({ where: { patientId } });
    const r = await h.patchPatient(apiRequest("PATCH", `/api/patients/${patientId}`, { cred, body: { sex: p0.patient.sex === "female" ? "male" : "female" } }), ctx({ id: patientId }) as never);
    expect(r.status).toBe(200);
    expect((await listRow()).recordChangedSinceScore).toEqual({ parts: ["demographics"] });
    const waiting = await e.prisma.assessment.findFirstOrThrow({ where: { patientId, status: "queued", notBefore: { not: null } } });
    const now = await post(h.reassess, `/api/patients/${patientId}/assessments`, { id: patientId }, { scanId: ownScanId });
    expect(now.status).toBe(202);
    expect((await now.json()).assessment.id).toBe(waiting.id);
    expect(await e.prisma.assessment.count({ where: { patientId } })).toBe(before + 1);
    expect((await e.prisma.assessment.findUniqueOrThrow({ where: { id: waiting.id } })).notBefore).toBeNull();
    await runUntilDone(waiting.id, 10_000);
    expect((await listRow()).recordChangedSinceScore).toBeNull();
  });

  it("a patient without scans is scored on the record alone, flagged as such", async () => {
    const other = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: p1.patient.mrn } })).id;
    const res = await h.reassess(apiRequest("POST", `/api/patients/${other}/assessments`, { cred, body: { scanId: null } }), ctx({ id: other }) as never);
    expect(res.status).toBe(202);
    const a = await runUntilDone((await res.json()).assessment.id);
    expect(a).toMatchObject({ scanId: null, strategy: "tabular_only" });
    const view = (await listAssessments(e.prisma, other))[0];
    expect(view.scanId).toBeNull();
    expect(view.notices.map((n) => n.flag)).toContain("no_image");
    expect((await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "assessment.request", entityId: a.id } })).details).toMatchObject({ recordOnly: true });
  });
});
