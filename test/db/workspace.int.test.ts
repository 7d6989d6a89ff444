// Read side of the clinician workspace on both engines: assessment views, the trigger that keeps
// Patient.lastAssessmentAt / maxRisk / latestScores, the patient list's sorts and search, scans.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { createPatient } from "@/lib/db/patients";
import { getAssessment, listAssessments } from "@/lib/db/assessments";
import { listPatients } from "@/lib/db/patient-list";
import { readScanFile } from "@/lib/db/scans";
import { FileScanStore } from "@/lib/storage";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PatientSearch } from "@/lib/domain";
import { readBundleOutcomes } from "@/lib/fusion/outcomes";
import { attribution, saliency2x2, storedColumns } from "../support/stored-assessment";

// the served bundle's outcomes: the labels the registry records for it
const bundle = readBundleOutcomes("models/fusion-demo/1.1.0");

const scores = (a: number, b: number) => ({ lung_cancer_2y: { probability: a, interval: [a * 0.8, a * 1.2], category: a >= 0.2 ? "high" : "low" }, mace_5y: { probability: b, interval: [b * 0.8, b * 1.2], category: "low" } });

describe.each(engines)("workspace reads on %s", (_name, open) => {
  let e: TestEngine;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    e = await open();
    for (const [k, given, family] of [["a", "Ada", "Smith"], ["b", "Bo", "Jones"], ["c", "Cy", "Smithson"]] as const)
      ids[k] = (await createPatient(e.prisma, { mrn: `MRN-${k}`, givenName: given, familyName: family, birthDate: "1960-01-01", sex: "female" })).id;
    // the model version these rows name, registered with the bundle's outcomes (labels come from the registry)
    await e.prisma.modelVersion.create({
      data: { name: "fusion-demo", version: "1.0.0", strategy: "joint", heads: ["lung_cancer_2y", "mace_5y"], inputSpec: {}, card: {}, metrics: {}, outcomes: await bundle },
    });
  });
  const storeDir = mkdtempSync(join(tmpdir(), "fcds-scans-"));
  const store = new FileScanStore(storeDir);
  afterAll(async () => {
    await e?.drop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it("keeps lastAssessmentAt / maxRisk / latestScores from the newest finished assessment", async () => {
    const db = e.prisma;
    const base = { modelName: "fusion-demo", modelVersion: "1.0.0", strategy: "joint" as const };
    await db.assessment.create({ data: { ...base, patientId: ids.a, status: "done", scores: scores(0.1, 0.3), completedAt: new Date("2026-01-01T00:00:00Z") } });
    let p = await db.patient.findUniqueOrThrow({ where: { id: ids.a } });
    expect(p.maxRisk).toBeCloseTo(0.3);
    expect(p.lastAssessmentAt?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    // a queued one does not count until done
    const q = await db.assessment.create({ data: { ...base, patientId: ids.a, status: "queued" } });
    p = await db.patient.findUniqueOrThrow({ where: { id: ids.a } });
    expect(p.maxRisk).toBeCloseTo(0.3);
    await db.assessment.update({ where: { id: q.id }, data: { status: "done", scores: scores(0.6, 0.05), completedAt: new Date("2026-02-01T00:00:00Z") } });
    p = await db.patient.findUniqueOrThrow({ where: { id: ids.a } });
    expect(p.maxRisk).toBeCloseTo(0.6);
    expect((p.latestScores as Record<string, { probability: number }>).lung_cancer_2y.probability).toBeCloseTo(0.6);
    await db.assessment.delete({ where: { id: q.id } });
    p = await db.patient.findUniqueOrThrow({ where: { id: ids.a } });
    expect(p.maxRisk).toBeCloseTo(0.3);
    await db.assessment.create({ data: { ...base, patientId: ids.b, status: "done", scores: scores(0.02, 0.01), completedAt: new Date("2026-03-01T00:00:00Z") } });
  });

  it("lists patients by highest risk and by last assessment, never-assessed last, with search", async () => {
    const page = (q: Record<string, string>) => listPatients(e.prisma, PatientSearch.parse(q));
    expect((await page({ sort: "-risk" })).items.map((p) => p.mrn)).toEqual(["MRN-a", "MRN-b", "MRN-c"]);
    expect((await page({ sort: "-lastAssessment" })).items.map((p) => p.mrn)).toEqual(["MRN-b", "MRN-a", "MRN-c"]);
    const smith = await page({ q: "smith", sort: "-risk" });
    expect(smith.items.map((p) => p.mrn)).toEqual(["MRN-a", "MRN-c"]);
    expect(smith.total).toBe(2);
    expect(smith.totalIsLowerBound).toBe(false);
    expect((await page({ q: "ada smith" })).items.map((p) => p.mrn)).toEqual(["MRN-a"]);
    expect((await page({ q: "100%_" })).total).toBe(0); // LIKE wildcards are literal
    const a = (await page({ sort: "-risk" })).items[0];
    expect(a.latestRisk.map((r) => [r.head, r.probability])).toEqual([["lung_cancer_2y", 0.1], ["mace_5y", 0.3]]);
  });

  it("reads assessments without the saliency map in lists and with it in detail; reads scan bytes", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const { key } = await store.put(bytes);
    const scan = await e.prisma.scan.create({
      data: { patientId: ids.c, modality: "CT", rows: 2, columns: 2, contentType: "application/dicom", byteSize: 4, sha256: key, storageKey: key },
    });
    const sal = { width: 2, height: 2, data: Buffer.from([0, 64, 128, 255]).toString("base64") };
    const created = await e.prisma.assessment.create({
      data: {
        patientId: ids.c, scanId: scan.id, status: "done",
        ...storedColumns({
          modelVersion: "1.0.0",
          scores: scores(0.25, 0.1),
          contributions: { image: 3, history: 1 },
          featureAttributions: [attribution("diet.fibre_g", "Fibre", -0.2), attribution("history.smoking", "Smoking", 0.5)],
          saliency: { ...sal, frame: 0, head: "lung_cancer_2y", method: "grad-cam" },
        }),
      },
    });
    const [v] = await listAssessments(e.prisma, ids.c);
    expect(v.hasSaliency).toBe(true);
    expect(v.scores[0]).toMatchObject({ head: "lung_cancer_2y", label: (await bundle).find((o) => o.head === "lung_cancer_2y")!.label, category: "high" });
    expect(v.modalityContributions).toEqual([{ modality: "image", label: "Image", share: 0.75, direction: "raises" }, { modality: "history", label: "Medical history", share: 0.25, direction: "raises" }]);
    expect(v.featureAttributions.map((f) => [f.label, f.direction])).toEqual([["Smoking", "raises"], ["Fibre", "lowers"]]);
    expect((v as unknown as { saliency?: unknown }).saliency).toBeUndefined();
    const d = await getAssessment(e.prisma, created.id);
    // the headline map with the outcome it explains, in the scores' words, and one map per outcome in the scores' order
    const labelOf = (head: string) => d.scores.find((s) => s.head === head)!.label;
    const shortOf = (head: string) => d.scores.find((s) => s.head === head)!.shortLabel;
    expect(labelOf("mace_5y")).not.toBe("mace_5y"); // a registered model version: its words, not head ids
    expect(d.saliency).toEqual({
      ...sal, frame: 0, head: "lung_cancer_2y", label: labelOf("lung_cancer_2y"), shortLabel: shortOf("lung_cancer_2y"),
      byOutcome: d.scores.map((s) => ({ ...sal, frame: 0, head: s.head, label: s.label, shortLabel: s.shortLabel })),
    });
    expect(d.saliency!.byOutcome.map((m) => m.head)).toEqual(["lung_cancer_2y", "mace_5y"]);
    const f = await readScanFile(e.prisma, store, scan.id);
    expect([...f.bytes]).toEqual([1, 2, 3, 4]);
    expect(f.patientId).toBe(ids.c);
  });

  it("a record-only assessment (saliency: null) has no saliency map in the list; a joint one has", async () => {
    const sal = saliency2x2();
    const recordOnlyRow = await e.prisma.assessment.create({
      data: {
        patientId: ids.b, status: "done",
        ...storedColumns({
          path: "tabular_only",
          scores: scores(0.05, 0.1),
          flags: ["image_out_of_distribution", "image_not_used_tabular_path"],
          contributions: { image: 0, history: 1 },
          imageCheck: { method: "mahalanobis", layer: "img_pool", distance: 82.9, threshold: 10.4, inDistribution: false },
        }),
      },
    });
    const jointRow = await e.prisma.assessment.create({
      data: {
        patientId: ids.b, status: "done",
        ...storedColumns({ scores: scores(0.3, 0.1), contributions: { image: 1 }, saliency: sal, saliencyByHead: { lung_cancer_2y: sal, mace_5y: { ...sal, head: "mace_5y" } } }),
      },
    });
    const list = await listAssessments(e.prisma, ids.b);
    const recordOnly = list.find((a) => a.id === recordOnlyRow.id)!;
    const joint = list.find((a) => a.id === jointRow.id)!;
    expect(recordOnly.hasSaliency).toBe(false);
    expect(recordOnly.modalityContributions.map((m) => m.modality)).toEqual(["history"]);
    expect(recordOnly.imageCheck).toEqual({ distance: 82.9, threshold: 10.4, inDistribution: false });
    expect(recordOnly.notices.map((n) => n.flag)).toEqual(["image_out_of_distribution"]);
    expect(joint.hasSaliency).toBe(true);
    expect(joint.notices).toEqual([]);
  });
});
