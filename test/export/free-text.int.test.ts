// No free text leaves in an export (issue 10, High 2). A scan whose body part is a person's name
// and birth date — typed into the upload form or written in the DICOM header — is stored through
// the real upload use case (uploadScan: inspect off the request thread, store with the real queue) on both engines, its
// assessment finishes, and the string must appear in none of the CSV, NDJSON or Parquet bytes
// (nor in the decoded Parquet values). A real body part ("chest", "CHEST") comes out as the
// DICOM defined term with its SNOMED CT code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { engines, type TestEngine } from "../support/engines";
import { makeUser } from "../support/auth-fixtures";
import { parseOrThrow } from "@/lib/domain/validate";
import { ScanUploadFields } from "@/lib/domain/scan";
import { seedPatients } from "@/lib/db/seed-cohort";
import { writeCtDicom } from "@/lib/dicom/write";
import { concat } from "../support/dicom-files";
import { uploadScan } from "@/lib/ingest/upload-scan";
import { scanStoreFor } from "@/lib/db/scan-store";
import { registerServedModel } from "@/lib/db/model-registry";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { ExportQuery } from "@/lib/export/query";
import { openExport } from "@/lib/export/stream";
import { closeExportPools, pgliteQueryable, pgQueryable } from "@/lib/export/source";
import type { Queryable } from "@/lib/export/sql";
import type { Actor } from "@/lib/auth/actor";
import { generatePatient, renderScan, scanToPng } from "@/models/fusion/cohort";
import { parseCsv, readAll } from "./fixture";

const FREE_TEXT = "ZEBEDEE QUASIMODO DOB 1931-02-03";
const NEEDLES = [FREE_TEXT, "ZEBEDEE", "QUASIMODO", "1931-02-03", "19310203"];
// one patient: the small-cell threshold (small-cells.int.test.ts) is lowered so the file is written
const env = { NODE_ENV: "test", FUSION_EXPORT_SECRET: "f".repeat(40), FUSION_MIN_CELL_SIZE: "1" } as NodeJS.ProcessEnv;
const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };
const cohort = [generatePatient(7, 0)];

/**
 * Sets a short-string (CS) element of an Explicit VR Little Endian file to any text, whatever its
 * length: DICOM writers (dcmjs too) cut CS at 16 characters, but files from elsewhere do not, and
 * the parser reads what is there. The element is top-level, so no enclosing length changes.
 */
function setCs(file: Uint8Array, group: number, element: number, value: string): Uint8Array {
  const head = [group & 0xff, group >> 8, element & 0xff, element >> 8, 0x43, 0x53]; // tag, "CS"
  let at = -1;
  for (let i = 132; i < file.length - 8 && at < 0; i++) if (head.every((b, k) => file[i + k] === b)) at = i;
  if (at < 0) throw new Error(`element (${group.toString(16)},${element.toString(16)}) not found`);
  const oldLen = file[at + 6] | (file[at + 7] << 8);
  const text = new TextEncoder().encode(value.length % 2 ? `${value} ` : value);
  const el = new Uint8Array(8 + text.length);
  el.set(head);
  el[6] = text.length & 0xff;
  el[7] = text.length >> 8;
  el.set(text, 8);
  return concat(file.subarray(0, at), el, file.subarray(at + 8 + oldLen));
}

describe.each(engines)("free text in scan attributes never reaches an export on %s", (_name, make) => {
  let eng: TestEngine;
  let queue: AssessmentQueue;
  let sql: Queryable;
  // the scan files of this test (the store's own folder, not ./data/scans)
  const storeDir = mkdtempSync(join(tmpdir(), "fcds-free-text-scans-"));

  beforeAll(async () => {
    eng = await make();
    sql = eng.kind === "postgres" ? pgQueryable(eng.url!) : pgliteQueryable(eng.pglite!);
    queue = await AssessmentQueue.open(eng);
    // uploads queue assessments for the registry's active model (a worker registers it)
    await registerServedModel(eng.prisma, { name: "fusion-joint", version: "1.0.0", strategy: "joint", heads: ["lung_cancer_2y"], inputSpec: {}, card: {}, metrics: {}, outcomes: [{ head: "lung_cancer_2y", label: "Lung cancer within 2 years", shortLabel: "Lung cancer 2y", categories: { moderateFrom: 0.05, highFrom: 0.2 } }] }, "test");
    await seedPatients(eng.prisma, cohort);
    const patient = await eng.prisma.patient.findFirstOrThrow();
    const u = await makeUser(eng.prisma, "clinician");
    const actor: Actor = { userId: u.id, username: u.username, displayName: "Test clinician", role: "clinician", sessionId: "test", csrfToken: "test" };
    const p = cohort[0].patient;
    const scan = renderScan(cohort[0], { size: 64 });
    const dicom = (uidKey: string, extra: { bodyPartExamined?: string; modality?: string }) => {
      let f = writeCtDicom({ uidKey, patientId: patient.mrn, patientName: `${p.familyName}^${p.givenName}`, birthDate: p.birthDate, sex: p.sex, studyDate: "2025-03-10", rows: scan.rows, columns: scan.columns, pixelSpacingMm: scan.pixelSpacingMm, hu: scan.hu });
      if (extra.bodyPartExamined) f = setCs(f, 0x0018, 0x0015, extra.bodyPartExamined);
      if (extra.modality) f = setCs(f, 0x0008, 0x0060, extra.modality);
      return f;
    };
    const png = scanToPng(scan);
    const uploads: { bytes: Uint8Array; name: string; fields: Record<string, string> }[] = [
      { bytes: dicom("free-text-header", { bodyPartExamined: FREE_TEXT }), name: "header.dcm", fields: {} },
      { bytes: dicom("free-text-modality", { modality: "ZEBEDEE QUASIMODO" }), name: "modality.dcm", fields: {} },
      { bytes: dicom("chest-header", {}), name: "chest.dcm", fields: {} },
      { bytes: png, name: "form.png", fields: { modality: "CT", bodyPart: FREE_TEXT } },
      // another size: other bytes (the same bytes for one patient are one scan)
      { bytes: scanToPng(renderScan(cohort[0], { size: 48 })), name: "chest.png", fields: { modality: "CT", bodyPart: " chest " } },
    ];
    for (const up of uploads) {
      const fields = parseOrThrow(ScanUploadFields, up.fields, "upload fields");
      const file = await scanStoreFor(eng.prisma, { kind: "file", root: storeDir }).stage(up.bytes);
      const stored = await uploadScan(eng.prisma, queue, { patientId: patient.id, file, filename: up.name, fields, actor, request });
      expect(stored.created, up.name).toBe(true);
    }
    // the worker's part: the assessments finish (scores and embeddings as the model writes them)
    await eng.prisma.assessment.updateMany({
      data: {
        status: "done",
        scores: { lung_cancer_2y: { probability: 0.1, interval: [0.05, 0.15], category: "moderate" } },
        embeddings: { image: [0.5, -0.5], tabular: [0.25], fused: [1, 2, 3] },
        completedAt: new Date(),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await queue?.stop();
    await closeExportPools();
    await eng?.drop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  const run = async (format: string) => {
    const q = parseOrThrow(ExportQuery, { format });
    const x = await openExport(q, { db: eng.prisma, sql, actor: null, username: "vitest", request, env });
    return { x, body: await readAll(x.stream) };
  };

  it("the stored scans hold the free text (the test input is real)", async () => {
    const parts = (await eng.prisma.scan.findMany({ select: { bodyPart: true, modality: true } })).map((s) => `${s.bodyPart}|${s.modality}`);
    expect(parts.filter((s) => s.includes(FREE_TEXT)).length).toBe(2); // form field and DICOM header
    expect(parts.some((s) => s.endsWith("|ZEBEDEE QUASIMODO"))).toBe(true);
  });

  it.each(["csv", "ndjson", "parquet"])("%s: no byte and no value holds the free text", async (format) => {
    const { body } = await run(format);
    const text = body.toString("latin1") + "\n" + body.toString("utf8");
    for (const n of NEEDLES) expect(text.includes(n), `${format} bytes contain ${n}`).toBe(false);
    if (format === "parquet") {
      const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
      const values = JSON.stringify(await parquetReadObjects({ file: ab }));
      for (const n of NEEDLES) expect(values.includes(n), `parquet values contain ${n}`).toBe(false);
    }
  });

  it("body part maps to the DICOM defined term and its SNOMED CT code, or is empty", async () => {
    const [header, ...rows] = parseCsv((await run("csv")).body.toString("utf8"));
    const recs = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(header).toContain("scan_body_part_snomed");
    const parts = recs.map((r) => `${r.scan_modality}|${r.scan_body_part}|${r.scan_body_part_snomed}`).sort();
    // header "CHEST", form " chest ": CHEST (43799004); the free text (form, header): empty;
    // the file whose Modality is free text: modality empty, its default body part CHEST kept
    expect(parts).toEqual(["CT|CHEST|43799004", "CT|CHEST|43799004", "CT||", "CT||", "|CHEST|43799004"].sort());
    const nd = (await run("ndjson")).body.toString("utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(nd.filter((r) => r.scan_body_part === null && r.scan_body_part_snomed === null).length).toBe(2);
    expect(nd.filter((r) => r.scan_body_part === "CHEST" && r.scan_body_part_snomed === "43799004").length).toBe(3);
  });

  // Runs last: it rewrites stored values. Values other writers (an importer, an older version, a
  // hand-edited row) could leave in every other text column an export reads.
  it("every other text column: a free-text value stored in it is written empty, in no format", async () => {
    await eng.prisma.scan.updateMany({ data: { photometricInterpretation: FREE_TEXT, transferSyntaxUid: `1.2.840.${FREE_TEXT}` } });
    const patient = await eng.prisma.patient.findFirstOrThrow();
    const scan = await eng.prisma.scan.findFirstOrThrow();
    await eng.prisma.assessment.create({
      data: {
        patientId: patient.id,
        scanId: scan.id,
        modelName: FREE_TEXT,
        modelVersion: "ZEBEDEE-QUASIMODO 1931-02-03",
        strategy: "joint",
        status: "done",
        scores: { [FREE_TEXT]: { probability: 0.2, interval: [0.1, 0.3], category: FREE_TEXT }, lung_cancer_2y: { probability: 0.3, interval: [0.2, 0.4], category: FREE_TEXT } },
        embeddings: { image: [1], tabular: [2], fused: [3] },
        completedAt: new Date(),
      },
    });
    for (const format of ["csv", "ndjson", "parquet"]) {
      const { x, body } = await run(format);
      const text = body.toString("latin1") + "\n" + body.toString("utf8") + "\n" + JSON.stringify(x.dictionary);
      for (const n of NEEDLES) expect(text.includes(n), `${format} (or its dictionary) contains ${n}`).toBe(false);
      if (format === "parquet") {
        const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
        const values = JSON.stringify(await parquetReadObjects({ file: ab }));
        for (const n of NEEDLES) expect(values.includes(n), `parquet values contain ${n}`).toBe(false);
      }
      if (format === "ndjson") {
        const rows = body.toString("utf8").trim().split("\n").map((l) => JSON.parse(l));
        expect(rows.every((r) => r.scan_photometric === null && r.scan_transfer_syntax === null)).toBe(true);
        const hostile = rows.filter((r) => r.model_name === null);
        expect(hostile.length).toBe(1);
        // a score whose category is not low/moderate/high does not match the stored-assessment schema: all four cells empty
        expect(hostile[0]).toMatchObject({ model_version: null, score_lung_cancer_2y_probability: null, score_lung_cancer_2y_category: null });
        expect(Object.keys(rows[0]).filter((k) => k.startsWith("score_"))).toEqual(["score_lung_cancer_2y_probability", "score_lung_cancer_2y_lower", "score_lung_cancer_2y_upper", "score_lung_cancer_2y_category"]);
      }
    }
  });
});
