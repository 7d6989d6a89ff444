// FHIR R4 import (lib/fhir/import.ts, ndjson.ts) on PostgreSQL and on the embedded database: a
// bundle becomes the record (smoking status as the model's smoking condition), importing it again
// changes nothing, a changed resource updates its entry and queues a re-assessment
// (recordChanged) on the registry's active model — or, before any worker has registered a model,
// is imported all the same with a note and nothing queued —, every patient gets an audit row — and
// every bad input of the issue's list is a 4xx OperationOutcome naming the entry and element, with
// nothing written.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { importBundle, parseJsonText, reassessmentNotQueued, type ImportContext } from "@/lib/fhir/import";
import { importNdjson } from "@/lib/fhir/ndjson";
import { FhirError, toOperationOutcome } from "@/lib/fhir/outcome";
import {
  MRN_SYSTEM, conditionResource, dietResource, familyResource, patientBundle, patientResource, smokingResource, transaction,
} from "./fixtures";
import { registerDemoModel } from "./model";

vi.mock("server-only", () => ({}));

const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };

describe.each(engines)("FHIR import on %s", (_name, open) => {
  let e: TestEngine;
  let queue: AssessmentQueue;
  let ctx: ImportContext;

  beforeAll(async () => {
    e = await open();
    queue = await AssessmentQueue.open(e);
    await registerDemoModel(e.prisma); // what a starting worker does
    ctx = { actor: null, request, queue, mrnSystem: MRN_SYSTEM };
  }, 120_000);
  afterAll(async () => {
    await queue?.stop();
    await e?.drop();
  });

  async function counts() {
    const [patients, conditions, family, diet, assessments, audits, jobs] = await Promise.all([
      e.prisma.patient.count(),
      e.prisma.condition.count(),
      e.prisma.familyHistory.count(),
      e.prisma.dietRecord.count(),
      e.prisma.assessment.count(),
      e.prisma.auditEvent.count({ where: { action: "fhir.import" } }),
      e.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'assessment'`).then((r) => r[0].n),
    ]);
    return { patients, conditions, family, diet, assessments, audits, jobs };
  }

  /** Runs an import that must be refused; returns status and OperationOutcome, and checks nothing was written. */
  async function refused(run: () => Promise<unknown>) {
    const before = await counts();
    let err: unknown = null;
    try {
      await run();
    } catch (x) {
      err = x;
    }
    expect(err, "the import should have been refused").toBeInstanceOf(FhirError);
    const { status, body } = toOperationOutcome(err);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(body.resourceType).toBe("OperationOutcome");
    expect(await counts()).toEqual(before);
    return { status, issues: body.issue };
  }

  it("imports a bundle as the record: conditions (ICD-10 and SNOMED), family history, smoking, diet; one re-assessment queued; audited", async () => {
    const s = await importBundle(e.prisma, patientBundle(1), ctx);
    expect(s.patients).toHaveLength(1);
    const p = await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00001" }, include: { conditions: { orderBy: { code: "asc" } }, familyHistory: true, dietRecords: true } });
    expect(p).toMatchObject({ givenName: "Given1", familyName: "Family1", sex: "male" });
    expect(p.conditions.map((c) => [c.codeSystem, c.code, c.status])).toEqual([
      ["SNOMED", "195967001", "active"],
      ["ICD10", "F17.210", "active"], // the smoking status, as the model reads smoking
      ["ICD10", "I10", "active"],
    ]);
    expect(p.conditions.find((c) => c.code === "F17.210")!.onsetDate?.toISOString().slice(0, 10)).toBe("1990-01-01");
    expect(p.familyHistory.map((f) => [f.relationship, f.code, f.ageAtOnset, f.deceased])).toEqual([["father", "C34.9", 61, true]]);
    expect(p.dietRecords.map((d) => [d.method, d.energyKcal, d.alcoholUnits])).toEqual([["recall_24h", 2300, 2]]);
    const a = await e.prisma.assessment.findMany({ where: { patientId: p.id } });
    expect(a.map((x) => [x.status, x.scanId])).toEqual([["queued", null]]);
    expect(s.patients[0].assessmentId).toBe(a[0].id);
    const audit = await e.prisma.auditEvent.findMany({ where: { action: "fhir.import", patientId: p.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ username: "cli:fhir-import", entityType: "Patient", outcome: "success" });
    // the encounter is skipped with information, every other entry has its location
    expect(s.entries[6]?.outcome?.[0].diagnostics).toContain("Encounter is not imported");
    expect(s.entries[0]).toMatchObject({ status: "201 Created", location: `Patient/${p.id}` });
  });

  it("importing the same bundle again changes nothing (no new entry, no re-assessment; the import is still audited)", async () => {
    const before = await counts();
    const stamp = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00001" } })).updatedAt;
    const s = await importBundle(e.prisma, patientBundle(1), ctx);
    expect(s.patients[0]).toMatchObject({ created: false, changed: false, assessmentId: null });
    expect(await counts()).toEqual({ ...before, audits: before.audits + 1 });
    expect((await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00001" } })).updatedAt).toEqual(stamp);
    expect(s.entries.every((x) => x?.status === "200 OK")).toBe(true);
  });

  it("a changed resource updates its entry; the re-assessment still waiting for its debounce is pushed back, not doubled (the score follows the record)", async () => {
    const before = await counts();
    const waiting = await e.prisma.assessment.findFirstOrThrow({ where: { patient: { mrn: "FHIR-00001" }, status: "queued" } });
    expect(waiting.notBefore).not.toBeNull(); // debounced (FUSION_REASSESS_DEBOUNCE_SECONDS)
    const changed = patientBundle(1) as { entry: { resource: Record<string, unknown> }[] };
    changed.entry[1].resource = conditionResource(1, 1, { clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "resolved" }] } });
    changed.entry[5].resource = dietResource(1, { component: (dietResource(1).component as { valueQuantity: { value: number } }[]).map((c, i) => (i === 1 ? { ...c, valueQuantity: { ...c.valueQuantity, value: 1500 } } : c)) });
    const s = await importBundle(e.prisma, changed, ctx);
    expect(s.patients[0]).toMatchObject({ created: false, changed: true });
    const after = await counts();
    expect(after).toEqual({ ...before, audits: before.audits + 1 });
    expect(s.patients[0].assessmentId).toBe(waiting.id);
    const pushed = await e.prisma.assessment.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(pushed.notBefore!.getTime()).toBeGreaterThanOrEqual(waiting.notBefore!.getTime());
    // the record version moved with each import that changed something, and says what changed
    const changes = await e.prisma.recordChange.findMany({ where: { patient: { mrn: "FHIR-00001" } }, orderBy: { version: "asc" } });
    expect(changes.at(-1)).toMatchObject({ source: "fhir-import", parts: ["history", "diet"] });
    const p = await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00001" }, include: { conditions: true, dietRecords: true } });
    expect(p.conditions.find((c) => c.code === "I10")!.status).toBe("resolved");
    expect(p.dietRecords[0].sodiumMg).toBe(1500);
    const audit = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "fhir.import", patientId: p.id }, orderBy: { id: "desc" } });
    expect((audit.details as { changed: string[] }).changed.sort()).toEqual(["condition", "diet"]);
  });

  it("no model registered yet (no worker has started): the record is imported all the same, no re-assessment is queued, the entry and the audit row say so", async () => {
    await e.prisma.modelVersion.updateMany({ data: { active: false, status: "retired" } });
    try {
      const before = await counts();
      const s = await importBundle(e.prisma, transaction([patientResource(30), conditionResource(30, 1)]), ctx);
      expect(s.patients[0]).toMatchObject({ created: true, changed: true, assessmentId: null });
      expect(s.notQueued).toBe(1);
      expect(await counts()).toEqual({ ...before, patients: before.patients + 1, conditions: before.conditions + 1, audits: before.audits + 1 });
      expect(s.entries[0]).toMatchObject({ status: "201 Created", outcome: [reassessmentNotQueued] });
      expect(s.entries[1]?.outcome).toBeUndefined();
      const audit = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "fhir.import", patientId: s.patients[0].id } });
      expect(audit.details).toMatchObject({ reassessment: null, reassessmentSkipped: "model_unavailable" });
      // unchanged on a second import: nothing to queue, so no note either
      const again = await importBundle(e.prisma, transaction([patientResource(30), conditionResource(30, 1)]), ctx);
      expect(again.notQueued).toBe(0);
      expect(again.entries[0]?.outcome).toBeUndefined();
    } finally {
      await registerDemoModel(e.prisma);
    }
    // with a model registered again, the next change is queued
    const changed = await importBundle(e.prisma, transaction([patientResource(30), conditionResource(30, 1, { onsetDateTime: "2016-01-01" })]), ctx);
    expect(changed.patients[0].assessmentId).not.toBeNull();
    expect(changed.notQueued).toBe(0);
  });

  it("a smoking status adds nothing when the bundle already codes smoking as a condition", async () => {
    const b = transaction([patientResource(2), conditionResource(2, 1, { code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "Z87.891" }] } }), smokingResource(2)]);
    const s = await importBundle(e.prisma, b, ctx);
    const p = await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00002" }, include: { conditions: true } });
    expect(p.conditions.map((c) => c.code)).toEqual(["Z87.891"]);
    expect(s.entries[2]?.outcome?.[0].diagnostics).toContain("already states this patient's smoking");
  });

  describe("bad input: a 4xx OperationOutcome naming the problem, nothing written", () => {
    it("not JSON", async () => {
      const r = await refused(async () => importBundle(e.prisma, parseJsonText("{ this is not json"), ctx));
      expect(r.status).toBe(400);
      expect(r.issues[0].diagnostics).toMatch(/not JSON/);
    });
    it("wrong resourceType: the body, and an entry", async () => {
      const top = await refused(() => importBundle(e.prisma, patientResource(3), ctx));
      expect(top.status).toBe(400);
      expect(top.issues[0]).toMatchObject({ code: "structure", expression: ["Bundle.resourceType"] });
      const entry = await refused(() => importBundle(e.prisma, transaction([patientResource(3), { ...conditionResource(3, 1), resourceType: "Conditon" }]), ctx));
      expect(entry.issues[0]).toMatchObject({ expression: ["Bundle.entry[1].resource.resourceType"] });
    });
    it("a resource invalid against the R4 base specification, named by entry and element", async () => {
      const r = await refused(() => importBundle(e.prisma, transaction([patientResource(3, { birthDate: "12/04/1958", nickname: "Al" }), conditionResource(3, 1, { onsetDateTime: "last spring" })]), ctx));
      expect(r.status).toBe(400);
      expect(r.issues.map((i) => i.expression?.[0])).toEqual(expect.arrayContaining(["Bundle.entry[0].resource.birthDate", "Bundle.entry[0].resource.nickname", "Bundle.entry[1].resource.onset[x]"]));
    });
    it("an unknown code system", async () => {
      const r = await refused(() => importBundle(e.prisma, transaction([patientResource(3), conditionResource(3, 1, { code: { coding: [{ system: "http://example.org/local-problems", code: "HT-1" }] } })]), ctx));
      expect(r.status).toBe(422);
      expect(r.issues[0]).toMatchObject({ code: "code-invalid", expression: ["Bundle.entry[1].resource.code.coding"] });
      expect(r.issues[0].diagnostics).toContain("http://example.org/local-problems");
    });
    it("a Condition for a patient not in the bundle", async () => {
      const r = await refused(() => importBundle(e.prisma, transaction([patientResource(3), conditionResource(99, 1)]), ctx));
      expect(r.status).toBe(422);
      expect(r.issues[0]).toMatchObject({ expression: ["Bundle.entry[1].resource.subject"] });
      expect(r.issues[0].diagnostics).toContain("Patient/p99");
    });
    it("dates in the future: birth date, onset, diet record, smoking period", async () => {
      const future = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
      const r = await refused(() =>
        importBundle(
          e.prisma,
          transaction([
            patientResource(3, { birthDate: future }),
            patientResource(4),
            conditionResource(4, 1, { onsetDateTime: future }),
            dietResource(4, { effectiveDateTime: future }),
            smokingResource(4, "449868002", { effectivePeriod: { start: future } }),
          ]),
          ctx,
        ),
      );
      expect(r.status).toBe(422);
      expect(r.issues.map((i) => [i.expression?.[0], i.diagnostics])).toEqual([
        ["Bundle.entry[0].resource.birthDate", "cannot be in the future"],
        ["Bundle.entry[2].resource.onsetDateTime", "cannot be in the future"],
        ["Bundle.entry[3].resource.effectiveDateTime", "cannot be in the future"],
        ["Bundle.entry[4].resource.effectivePeriod.start", "cannot be in the future"],
      ]);
    });
    it("an oversized bundle (413)", async () => {
      const many = transaction([patientResource(3), ...Array.from({ length: 30 }, (_x, k) => conditionResource(3, k + 10))]);
      const r = await refused(() => importBundle(e.prisma, many, { ...ctx, maxEntries: 20 }));
      expect(r.status).toBe(413);
      expect(r.issues[0]).toMatchObject({ code: "too-costly", expression: ["Bundle.entry"] });
    });
    it("a duplicated fullUrl", async () => {
      const b = transaction([patientResource(3), conditionResource(3, 1), conditionResource(3, 2)]) as { entry: { fullUrl: string }[] };
      b.entry[2].fullUrl = b.entry[1].fullUrl;
      const r = await refused(() => importBundle(e.prisma, b, ctx));
      expect(r.status).toBe(400);
      expect(r.issues[0]).toMatchObject({ code: "duplicate", expression: ["Bundle.entry[2].fullUrl"] });
    });
    it("one bad patient refuses the whole bundle: the good patient beside it is not written either", async () => {
      const r = await refused(() => importBundle(e.prisma, transaction([patientResource(5), dietResource(5), patientResource(6), familyResource(6, { relationship: { text: "uncle" } })]), ctx));
      expect(r.issues[0].expression).toEqual(["Bundle.entry[3].resource.relationship"]);
      expect(await e.prisma.patient.count({ where: { mrn: { in: ["FHIR-00005", "FHIR-00006"] } } })).toBe(0);
    });
    it("a NUL character (U+0000) anywhere in an entry: 400 naming the element (PostgreSQL cannot store it)", async () => {
      const r = await refused(() => importBundle(e.prisma, transaction([patientResource(3, { name: [{ family: "Fam\u0000ily", given: ["G"] }] }), conditionResource(3, 1, { id: "c\u00001" })]), ctx));
      expect(r.status).toBe(400);
      expect(r.issues.map((i) => [i.expression?.[0], i.diagnostics])).toEqual([
        ["Bundle.entry[0].resource.name[0].family", "must not contain NUL characters (U+0000)"],
        ["Bundle.entry[1].resource.id", "must not contain NUL characters (U+0000)"],
      ]);
    });
    it("a patient without the MRN identifier of the configured system", async () => {
      const r = await refused(() => importBundle(e.prisma, transaction([patientResource(3, { identifier: [{ system: "http://other.example/mrn", value: "X" }] })]), ctx));
      expect(r.issues[0]).toMatchObject({ code: "required", expression: ["Bundle.entry[0].resource.identifier"] });
    });
  });

  describe("NDJSON (bulk)", () => {
    const lines = (rs: Record<string, unknown>[]) => rs.map((r) => JSON.stringify(r)).join("\n");
    it("imports patients with the lines that refer to them, in groups", async () => {
      const text = lines([patientResource(10), patientResource(11), conditionResource(10, 1), dietResource(11), familyResource(10), patientResource(12), smokingResource(12)]);
      const s = await importNdjson(e.prisma, text, ctx, 2);
      expect(s.patients.map((p) => p.mrn).sort()).toEqual(["FHIR-00010", "FHIR-00011", "FHIR-00012"]);
      expect(await e.prisma.condition.count({ where: { patient: { mrn: { in: ["FHIR-00010", "FHIR-00012"] } } } })).toBe(2);
    });
    it("a bad line refuses the file, naming the line", async () => {
      const text = lines([patientResource(13), conditionResource(13, 1)]) + "\n{oops\n" + lines([patientResource(14, { birthDate: "2999-01-01" })]);
      const r = await refused(() => importNdjson(e.prisma, text, ctx));
      expect(r.status).toBe(400);
      expect(r.issues[0]).toMatchObject({ expression: ["line 3"] });
      const r2 = await refused(() => importNdjson(e.prisma, lines([patientResource(13), patientResource(14, { birthDate: "2999-01-01" })]), ctx));
      expect(r2.status).toBe(422);
      expect(r2.issues[0].expression).toEqual(["line 2: Patient.birthDate"]);
    });
  });
});
