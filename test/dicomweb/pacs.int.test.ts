// A real PACS (Orthanc, started here on a free loopback port) and the app, on PostgreSQL and on
// embedded PGlite, with the real in-process worker and model: an admin configures the PACS (basic auth, secret encrypted at
// rest); a clinician queries it by MRN and imports series (progress, then assessments as for
// uploads); the PACS going down or hanging half-way leaves nothing half-imported and a retry
// continues; Orthanc pushes a study to the app with its push token (STOW-RS); a finished
// assessment goes back as a DICOM SR that Orthanc stores and indexes and dcmtk's dsrdump reads.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";
import { startOrthanc, type OrthancServer } from "../support/orthanc";
import { startRouteServer, type RouteServer } from "../support/route-server";
import { ctInstance, ctStudy, uid, type TestPatient } from "../support/dicomweb-data";
import { generatePatient, renderScan } from "@/models/fusion/cohort";
import { FileScanStore } from "@/lib/storage";

vi.mock("server-only", () => ({}));

const carol: TestPatient = { mrn: "PACS-0001", familyName: "Moreau", givenName: "Carole", birthDate: "1958-02-17", sex: "female" };
const dave: TestPatient = { mrn: "PACS-0002", familyName: "Nakamura", givenName: "Daisuke", birthDate: "1949-11-03", sex: "male" };
const PACS_USER = "fcds";
const PACS_PASSWORD = "pacs-secret-not-in-the-database";

describe.each(engines)("DICOMweb with a real PACS on %s", (_engine, make) => {
  let e: TestEngine;
  let db: PrismaClient;
  let pacs: OrthancServer;
  let clinician: Cred;
  let admin: Cred;
  let carolId: string;
  let daveId: string;
  let sourceId: string;
  let runtime: typeof import("@/lib/jobs/runtime");
  const mod = (p: string) => import(/* @vite-ignore */ join(process.cwd(), "app", p, "route.ts"));
  type H = (req: Request, c: unknown) => Promise<Response>;
  const call = async (method: string, path: string, route: string, params: Record<string, string>, cred: Cred, body?: unknown) =>
    ((await mod(route)) as Record<string, H>)[method](apiRequest(method, path, { cred, body }), ctx(params));

  const study1 = ctStudy(carol, "pacs-carol-1", { series: 2, perSeries: 3, multiFrame: 4, studyDate: "2026-02-10" });
  const study2 = ctStudy(carol, "pacs-carol-2", { series: 1, perSeries: 6, studyDate: "2026-04-20" });
  const study3 = ctStudy(dave, "pacs-dave-1", { series: 1, perSeries: 3, studyDate: "2026-05-05" });
// a chest CT like the model's training images (the synthetic discs above are out of its distribution): assessed on the image
const realistic = renderScan(generatePatient(42, 3), { size: 256 });
const study4 = { study: uid("pacs-carol-ct/study"), series: uid("pacs-carol-ct/series"), sop: uid("pacs-carol-ct/1") };
const study4File = ctInstance({ patient: carol, ...study4, rows: realistic.rows, columns: realistic.columns, pixelSpacingMm: realistic.pixelSpacingMm, frameHu: [realistic.hu], studyDate: "2026-01-15", seriesDescription: "Chest CT" });

  async function waitDone(assessmentId: string, timeoutMs = 90_000) {
    const t0 = Date.now();
    for (;;) {
      const a = await db.assessment.findUniqueOrThrow({ where: { id: assessmentId } });
      if (a.status === "done" || a.status === "failed") return a;
      if (Date.now() - t0 > timeoutMs) throw new Error(`assessment ${assessmentId} still ${a.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Reads an NDJSON import answer line by line; `onLine` may act between lines (e.g. kill the PACS). */
  async function readLines(res: Response, onLine?: (o: Record<string, unknown>) => Promise<void> | void) {
    const lines: Record<string, unknown>[] = [];
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const o = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        lines.push(o);
        await onLine?.(o);
      }
    }
    return lines;
  }

  const storeDir = () => process.env.FUSION_SCAN_STORE_DIR!;
  const tempFiles = () => (existsSync(join(storeDir(), ".tmp")) ? readdirSync(join(storeDir(), ".tmp")) : []);

  beforeAll(async () => {
    e = await make();
    routeHandlersUse(e);
    db = e.prisma;
    for (const p of [carol, dave]) await db.patient.create({ data: { mrn: p.mrn, familyName: p.familyName, givenName: p.givenName, birthDate: new Date(p.birthDate), sex: p.sex } });
    carolId = (await db.patient.findUniqueOrThrow({ where: { mrn: carol.mrn } })).id;
    daveId = (await db.patient.findUniqueOrThrow({ where: { mrn: dave.mrn } })).id;
    clinician = await sessionFor(db, (await makeUser(db, "clinician")).id);
    admin = await sessionFor(db, (await makeUser(db, "admin")).id);
    pacs = await startOrthanc({ users: { [PACS_USER]: PACS_PASSWORD } });
    await pacs.upload([...study1.files, ...study2.files].map((f) => f.bytes));
    await pacs.upload([study4File]);
    runtime = await import("@/lib/jobs/runtime");
    await runtime.startInProcessWorker(); // the real worker and model: imported scans get real scores
  }, 240_000);

  afterAll(async () => {
    await pacs?.stop();
    await runtime?.stopJobRuntime();
    routeHandlersRelease();
    await e?.drop();
  });

  describe("an admin configures the PACS", () => {
    it("creates the source with basic auth; the password is stored encrypted and never returned", async () => {
      const res = await call("POST", "/api/admin/dicomweb-sources", "/api/admin/dicomweb-sources", {}, admin, {
        name: "Orthanc test",
        baseUrl: `${pacs.dicomweb}/`,
        authType: "basic",
        username: PACS_USER,
        secret: PACS_PASSWORD,
        timeoutMs: 10_000,
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(body).toMatchObject({ name: "Orthanc test", baseUrl: pacs.dicomweb, authType: "basic", hasSecret: true, pushEnabled: false });
      expect(JSON.stringify(body)).not.toContain(PACS_PASSWORD);
      sourceId = body.id as string;
      const row = await db.dicomwebSource.findUniqueOrThrow({ where: { id: sourceId } });
      expect(row.secretCiphertext).toMatch(/^v1\./);
      expect(row.secretCiphertext).not.toContain(PACS_PASSWORD);
      const audit = await db.auditEvent.findFirst({ where: { action: "dicomweb_source.create", entityId: sourceId } });
      expect(JSON.stringify(audit?.details)).not.toContain(PACS_PASSWORD);
      // a clinician may not configure sources
      expect((await call("GET", "/api/admin/dicomweb-sources", "/api/admin/dicomweb-sources", {}, clinician)).status).toBe(403);
    });
  });

  describe("a clinician on the record", () => {
    it("queries the PACS by the patient's MRN: studies with dates, modalities and series", async () => {
      const res = await call("GET", `/api/patients/${carolId}/pacs/studies?source=${sourceId}`, "/api/patients/[id]/pacs/studies", { id: carolId }, clinician);
      const body = (await res.json()) as { studies: { studyInstanceUid: string; date: string; modalities: string[]; series: { seriesInstanceUid: string; modality: string; instances: number; imported: number }[] }[] };
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.studies.map((s) => s.studyInstanceUid)).toEqual([study2.study, study1.study, study4.study]); // newest first
      const s1 = body.studies[1];
      expect(s1.date).toBe("2026-02-10");
      expect(s1.modalities).toEqual(["CT"]);
      expect(s1.series).toHaveLength(3);
      expect(s1.series.map((x) => x.instances).sort()).toEqual([1, 3, 3]);
      expect(s1.series.every((x) => x.imported === 0)).toBe(true);
      expect(await db.auditEvent.count({ where: { action: "pacs.query", patientId: carolId } })).toBe(1);
    });

    it("imports chosen series with progress; each instance is assessed as an upload", async () => {
      const chosen = [uid("pacs-carol-1/series/0"), uid("pacs-carol-1/series/mf")];
      const res = await call("POST", `/api/patients/${carolId}/pacs/imports`, "/api/patients/[id]/pacs/imports", { id: carolId }, clinician, { sourceId, studyInstanceUid: study1.study, seriesInstanceUids: chosen });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/ndjson/);
      const lines = await readLines(res);
      const progress = lines.filter((l) => l.type === "progress");
      expect(progress.map((p) => p.done)).toEqual([0, 1, 2, 3, 4]);
      expect(lines.at(-1)).toMatchObject({ type: "done", total: 4, imported: 4, skipped: 0, failed: 0 });
      const scans = await db.scan.findMany({ where: { patientId: carolId, studyInstanceUid: study1.study }, include: { assessments: true } });
      expect(scans).toHaveLength(4);
      expect(scans.find((s) => s.seriesInstanceUid === uid("pacs-carol-1/series/mf"))!.frames).toBe(4);
      const a = await waitDone(scans.find((s) => s.frames === 1)!.assessments[0].id);
      expect(a.status).toBe("done");
      expect(Object.keys(a.scores as object).length).toBeGreaterThan(0);
      expect(await db.auditEvent.count({ where: { action: "scan.create", patientId: carolId } })).toBe(4);
      expect((await db.auditEvent.findFirst({ where: { action: "pacs.import", patientId: carolId } }))?.outcome).toBe("success");
      // importing again changes nothing
      const again = await readLines(await call("POST", `/api/patients/${carolId}/pacs/imports`, "/api/patients/[id]/pacs/imports", { id: carolId }, clinician, { sourceId, studyInstanceUid: study1.study, seriesInstanceUids: chosen }));
      expect(again.at(-1)).toMatchObject({ type: "done", imported: 0, skipped: 4 });
      expect(await db.scan.count({ where: { patientId: carolId } })).toBe(4);
    });

    it("a PACS that dies half-way: a clear message, nothing half-imported; the retry continues where it stopped", async () => {
      const before = await db.scan.count({ where: { patientId: carolId } });
      let killed = false;
      const res = await call("POST", `/api/patients/${carolId}/pacs/imports`, "/api/patients/[id]/pacs/imports", { id: carolId }, clinician, { sourceId, studyInstanceUid: study2.study });
      const lines = await readLines(res, async (l) => {
        if (l.type === "progress" && l.done === 2 && !killed) {
          killed = true;
          await pacs.kill();
        }
      });
      const last = lines.at(-1)!;
      expect(last).toMatchObject({ type: "error", code: "pacs_unreachable" });
      expect(String(last.message)).toMatch(/The PACS “Orthanc test” cannot be reached .*Imported so far: 2 of 6.*run the import again to continue/);
      // exactly the two finished instances, each whole: row, file in the store, queued assessment
      const scans = await db.scan.findMany({ where: { patientId: carolId, studyInstanceUid: study2.study }, include: { assessments: true } });
      expect(scans).toHaveLength(2);
      expect(await db.scan.count({ where: { patientId: carolId } })).toBe(before + 2);
      const store = new FileScanStore(storeDir());
      for (const s of scans) {
        expect(await store.verify(s.storageKey!)).toMatchObject({ ok: true });
        expect(s.assessments).toHaveLength(1);
      }
      expect(tempFiles()).toEqual([]);
      expect((await db.auditEvent.findFirst({ where: { action: "pacs.import", patientId: carolId, outcome: "failure" } }))?.details).toMatchObject({ error: "pacs_unreachable", imported: 2 });

      // down at the start: the query says so at once
      const down = await call("GET", `/api/patients/${carolId}/pacs/studies?source=${sourceId}`, "/api/patients/[id]/pacs/studies", { id: carolId }, clinician);
      expect(down.status).toBe(502);
      expect(((await down.json()) as { error: { code: string } }).error.code).toBe("pacs_unreachable");

      await pacs.start(); // same storage, same port
      const retry = await readLines(await call("POST", `/api/patients/${carolId}/pacs/imports`, "/api/patients/[id]/pacs/imports", { id: carolId }, clinician, { sourceId, studyInstanceUid: study2.study }));
      expect(retry.at(-1)).toMatchObject({ type: "done", total: 6, imported: 4, skipped: 2, failed: 0 });
      expect(await db.scan.count({ where: { patientId: carolId, studyInstanceUid: study2.study } })).toBe(6);
    });

    it("a PACS that accepts connections but does not answer times out with a clear message", async () => {
      const patch = await call("PATCH", `/api/admin/dicomweb-sources/${sourceId}`, "/api/admin/dicomweb-sources/[id]", { id: sourceId }, admin, { timeoutMs: 1500 });
      expect(patch.status).toBe(200);
      pacs.pause();
      try {
        const t0 = Date.now();
        const res = await call("GET", `/api/patients/${carolId}/pacs/studies?source=${sourceId}`, "/api/patients/[id]/pacs/studies", { id: carolId }, clinician);
        expect(res.status).toBe(504);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("pacs_timeout");
        expect(body.error.message).toMatch(/did not answer within 2 s/);
        expect(Date.now() - t0).toBeLessThan(10_000);
      } finally {
        pacs.resume();
        await call("PATCH", `/api/admin/dicomweb-sources/${sourceId}`, "/api/admin/dicomweb-sources/[id]", { id: sourceId }, admin, { timeoutMs: 10_000 });
      }
    });
  });

  describe("results back to the PACS", () => {
    it("sends a finished assessment as a DICOM SR: Orthanc stores and indexes it, dsrdump reads it without errors", async () => {
      const scan = await db.scan.findFirstOrThrow({ where: { patientId: carolId, frames: 1, studyInstanceUid: study1.study }, include: { assessments: true } });
      const assessment = await waitDone(scan.assessments[0].id);
      expect(assessment.status).toBe("done");
      const res = await call("POST", `/api/assessments/${assessment.id}/report`, "/api/assessments/[id]/report", { id: assessment.id }, clinician, { sourceId });
      const sent = (await res.json()) as { sopInstanceUid: string; studyInstanceUid: string; pacsStatus: number };
      expect(res.status, JSON.stringify(sent)).toBe(200);
      expect(sent.studyInstanceUid).toBe(study1.study);
      // Orthanc indexed it in the image's study, as an SR
      const found = await pacs.rest<{ ID: string; MainDicomTags: Record<string, string> }[]>("/tools/find", {
        method: "POST",
        body: JSON.stringify({ Level: "Instance", Query: { SOPInstanceUID: sent.sopInstanceUid }, Expand: true }),
      });
      expect(found).toHaveLength(1);
      const tags = await pacs.rest<Record<string, string>>(`/instances/${found[0].ID}/simplified-tags`);
      expect(tags).toMatchObject({ Modality: "SR", StudyInstanceUID: study1.study, PatientID: carol.mrn, SOPClassUID: "1.2.840.10008.5.1.4.1.1.88.33" });
      // dcmtk reads the SR Orthanc holds: exit 0, nothing on stderr, the content there
      const dir = mkdtempSync(join(tmpdir(), "fcds-sr-"));
      try {
        const file = join(dir, "sr.dcm");
        writeFileSync(file, Buffer.from(await (await fetch(`${pacs.url}/instances/${found[0].ID}/file`, { headers: { authorization: `Basic ${Buffer.from(`${PACS_USER}:${PACS_PASSWORD}`).toString("base64")}` } })).arrayBuffer()));
        const r = spawnSync("dsrdump", ["-Ee", "+Pu", file], { encoding: "utf8" });
        if (process.env.SHOW_SR) console.log(r.stdout);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(r.stdout).toContain("Comprehensive SR");
        expect(r.stdout).toMatch(/Risk probability.*%/);
        expect(r.stdout).toContain("Research use only");
        expect(r.stdout).toContain(assessment.modelName);
        expect(r.stdout).toContain(scan.sopInstanceUid!);
        expect(execFileSync("dcmdump", ["+P", "CompletionFlag", file], { encoding: "utf8" })).toContain("COMPLETE");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect((await db.auditEvent.findFirst({ where: { action: "assessment.report.send", entityId: assessment.id } }))?.outcome).toBe("success");
      // sending it again sends the same instance: still one in the PACS
      expect((await call("POST", `/api/assessments/${assessment.id}/report`, "/api/assessments/[id]/report", { id: assessment.id }, clinician, { sourceId })).status).toBe(200);
      expect(await pacs.rest<unknown[]>("/tools/find", { method: "POST", body: JSON.stringify({ Level: "Instance", Query: { SOPInstanceUID: sent.sopInstanceUid } }) })).toHaveLength(1);
    });

    it("with the overlay: the saliency map as a Secondary Capture beside the SR, which Orthanc stores and renders", async () => {
      const lines = await readLines(await call("POST", `/api/patients/${carolId}/pacs/imports`, "/api/patients/[id]/pacs/imports", { id: carolId }, clinician, { sourceId, studyInstanceUid: study4.study }));
      expect(lines.at(-1)).toMatchObject({ type: "done", imported: 1 });
      const scan = await db.scan.findFirstOrThrow({ where: { patientId: carolId, sopInstanceUid: study4.sop }, include: { assessments: true } });
      const assessment = await waitDone(scan.assessments[0].id);
      expect(assessment.strategy).toBe("joint"); // the image was used: there is a saliency map
      const res = await call("POST", `/api/assessments/${assessment.id}/report`, "/api/assessments/[id]/report", { id: assessment.id }, clinician, { sourceId, saliencyCapture: true });
      const sent = (await res.json()) as { sopInstanceUid: string; saliencyCaptureSopInstanceUid: string | null };
      expect(res.status, JSON.stringify(sent)).toBe(200);
      expect(sent.saliencyCaptureSopInstanceUid).toBeTruthy();
      const [sc] = await pacs.rest<string[]>("/tools/find", { method: "POST", body: JSON.stringify({ Level: "Instance", Query: { SOPInstanceUID: sent.saliencyCaptureSopInstanceUid } }) });
      expect(sc).toBeTruthy();
      const tags = await pacs.rest<Record<string, string>>(`/instances/${sc}/simplified-tags`);
      expect(tags).toMatchObject({ SOPClassUID: "1.2.840.10008.5.1.4.1.1.7", PhotometricInterpretation: "RGB", Rows: "256", Columns: "256", StudyInstanceUID: study4.study });
      // Orthanc decodes it (its own PNG rendering), and the overlay is there: coloured pixels, not only grey
      const auth = { authorization: `Basic ${Buffer.from(`${PACS_USER}:${PACS_PASSWORD}`).toString("base64")}` };
      const png = await fetch(`${pacs.url}/instances/${sc}/preview`, { headers: { ...auth, accept: "image/png" } });
      expect(png.status).toBe(200);
      const { PNG } = await import("pngjs");
      const img = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
      let coloured = 0;
      for (let i = 0; i < img.width * img.height; i++) if (Math.abs(img.data[4 * i] - img.data[4 * i + 1]) > 20 || Math.abs(img.data[4 * i + 1] - img.data[4 * i + 2]) > 20) coloured++;
      expect(coloured / (img.width * img.height)).toBeGreaterThan(0.01);
      const dir = mkdtempSync(join(tmpdir(), "fcds-sc-"));
      try {
        const file = join(dir, "sc.dcm");
        writeFileSync(file, Buffer.from(await (await fetch(`${pacs.url}/instances/${sc}/file`, { headers: auth })).arrayBuffer()));
        const r = spawnSync("dcmdump", ["+L", "+P", "ImageComments", file], { encoding: "utf8" });
        expect(r.status).toBe(0);
        expect(r.stdout).toContain("Research use only");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("Orthanc pushes to the app (STOW-RS with a push token)", () => {
    let app: RouteServer;
    let sender: OrthancServer;
    let token: string;

    beforeAll(async () => {
      app = await startRouteServer(["/dicomweb/studies", "/dicomweb/studies/[study]"]);
      const res = await call("PATCH", `/api/admin/dicomweb-sources/${sourceId}`, "/api/admin/dicomweb-sources/[id]", { id: sourceId }, admin, { pushToken: true });
      token = ((await res.json()) as { pushToken: string }).pushToken;
      // the Orthanc configuration README documents: the app as a DICOMweb server with the token
      sender = await startOrthanc({ servers: { fusion: { Url: `${app.url}/dicomweb/`, HttpHeaders: { Authorization: `Bearer ${token}` } } } });
      await sender.upload(study3.files.map((f) => f.bytes));
    }, 120_000);
    afterAll(async () => {
      await sender?.stop();
      await app?.close();
    });

    it("the push token is shown once and stored hashed", async () => {
      expect(token).toMatch(/^fcds_push_/);
      const row = await db.dicomwebSource.findUniqueOrThrow({ where: { id: sourceId } });
      expect(row.pushTokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(token);
    });

    it("Orthanc's /dicom-web/servers/fusion/stow stores the study under the patient with that MRN, audited as the source", async () => {
      const studies = await sender.rest<string[]>("/studies");
      const r = await sender
        .rest<Record<string, unknown>>("/dicom-web/servers/fusion/stow", { method: "POST", body: JSON.stringify({ Resources: studies, Synchronous: true }) })
        .catch((err: Error) => {
          throw new Error(`${err.message}\n--- Orthanc log ---\n${sender.log()}`);
        });
      expect(r).toBeTruthy();
      const scans = await db.scan.findMany({ where: { studyInstanceUid: study3.study }, include: { assessments: true } });
      expect(scans).toHaveLength(3);
      expect(scans.every((s) => s.patientId === daveId && s.assessments.length === 1)).toBe(true);
      const audit = await db.auditEvent.findFirst({ where: { action: "scan.create", patientId: daveId } });
      expect(audit).toMatchObject({ userId: null, role: null, username: "dicomweb-source:Orthanc test" });
      expect((audit!.details as { via: string }).via).toBe("stow-rs:Orthanc test");
    });

    it("a wrong or revoked token is refused (401), and the token opens nothing but STOW-RS", async () => {
      const stow = (t: string) => fetch(`${app.url}/dicomweb/studies`, { method: "POST", headers: { authorization: `Bearer ${t}`, "content-type": 'multipart/related; type="application/dicom"; boundary=x' }, body: "--x--" });
      expect((await stow("fcds_push_wrong")).status).toBe(401);
      expect((await stow(token)).status).toBe(400); // authenticated; an empty body
      const { GET } = (await mod("/dicomweb/studies")) as Record<string, H>;
      const qido = await GET(new Request("http://localhost:3000/dicomweb/studies", { headers: { authorization: `Bearer ${token}` } }), ctx({}));
      expect(qido.status).toBe(401);
      await call("PATCH", `/api/admin/dicomweb-sources/${sourceId}`, "/api/admin/dicomweb-sources/[id]", { id: sourceId }, admin, { pushToken: false });
      expect((await stow(token)).status).toBe(401);
    });
  });
});
