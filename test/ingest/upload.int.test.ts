// POST /api/patients/{id}/scans on a real PostgreSQL database with the real in-process worker and
// model: every transfer syntax pydicom ships is stored and assessed; every bad input of the issue's
// table gets a clear 4xx and leaves no Scan, no Assessment, no job behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FileScanStore } from "@/lib/storage";
import { deflateRawSync, constants as zc } from "node:zlib";
import { freshPostgres, type TestEngine } from "../support/engines";
import { uploadRequest } from "../support/multipart";
import { apiRequest, ctx, makeUser, sessionFor, ORIGIN, type Cred } from "../support/auth-fixtures";
import { pydicomFile } from "../fixtures/pydicom";
import { buildPart10 } from "@/test/support/dicom-files";
import { manyElements, rleBomb } from "../support/dicom-builders";
import { generatePatient, renderScan, scanToDicom, scanToPng } from "@/models/fusion/cohort";
import { seedPatients } from "@/lib/db/seed-cohort";

let e: TestEngine;
let cred: Cred;
let patientId: string;
let otherPatientId: string;
let POST: typeof import("@/app/api/patients/[id]/scans/route").POST;
let runtime: typeof import("@/lib/jobs/runtime");
const cohort = [generatePatient(5, 0), generatePatient(5, 1)];

const file = (name: string) => new Uint8Array(readFileSync(pydicomFile(name)));
const headers = () => ({ cookie: cred.cookie, "x-csrf-token": cred.csrf, origin: ORIGIN, host: "localhost:3000" });
function upload(bytes: Uint8Array | null, name = "scan.dcm", fields: Record<string, string> = {}, pid = patientId, type = "application/dicom") {
  return POST(uploadRequest(`${ORIGIN}/api/patients/${pid}/scans`, bytes ? { bytes, name, type } : null, fields, headers()), { params: Promise.resolve({ id: pid }) });
}
const storeDir = () => process.env.FUSION_SCAN_STORE_DIR!; // a temporary folder per test file (test/support/scan-store-env.ts)
async function storedFiles(): Promise<string[]> {
  const keys: string[] = [];
  for await (const f of new FileScanStore(storeDir()).list()) keys.push(f.key);
  return keys;
}
const tempFiles = () => (existsSync(join(storeDir(), ".tmp")) ? readdirSync(join(storeDir(), ".tmp")) : []);
async function counts() {
  const [scans, assessments, jobs, files, blobs] = await Promise.all([
    e.prisma.scan.count(),
    e.prisma.assessment.count(),
    e.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'assessment'`).then((r) => r[0].n),
    storedFiles().then((k) => k.length),
    e.prisma.scanBlob.count(),
  ]);
  // nothing half-written: no file in the store, no database blob, no temporary file left by a refused upload
  return { scans, assessments, jobs, files, blobs, temp: tempFiles().length };
}
async function waitDone(assessmentId: string, timeoutMs = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const a = await e.prisma.assessment.findUniqueOrThrow({ where: { id: assessmentId } });
    if (a.status === "done" || a.status === "failed") return a;
    if (Date.now() - t0 > timeoutMs) throw new Error(`assessment ${assessmentId} still ${a.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  e = await freshPostgres("upload");
  process.env.DATABASE_URL = e.url;
  // ~40 uploads by one user here; the per-user limit has its own test (test/security/action-limits.int.test.ts)
  process.env.FUSION_UPLOAD_LIMIT_PER_MINUTE = "100000";
  await seedPatients(e.prisma, cohort);
  const ps = await e.prisma.patient.findMany({ orderBy: { mrn: "asc" } });
  patientId = ps[0].id;
  otherPatientId = ps[1].id;
  const u = await makeUser(e.prisma, "clinician");
  cred = await sessionFor(e.prisma, u.id);
  runtime = await import("@/lib/jobs/runtime");
  await runtime.startInProcessWorker(); // queue schema, worker and model (registered as active) up before the first count
  ({ POST } = await import("@/app/api/patients/[id]/scans/route"));
}, 180_000);

afterAll(async () => {
  await runtime?.stopJobRuntime();
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await e?.drop();
});

describe("a synthetic CT of the right patient", () => {
  it("is stored with its queued assessment (201), assessed with explanations, and a re-upload returns the same scan (200)", async () => {
    const bytes = scanToDicom(cohort[0], renderScan(cohort[0], { size: 256 }));
    const res = await upload(bytes, "ct.dcm");
    const body = await res.json();
    expect(res.status).toBe(201);
    expect(body.scan).toMatchObject({ modality: "CT", rows: 256, columns: 256, frames: 1, contentType: "application/dicom", byteSize: bytes.byteLength });
    expect(body.assessment.status).toBe("queued");
    const a = await waitDone(body.assessment.id);
    expect(a.status).toBe("done");
    expect(a.flags).not.toContain("no_image");
    const scores = a.scores as Record<string, { probability: number }>;
    expect(Object.keys(scores).length).toBeGreaterThanOrEqual(2);
    for (const s of Object.values(scores)) expect(s.probability).toBeGreaterThan(0);
    expect(a.explanation).toBeTruthy();
    expect(a.embeddings).toBeTruthy();
    const audit = await e.prisma.auditEvent.findFirst({ where: { action: "scan.create", entityId: body.scan.id } });
    expect(audit?.patientId).toBe(patientId);

    // the bytes are in the scan store, not in the table; served back exactly
    const row = await e.prisma.scan.findUniqueOrThrow({ where: { id: body.scan.id }, select: { storageKey: true, bytes: true, sha256: true } });
    expect(row.bytes).toBeNull();
    expect(row.storageKey).toBe(row.sha256);
    const store = new FileScanStore(storeDir());
    expect(await store.verify(row.storageKey!)).toMatchObject({ ok: true, size: bytes.byteLength });
    expect(statSync(store.pathOf(row.storageKey!)).mode & 0o777).toBe(0o600);
    const { GET } = await import("@/app/api/scans/[id]/file/route");
    const served = await GET(apiRequest("GET", `/api/scans/${body.scan.id}/file`, { cred }), ctx({ id: body.scan.id }));
    expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), Buffer.from(bytes))).toBe(0);
    expect(tempFiles()).toEqual([]);

    const again = await upload(bytes, "ct-again.dcm");
    const againBody = await again.json();
    expect(again.status).toBe(200);
    expect(againBody.duplicate).toBe(true);
    expect(againBody.scan.id).toBe(body.scan.id);
    expect(await e.prisma.scan.count({ where: { sha256: body.scan.sha256 } })).toBe(1);
  }, 60_000);
});

describe("real DICOM files in every transfer syntax pydicom ships", () => {
  const cases: [string, string][] = [
    ["CT_small.dcm", "explicit VR little endian"],
    ["MR_small_implicit.dcm", "implicit VR little endian"],
    ["MR_small_bigendian.dcm", "explicit VR big endian"],
    ["image_dfl.dcm", "deflated explicit VR little endian"],
    ["SC_rgb_jpeg_dcmtk.dcm", "JPEG baseline (colour)"],
    ["JPGExtended.dcm", "JPEG extended 12-bit"],
    ["SC_rgb_jpeg_gdcm.dcm", "JPEG lossless SV1"],
    ["MR_small_jpeg_ls_lossless.dcm", "JPEG-LS lossless"],
    ["MR_small_jp2klossless.dcm", "JPEG 2000 lossless"],
    ["JPEG2000.dcm", "JPEG 2000"],
    ["MR_small_RLE.dcm", "RLE lossless"],
    ["rtdose.dcm", "multi-frame"],
    ["SC_rgb_rle_2frame.dcm", "multi-frame colour RLE"],
  ];
  it.each(cases)("%s (%s) is stored and assessed", async (name) => {
    const res = await upload(file(name), name, { confirmPatientMismatch: "true", identityReason: "test file of another patient, attached on purpose" }, otherPatientId);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    const a = await waitDone(body.assessment.id);
    expect(a.status, a.error ?? "").toBe("done");
    if (body.scan.modality !== "CT") expect(a.flags.some((f) => f.startsWith("image_not_used"))).toBe(true);
    // a real CT, but not a slice like the synthetic chest phantoms the demo model learnt from
    if (name === "CT_small.dcm") expect(a.flags).toContain("image_out_of_distribution");
  }, 60_000);
});

describe("bad input: a clear 4xx, nothing stored, nothing queued, the server keeps serving", () => {
  // ~4 MB on the wire that would inflate to 4 GiB: 256 copies of a sync-flushed 16 MiB-of-zeros block.
  const bomb = () => {
    const block = deflateRawSync(new Uint8Array(16 * 1024 * 1024), { finishFlush: zc.Z_SYNC_FLUSH });
    const final = deflateRawSync(new Uint8Array(0));
    return buildPart10("1.2.840.10008.1.2.1.99", new Uint8Array(Buffer.concat([...Array(256).fill(block), final])));
  };
  const unsupported = () => {
    // JPEG 2000 file relabelled as JPIP Referenced (1.2.840.10008.1.2.4.94): a real syntax we cannot decode.
    const b = Buffer.from(file("MR_small_jp2klossless.dcm"));
    const at = b.indexOf("1.2.840.10008.1.2.4.90");
    if (at < 0) throw new Error("expected a JPEG 2000 lossless transfer syntax UID in MR_small_jp2klossless.dcm");
    b.write("1.2.840.10008.1.2.4.94", at, "latin1");
    return new Uint8Array(b);
  };
  const corruptJ2k = () => {
    const b = Buffer.from(file("MR_small_jp2klossless.dcm"));
    const at = b.indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51])); // J2K SOC + SIZ
    for (let i = at + 200; i < b.length - 40; i++) b[i] = (b[i] * 31 + 7) & 0xff;
    return new Uint8Array(b);
  };
  const cases: { name: string; send: () => Promise<Response>; status: number; code: string; setup?: () => void; teardown?: () => void }[] = [
    { name: "empty file", send: () => upload(new Uint8Array(0)), status: 400, code: "empty_file" },
    { name: "not DICOM", send: () => upload(new TextEncoder().encode("hello, this is a text file, not an image at all".repeat(10)), "notes.dcm"), status: 400, code: "not_dicom" },
    { name: "truncated DICOM", send: () => upload(file("MR_truncated.dcm")), status: 400, code: "truncated" },
    { name: "DICOM without pixel data", send: () => upload(file("rtplan.dcm")), status: 422, code: "no_pixel_data" },
    { name: "pixel data that fails to decode", send: () => upload(corruptJ2k(), "bad.dcm", { confirmPatientMismatch: "true", identityReason: "test file of another patient, attached on purpose" }), status: 422, code: "decode_failed" },
    { name: "unsupported transfer syntax", send: () => upload(unsupported(), "jpip.dcm", { confirmPatientMismatch: "true", identityReason: "test file of another patient, attached on purpose" }), status: 415, code: "unsupported_transfer_syntax" },
    {
      name: "oversize",
      send: () => upload(file("CT_small.dcm"), "big.dcm"),
      status: 413,
      code: "file_too_large",
      setup: () => (process.env.FUSION_UPLOAD_LIMIT_BYTES = "10000"),
      teardown: () => delete process.env.FUSION_UPLOAD_LIMIT_BYTES,
    },
    { name: "wrong patient", send: () => upload(scanToDicom(cohort[1], renderScan(cohort[1], { size: 64 })), "other.dcm"), status: 409, code: "patient_mismatch" },
    {
      name: "malformed multipart",
      send: () =>
        POST(
          new Request(`${ORIGIN}/api/patients/${patientId}/scans`, {
            method: "POST",
            headers: { ...headers(), "content-type": "multipart/form-data; boundary=XYZ" },
            body: "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.dcm\"\r\n\r\nDICM...no closing boundary",
          }),
          { params: Promise.resolve({ id: patientId }) },
        ),
      status: 400,
      code: "malformed_multipart",
    },
    { name: "a PNG named .dcm", send: () => upload(scanToPng(renderScan(cohort[0], { size: 64 })), "scan.dcm"), status: 415, code: "content_mismatch" },
    { name: "zip-bomb-like deflated DICOM", send: () => upload(bomb(), "bomb.dcm"), status: 413, code: "deflate_too_large" },
    { name: "no file at all", send: () => upload(null), status: 400, code: "file_missing" },
    { name: "a 600-byte RLE file declaring 65535 × 65535 (decompression bomb)", send: () => upload(rleBomb({ rows: 65535, columns: 65535, runs: 200 }), "bomb.dcm"), status: 413, code: "image_too_large" },
    { name: "an 8192 × 8192 image (larger than the assessor reads)", send: () => upload(rleBomb({ rows: 8192, columns: 8192, runs: 8192 }), "big.dcm"), status: 413, code: "image_too_large" },
    { name: "a file of 200,000 tiny elements", send: () => upload(manyElements(200_000), "tags.dcm"), status: 422, code: "too_many_elements" },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_n, c) => {
    const before = await counts();
    c.setup?.();
    try {
      const res = await c.send();
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(c.status);
      expect(body.error.code).toBe(c.code);
      expect(body.error.message.length).toBeGreaterThan(10);
      if (c.code === "patient_mismatch") {
        expect(body.error.details.dicom.patientId).toBe(cohort[1].patient.mrn);
        expect(body.error.details.record.mrn).toBe(cohort[0].patient.mrn);
      }
    } finally {
      c.teardown?.();
    }
    expect(await counts()).toEqual(before);
    // and the server keeps serving
    // a size no other upload in this file uses, distinct per case: the same bytes twice would be a 200 re-upload
    const ok = await upload(scanToDicom(cohort[0], renderScan(cohort[0], { size: 300 + cases.indexOf(c) })), "ok.dcm");
    expect(ok.status).toBe(201);
  }, 60_000);

  it("a wrong-patient file is accepted once the user confirms", async () => {
    const bytes = scanToDicom(cohort[1], renderScan(cohort[1], { size: 48 }));
    expect((await upload(bytes, "other.dcm")).status).toBe(409);
    const res = await upload(bytes, "other.dcm", { confirmPatientMismatch: "true", identityReason: "test file of another patient, attached on purpose" });
    expect(res.status).toBe(201);
  });

  it("PNG with its modality is accepted; without one it names the missing field", async () => {
    const png = scanToPng(renderScan(cohort[0], { size: 80 }));
    const bad = await upload(png, "slice.png", {}, patientId, "image/png");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.issues[0].path).toBe("modality");
    const ok = await upload(png, "slice.png", { modality: "OT", bodyPart: "CHEST" }, patientId, "image/png");
    expect(ok.status).toBe(201);
    expect((await ok.json()).scan).toMatchObject({ contentType: "image/png", modality: "OT", rows: 80 });
  });

  it("a PNG or JPEG modality must be a known DICOM modality code: ZZ is refused (400 naming modality), nothing stored", async () => {
    const png = scanToPng(renderScan(cohort[0], { size: 72 }));
    const before = await counts();
    for (const modality of ["ZZ", "CTX", "XX"]) {
      const res = await upload(png, "unknown-modality.png", { modality }, patientId, "image/png");
      expect(res.status, modality).toBe(400);
      const err = (await res.json()).error;
      expect(err.details.issues[0].path).toBe("modality");
      expect(err.details.issues[0].message).toMatch(/DICOM modality/);
    }
    expect(await counts()).toEqual(before);
    const ok = await upload(png, "unknown-modality.png", { modality: "dx" }, patientId, "image/png");
    expect(ok.status).toBe(201);
    expect((await ok.json()).scan.modality).toBe("DX");
  });

  it("a PNG labelled CT is assessed on the record alone: its pixels are display values, not Hounsfield units", async () => {
    const png = scanToPng(renderScan(cohort[0], { size: 96 }));
    const res = await upload(png, "ct-screenshot.png", { modality: "CT" }, patientId, "image/png");
    expect(res.status).toBe(201);
    const a = await waitDone((await res.json()).assessment.id);
    expect(a.status).toBe("done");
    expect(a.flags).toContain("image_not_used:not_dicom_no_modality_values");
    expect(a.strategy).toBe("tabular_only");
  });
});

describe("the scan store behind uploads", () => {
  it("the tag panel reads the tags saved at upload: with the file gone from the store the tags still answer, the file is a 500 that says so", async () => {
    const bytes = file("MR_small.dcm");
    const res = await upload(bytes, "mr.dcm", { confirmPatientMismatch: "true", identityReason: "test file of another patient, attached on purpose" }, otherPatientId);
    expect(res.status).toBe(201);
    const id = (await res.json()).scan.id as string;
    const { storageKey } = await e.prisma.scan.findUniqueOrThrow({ where: { id }, select: { storageKey: true } });
    const store = new FileScanStore(storeDir());
    const { GET: tags } = await import("@/app/api/scans/[id]/tags/route");
    const { GET: fileRoute } = await import("@/app/api/scans/[id]/file/route");
    const before = await (await tags(apiRequest("GET", `/api/scans/${id}/tags`, { cred }), ctx({ id }))).json();
    expect(before.tags.find((t: { keyword: string }) => t.keyword === "Modality")?.value).toBe("MR");
    expect(await store.delete(storageKey!)).toBe(true);
    try {
      const after = await tags(apiRequest("GET", `/api/scans/${id}/tags`, { cred }), ctx({ id }));
      expect(after.status).toBe(200);
      expect(await after.json()).toEqual(before);
      const missing = await fileRoute(apiRequest("GET", `/api/scans/${id}/file`, { cred }), ctx({ id }));
      expect(missing.status).toBe(500);
      expect((await missing.json()).error.code).toBe("scan_file_missing");
    } finally {
      await store.put(bytes);
    }
  }, 60_000);

  it("with FUSION_SCAN_STORE=postgres an upload's bytes go into the database with its row; a refused one leaves no blob and no staging file", async () => {
    process.env.FUSION_SCAN_STORE = "postgres";
    try {
      const refused = scanToDicom(cohort[1], renderScan(cohort[1], { size: 72 }));
      const before = await counts();
      const no = await upload(refused, "other.dcm");
      expect(no.status).toBe(409);
      expect(await counts()).toEqual(before);

      const bytes = scanToDicom(cohort[0], renderScan(cohort[0], { size: 72 }));
      const res = await upload(bytes, "ct.dcm");
      expect(res.status).toBe(201);
      const body = await res.json();
      const after = await counts();
      expect(after).toMatchObject({ blobs: before.blobs + 1, files: before.files, temp: 0 });
      const [blob] = await e.prisma.$queryRawUnsafe<{ size: number }[]>(`SELECT "size"::int AS size FROM "ScanBlob" WHERE "key" = $1`, body.scan.sha256);
      expect(blob.size).toBe(bytes.byteLength);
      const { GET } = await import("@/app/api/scans/[id]/file/route");
      const served = await GET(apiRequest("GET", `/api/scans/${body.scan.id}/file`, { cred }), ctx({ id: body.scan.id }));
      expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), Buffer.from(bytes))).toBe(0);
      expect((await waitDone(body.assessment.id)).status).toBe("done");
    } finally {
      delete process.env.FUSION_SCAN_STORE;
    }
  }, 60_000);
});
