// The DICOMweb server (PS3.18) through the real `dicomweb-client` over HTTP, on PostgreSQL and on
// embedded PGlite: STOW-RS (per-instance outcomes, MRN matching, re-sent instances stored once,
// every bad input of issue 15), QIDO-RS (keys, ranges, limit/offset, unknown keys → 400), WADO-RS
// (instances byte-identical, DICOM JSON metadata, frames as stored and uncompressed, 406).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { makeUser, sessionFor, type Cred } from "../support/auth-fixtures";
import { startRouteServer, type RouteServer } from "../support/route-server";
import { dicomwebClient, failure } from "../support/dicomweb-client";
import { ctInstance, ctStudy, stowBody, uid, type TestPatient } from "../support/dicomweb-data";
import { pydicomFile } from "../fixtures/pydicom";
import { parseDicom } from "@/lib/dicom";
import { nativeFrame } from "@/lib/dicom/pixel-data";

vi.mock("server-only", () => ({}));

const DICOMWEB_ROUTES = [
  "/dicomweb/studies",
  "/dicomweb/studies/[study]",
  "/dicomweb/studies/[study]/metadata",
  "/dicomweb/studies/[study]/series",
  "/dicomweb/studies/[study]/series/[series]",
  "/dicomweb/studies/[study]/series/[series]/metadata",
  "/dicomweb/studies/[study]/series/[series]/instances",
  "/dicomweb/studies/[study]/series/[series]/instances/[instance]",
  "/dicomweb/studies/[study]/series/[series]/instances/[instance]/metadata",
  "/dicomweb/studies/[study]/series/[series]/instances/[instance]/frames/[frames]",
];

const alice: TestPatient = { mrn: "DW-0001", familyName: "Okafor", givenName: "Adaeze", birthDate: "1961-04-12", sex: "female" };
const bob: TestPatient = { mrn: "DW-0002", familyName: "Lindqvist", givenName: "Bo", birthDate: "1955-09-30", sex: "male" };
const pydicom = (name: string) => new Uint8Array(readFileSync(pydicomFile(name)));
const ab = (u: Uint8Array) => u.slice().buffer;
type Json = Record<string, { vr: string; Value?: unknown[] }>;
const v = (ds: Json, tag: string) => ds[tag]?.Value?.[0];

describe.each(engines)("DICOMweb server on %s", (_name, make) => {
  let e: TestEngine;
  let db: PrismaClient;
  let server: RouteServer;
  let cred: Cred;
  let client: ReturnType<typeof dicomwebClient>;
  const root = () => `${server.url}/dicomweb`;
  const headers = () => ({ cookie: cred.cookie, "x-csrf-token": cred.csrf });
  const study = ctStudy(alice, "alice-1", { series: 2, perSeries: 2, multiFrame: 5, studyDate: "2026-03-01" });
  const multi = study.files.find((f) => f.series === uid("alice-1/series/mf"))!;

  beforeAll(async () => {
    e = await make();
    db = e.prisma;
    routeHandlersUse(e);
    const { registerServedModel } = await import("@/lib/db/model-registry");
    const outcomes = [{ head: "h", label: "Test outcome", shortLabel: "T", categories: { moderateFrom: 0.1, highFrom: 0.3 } }];
    await registerServedModel(db, { name: "dicomweb-test-model", version: "1.0.0", strategy: "joint", heads: ["h"], inputSpec: {}, card: {}, metrics: {}, outcomes }, "test");
    for (const p of [alice, bob, { mrn: "4MR1", familyName: "CompressedSamples", givenName: "MR1", birthDate: "1970-01-01", sex: "male" as const }, { mrn: "ID1", familyName: "Lestrade", givenName: "G", birthDate: "1970-01-01", sex: "male" as const }])
      await db.patient.create({ data: { mrn: p.mrn, familyName: p.familyName, givenName: p.givenName, birthDate: new Date(p.birthDate), sex: p.sex } });
    const u = await makeUser(db, "clinician");
    cred = await sessionFor(db, u.id);
    server = await startRouteServer(DICOMWEB_ROUTES);
    client = dicomwebClient(root(), headers());
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await (await import("@/lib/jobs/runtime")).stopJobRuntime();
    routeHandlersRelease();
    await e?.drop();
  });

  describe("STOW-RS", () => {
    it("stores a study sent by dicomweb-client: each instance under the patient whose MRN is its Patient ID, with a queued assessment and an audit row", async () => {
      const res = (await client.storeInstances({ datasets: study.files.map((f) => ab(f.bytes)) })) as unknown;
      const body = JSON.parse(typeof res === "string" ? res : new TextDecoder().decode(res as ArrayBuffer)) as Json;
      const refs = body["00081199"].Value as Json[];
      expect(refs.map((r) => v(r, "00081155")).sort()).toEqual(study.files.map((f) => f.sop).sort());
      expect(body["00081198"]).toBeUndefined();
      expect(v(body, "00081190")).toBe(`${root()}/studies/${study.study}`);
      const patient = await db.patient.findUniqueOrThrow({ where: { mrn: alice.mrn } });
      const scans = await db.scan.findMany({ where: { studyInstanceUid: study.study }, include: { assessments: true } });
      expect(scans).toHaveLength(5);
      for (const s of scans) {
        expect(s.patientId).toBe(patient.id);
        expect(s.assessments).toHaveLength(1);
        expect(s.assessments[0].status).toBe("queued");
      }
      expect(scans.find((s) => s.sopInstanceUid === multi.sop)!.frames).toBe(5);
      const audits = await db.auditEvent.findMany({ where: { action: "scan.create", patientId: patient.id } });
      expect(audits).toHaveLength(5);
      expect(audits.every((a) => (a.details as { via: string }).via === "stow-rs")).toBe(true);
    });

    it("a re-sent instance is not stored twice (the same study again: 200, nothing new)", async () => {
      const before = await db.scan.count();
      const r = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"; boundary=b1' }, body: stowBody(study.files.map((f) => f.bytes), "b1") });
      expect(r.status).toBe(200);
      const body = (await r.json()) as Json;
      expect((body["00081199"].Value as Json[]).length).toBe(5);
      expect(await db.scan.count()).toBe(before);
    });

    it("two pushes of one new instance at once store it once", async () => {
      const sop = uid("alice-1/race");
      const f = ctInstance({ patient: alice, study: study.study, series: uid("alice-1/series/0"), sop, instanceNumber: 7 });
      const send = () => fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"; boundary=r' }, body: stowBody([f], "r") });
      const [a, b] = await Promise.all([send(), send()]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(await db.scan.count({ where: { sopInstanceUid: sop } })).toBe(1);
    });

    it("a body that is not multipart/related is refused whole (415), nothing stored", async () => {
      const before = await db.scan.count();
      const single = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": "application/dicom" }, body: study.files[0].bytes });
      expect(single.status).toBe(415);
      expect(((await single.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
      const json = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom+json"; boundary=x' }, body: "--x\r\n\r\n{}\r\n--x--" });
      expect(json.status).toBe(415);
      const noBoundary = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"' }, body: "x" });
      expect(noBoundary.status).toBe(400);
      const garbage = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"; boundary=zz' }, body: "no parts here at all" });
      expect(garbage.status).toBe(400);
      expect(await db.scan.count()).toBe(before);
    });

    it("a corrupt instance among good ones: the good ones are stored, the bad one reported (202, FailedSOPSequence 0xC000)", async () => {
      const good1 = ctInstance({ patient: alice, study: study.study, series: uid("alice-1/series/1"), sop: uid("alice-1/good1"), instanceNumber: 11 });
      const good2 = ctInstance({ patient: alice, study: study.study, series: uid("alice-1/series/1"), sop: uid("alice-1/good2"), instanceNumber: 12 });
      const corrupt = good1.slice(0, 400); // a real header, cut off in the middle
      const res = (await client.storeInstances({ datasets: [ab(good1), ab(corrupt), ab(good2)] })) as unknown;
      const body = JSON.parse(typeof res === "string" ? res : new TextDecoder().decode(res as ArrayBuffer)) as Json;
      expect((body["00081199"].Value as Json[]).map((r) => v(r, "00081155")).sort()).toEqual([uid("alice-1/good1"), uid("alice-1/good2")].sort());
      const failed = body["00081198"].Value as Json[];
      expect(failed).toHaveLength(1);
      expect(v(failed[0], "00081197")).toBe(0xc000);
      expect(String(v(failed[0], "00000902"))).toMatch(/truncated|not_dicom|cannot|incomplete/i);
      expect(await db.scan.count({ where: { sopInstanceUid: { in: [uid("alice-1/good1"), uid("alice-1/good2")] } } })).toBe(2);
      // the status dicomweb-client saw was 202: it resolves 202 too, so check it directly
      const again = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"; boundary=q' }, body: stowBody([good1, corrupt], "q") });
      expect(again.status).toBe(202);
    });

    it("instances of other patients fail one by one with the reason (409 when none is stored)", async () => {
      const stranger = ctInstance({ patient: { ...alice, mrn: "NOBODY-9", familyName: "Nobody" }, study: uid("x/study"), series: uid("x/series"), sop: uid("x/1") });
      const wrongBirth = ctInstance({ patient: { ...alice, birthDate: "1990-01-01" }, study: uid("y/study"), series: uid("y/series"), sop: uid("y/1") });
      const bobInAlicesStudy = ctInstance({ patient: bob, study: study.study, series: uid("bob/series"), sop: uid("bob/1") });
      const noId = ctInstance({ patient: { ...alice, mrn: "" }, study: uid("z/study"), series: uid("z/series"), sop: uid("z/1") });
      const before = await db.scan.count();
      const r = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"; boundary=p' }, body: stowBody([stranger, wrongBirth, bobInAlicesStudy, noId], "p") });
      expect(r.status).toBe(409);
      const body = (await r.json()) as Json;
      const failed = body["00081198"].Value as Json[];
      const bySop = Object.fromEntries(failed.map((f) => [v(f, "00081155"), String(v(f, "00000902"))]));
      expect(bySop[uid("x/1")]).toMatch(/^unknown_patient: No patient has the MRN NOBODY-9/);
      expect(bySop[uid("y/1")]).toMatch(/^patient_mismatch: .*born 1990/);
      expect(bySop[uid("bob/1")]).toMatch(/^study_of_another_patient/);
      expect(bySop[uid("z/1")]).toMatch(/^patient_id_missing/);
      expect(failed.every((f) => v(f, "00081197") === 0x0110)).toBe(true);
      expect(body["00081199"]).toBeUndefined();
      expect(await db.scan.count()).toBe(before);
    });

    it("STOW-RS to one study refuses instances of another study (0xA900)", async () => {
      const other = ctInstance({ patient: alice, study: uid("alice-2/study"), series: uid("alice-2/series"), sop: uid("alice-2/1") });
      const r = await fetch(`${root()}/studies/${study.study}`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"; boundary=s' }, body: stowBody([other], "s") });
      expect(r.status).toBe(409);
      const failed = ((await r.json()) as Json)["00081198"].Value as Json[];
      expect(v(failed[0], "00081197")).toBe(0xa900);
    });
  });

  describe("QIDO-RS", () => {
    it("finds studies by PatientID, StudyDate (ranges) and ModalitiesInStudy", async () => {
      const studies = (await client.searchForStudies({ queryParams: { PatientID: alice.mrn } })) as Json[];
      expect(studies).toHaveLength(1);
      const s = studies[0];
      expect(v(s, "0020000D")).toBe(study.study);
      expect(v(s, "00100020")).toBe(alice.mrn);
      expect(v(s, "00080020")).toBe("20260301");
      expect(s["00080061"].Value).toEqual(["CT"]);
      expect(v(s, "00201206")).toBe(3);
      expect(v(s, "00201208")).toBe(8); // 5 + race + good1 + good2
      const q = async (queryParams: Record<string, string>) => ((await client.searchForStudies({ queryParams })) as Json[]).length;
      expect(await q({ PatientID: alice.mrn, StudyDate: "20260101-20260331" })).toBe(1);
      expect(await q({ PatientID: alice.mrn, StudyDate: "20260302-" })).toBe(0);
      expect(await q({ PatientID: alice.mrn, StudyDate: "-20260301" })).toBe(1);
      expect(await q({ PatientID: alice.mrn, StudyDate: "20260301" })).toBe(1);
      expect(await q({ "00100020": alice.mrn, ModalitiesInStudy: "MR" })).toBe(0);
      expect(await q({ PatientID: alice.mrn, ModalitiesInStudy: "MR,CT" })).toBe(1);
      expect(await q({ PatientID: "DW-*" })).toBe(1);
      expect(await q({ PatientName: "okafor*" })).toBe(1);
      expect(await q({ PatientID: bob.mrn })).toBe(0);
      const audit = await db.auditEvent.findFirst({ where: { action: "dicomweb.search", patientId: (await db.patient.findUniqueOrThrow({ where: { mrn: alice.mrn } })).id } });
      expect(audit).not.toBeNull();
    });

    it("lists a study's series and a series' instances, with limit and offset", async () => {
      const series = (await client.searchForSeries({ studyInstanceUID: study.study })) as Json[];
      expect(series).toHaveLength(3);
      expect(series.every((s) => v(s, "00080060") === "CT")).toBe(true);
      const page = (await client.searchForSeries({ studyInstanceUID: study.study, queryParams: { limit: "2", offset: "1" } })) as Json[];
      expect(page.map((s) => v(s, "0020000E"))).toEqual(series.slice(1, 3).map((s) => v(s, "0020000E")));
      const instances = (await client.searchForInstances({ studyInstanceUID: study.study, seriesInstanceUID: multi.series })) as Json[];
      expect(instances).toHaveLength(1);
      expect(v(instances[0], "00080018")).toBe(multi.sop);
      expect(v(instances[0], "00280008")).toBe(5);
      expect(v(instances[0], "00080016")).toBe("1.2.840.10008.5.1.4.1.1.2");
    });

    it("an unknown or malformed query key is a 400 naming it", async () => {
      const unknown = await failure(client.searchForStudies({ queryParams: { PatientWeight: "70" } }));
      expect(unknown.status).toBe(400);
      const r = await fetch(`${root()}/studies?StudyDate=2026-03-01&Foo=1`, { headers: headers() });
      expect(r.status).toBe(400);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unknown_query_key");
      expect(body.error.message).toContain("Foo");
      const bad = await fetch(`${root()}/studies?StudyDate=2026-03-01`, { headers: headers() });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/StudyDate/);
      expect((await fetch(`${root()}/studies?limit=0`, { headers: headers() })).status).toBe(400);
      expect((await fetch(`${root()}/studies?fuzzymatching=true`, { headers: headers() })).status).toBe(400);
    });
  });

  describe("WADO-RS", () => {
    it("returns instances byte-identical to what was stored; series and study retrieval; metadata in the DICOM JSON model", async () => {
      const f = study.files[0];
      const got = (await client.retrieveInstance({ studyInstanceUID: study.study, seriesInstanceUID: f.series, sopInstanceUID: f.sop })) as ArrayBuffer;
      expect(Buffer.compare(Buffer.from(got), Buffer.from(f.bytes))).toBe(0);
      const series = (await client.retrieveSeries({ studyInstanceUID: study.study, seriesInstanceUID: f.series })) as ArrayBuffer[];
      expect(series).toHaveLength(3); // two of the study + the race instance
      const meta = (await client.retrieveSeriesMetadata({ studyInstanceUID: study.study, seriesInstanceUID: multi.series })) as Json[];
      expect(meta).toHaveLength(1);
      expect(v(meta[0], "00080018")).toBe(multi.sop);
      expect(v(meta[0], "00280008")).toBe(5);
      expect(v(meta[0], "00280010")).toBe(64);
      expect((meta[0]["00100010"].Value![0] as { Alphabetic: string }).Alphabetic).toBe("Okafor^Adaeze");
      expect(v(meta[0], "00083002")).toBe("1.2.840.10008.1.2.1");
      expect(meta[0]["7FE00010"]).toBeUndefined();
      const studyMeta = (await client.retrieveStudyMetadata({ studyInstanceUID: study.study })) as Json[];
      expect(studyMeta.length).toBe(8);
      const audit = await db.auditEvent.findFirst({ where: { action: "dicomweb.retrieve", entityId: f.sop } });
      expect(audit?.patientId).toBeTruthy();
    });

    it("frames of a multi-frame instance, as stored and as Explicit VR Little Endian", async () => {
      const parsed = parseDicom(multi.bytes);
      const expected = (n: number) => Buffer.from(nativeFrame(parsed, n - 1).bytes);
      const frames = (await client.retrieveInstanceFrames({ studyInstanceUID: study.study, seriesInstanceUID: multi.series, sopInstanceUID: multi.sop, frameNumbers: [2, 5] })) as ArrayBuffer[];
      expect(frames).toHaveLength(2);
      expect(Buffer.compare(Buffer.from(frames[0]), expected(2))).toBe(0);
      expect(Buffer.compare(Buffer.from(frames[1]), expected(5))).toBe(0);
      const asStored = (await client.retrieveInstanceFrames({ studyInstanceUID: study.study, seriesInstanceUID: multi.series, sopInstanceUID: multi.sop, frameNumbers: [3], mediaTypes: [{ mediaType: "application/octet-stream", transferSyntaxUID: "*" }] })) as ArrayBuffer[];
      expect(Buffer.compare(Buffer.from(asStored[0]), expected(3))).toBe(0);
      const missing = await fetch(`${root()}/studies/${study.study}/series/${multi.series}/instances/${multi.sop}/frames/6`, { headers: headers() });
      expect(missing.status).toBe(404);
      const jls = await fetch(`${root()}/studies/${study.study}/series/${multi.series}/instances/${multi.sop}/frames/1`, { headers: { ...headers(), accept: 'multipart/related; type="image/jls"; transfer-syntax=1.2.840.10008.1.2.4.80' } });
      expect(jls.status).toBe(406);
    });

    it("compressed frames: JPEG-LS as stored, or decompressed to the same pixels as the uncompressed twin; colour JPEG uncompressed is 406", async () => {
      const jls = pydicom("MR_small_jpeg_ls_lossless.dcm");
      const rgbJpeg = pydicom("SC_rgb_jpeg_dcmtk.dcm");
      const stored = await fetch(`${root()}/studies`, { method: "POST", headers: { ...headers(), "content-type": 'multipart/related; type="application/dicom"; boundary=c' }, body: stowBody([jls, rgbJpeg], "c") });
      expect(stored.status, await stored.clone().text()).toBe(200);
      const m = parseDicom(jls).metadata;
      const url = `${root()}/studies/${m.studyInstanceUid}/series/${m.seriesInstanceUid}/instances/${m.sopInstanceUid}/frames/1`;
      const raw = (await client.retrieveInstanceFrames({ studyInstanceUID: m.studyInstanceUid!, seriesInstanceUID: m.seriesInstanceUid!, sopInstanceUID: m.sopInstanceUid!, frameNumbers: [1] })) as ArrayBuffer[];
      const twin = parseDicom(pydicom("MR_small.dcm"));
      expect(Buffer.compare(Buffer.from(raw[0]), Buffer.from(nativeFrame(twin, 0).bytes))).toBe(0);
      const asStored = await fetch(url, { headers: { ...headers(), accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' } });
      expect(asStored.status).toBe(200);
      const body = Buffer.from(await asStored.arrayBuffer()).toString("latin1");
      expect(body).toMatch(/Content-Type: image\/jls; transfer-syntax=1\.2\.840\.10008\.1\.2\.4\.80/);
      const c = parseDicom(rgbJpeg).metadata;
      const colour = await fetch(`${root()}/studies/${c.studyInstanceUid}/series/${c.seriesInstanceUid}/instances/${c.sopInstanceUid}/frames/1`, { headers: { ...headers(), accept: 'multipart/related; type="application/octet-stream"' } });
      expect(colour.status).toBe(406);
      const colourStored = await fetch(`${root()}/studies/${c.studyInstanceUid}/series/${c.seriesInstanceUid}/instances/${c.sopInstanceUid}/frames/1`, { headers: { ...headers(), accept: 'multipart/related; type="image/jpeg"' } });
      expect(colourStored.status).toBe(200);
    });

    it("an instance entered in error is not served: 404 by its UID, left out of its series' retrieval and metadata (as QIDO-RS leaves it out)", async () => {
      const eie = ctStudy(bob, "bob-eie", { series: 1, perSeries: 2, studyDate: "2026-03-02" });
      await client.storeInstances({ datasets: eie.files.map((f) => ab(f.bytes)) });
      const [wrong, kept] = eie.files;
      await db.scan.updateMany({ where: { sopInstanceUid: wrong.sop }, data: { enteredInErrorAt: new Date(), enteredInErrorReason: "wrong patient" } });
      const one = await fetch(`${root()}/studies/${eie.study}/series/${wrong.series}/instances/${wrong.sop}`, { headers: { ...headers(), accept: "multipart/related; type=\"application/dicom\"" } });
      expect(one.status).toBe(404);
      expect((await fetch(`${root()}/studies/${eie.study}/series/${wrong.series}/instances/${wrong.sop}/metadata`, { headers: headers() })).status).toBe(404);
      expect((await fetch(`${root()}/studies/${eie.study}/series/${wrong.series}/instances/${wrong.sop}/frames/1`, { headers: headers() })).status).toBe(404);
      const meta = (await (await fetch(`${root()}/studies/${eie.study}/metadata`, { headers: headers() })).json()) as Json[];
      expect(meta.map((m) => v(m, "00080018"))).toEqual([kept.sop]);
      const qido = (await client.searchForInstances({ studyInstanceUID: eie.study, seriesInstanceUID: kept.series })) as Json[];
      expect(qido.map((m) => v(m, "00080018"))).toEqual([kept.sop]);
    });

    it("an instance in another transfer syntax than the stored one is 406; an unknown study 404; a path that is not a UID 400", async () => {
      const f = study.files[0];
      const r = await fetch(`${root()}/studies/${study.study}/series/${f.series}/instances/${f.sop}`, { headers: { ...headers(), accept: 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.90' } });
      expect(r.status).toBe(406);
      expect((await fetch(`${root()}/studies/1.2.3.4.5/metadata`, { headers: headers() })).status).toBe(404);
      expect((await fetch(`${root()}/studies/not-a-uid/metadata`, { headers: headers() })).status).toBe(400);
    });
  });
});
