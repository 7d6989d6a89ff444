// Issue 16 item 1: saved measurements of the viewer's reading tools, through the real route
// handlers on PostgreSQL and on the embedded database — create, list (another clinician sees it),
// validation answers that name the field, author-only delete (soft), entered-in-error scans, audit
// rows for every read and write, CSRF and roles.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";
import { generatePatient } from "@/models/fusion/cohort";
import { seedPatients } from "@/lib/db/seed-cohort";
import { MeasurementList, MeasurementView } from "@/lib/domain/measurement";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;

const length = {
  toolType: "length",
  frameIndex: 0,
  sopInstanceUid: "1.2.840.1.2.3",
  geometry: { points: [[-10, 5, 0], [20, 45, 0]], viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0] },
  stats: { length: 50, unit: "mm" },
};
const roi = {
  toolType: "ellipticalRoi",
  frameIndex: 1,
  geometry: { points: [[0, 10, 0], [0, -10, 0], [-10, 0, 0], [10, 0, 0]] },
  stats: { mean: 42.5, stdDev: 7.25, min: 12, max: 80, area: 314.16, unit: "HU", areaUnit: "mm²" },
  label: "liver",
};

describe.each(engines)("saved measurements API (%s)", (_name, open) => {
  let e: TestEngine;
  let alice: Cred, bob: Cred, researcher: Cred;
  let aliceId: string;
  let scanId: string, eieScanId: string, patientId: string;
  const h = {} as Record<string, Handler>;
  const list = (cred: Cred, id = scanId) => h.list(apiRequest("GET", `/api/scans/${id}/measurements`, { cred }), ctx({ id }) as never);
  const create = (cred: Cred, body: unknown, id = scanId) => h.create(apiRequest("POST", `/api/scans/${id}/measurements`, { cred, body }), ctx({ id }) as never);
  const del = (cred: Cred, mid: string, id = scanId) => h.del(apiRequest("DELETE", `/api/scans/${id}/measurements/${mid}`, { cred }), ctx({ id, mid }) as never);
  const audits = (action: string) => e.prisma.auditEvent.findMany({ where: { action }, orderBy: { id: "asc" } });

  beforeAll(async () => {
    e = await open();
    bindAppDb(e);
    const p = generatePatient(16, 0);
    await seedPatients(e.prisma, [p]);
    patientId = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: p.patient.mrn } })).id;
    const scan = (sha: string, extra = {}) =>
      e.prisma.scan.create({ data: { patientId, modality: "CT", rows: 64, columns: 64, frames: 3, contentType: "application/dicom", byteSize: 1, sha256: sha, storageKey: sha, ...extra } });
    scanId = (await scan("a".repeat(64))).id;
    eieScanId = (await scan("b".repeat(64), { enteredInErrorAt: new Date(), enteredInErrorReason: "wrong patient" })).id;
    const a = await makeUser(e.prisma, "clinician");
    aliceId = a.id;
    alice = await sessionFor(e.prisma, a.id);
    bob = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    researcher = await sessionFor(e.prisma, (await makeUser(e.prisma, "researcher")).id);
    h.list = (await import("@/app/api/scans/[id]/measurements/route")).GET as Handler;
    h.create = (await import("@/app/api/scans/[id]/measurements/route")).POST as Handler;
    h.del = (await import("@/app/api/scans/[id]/measurements/[mid]/route")).DELETE as Handler;
  }, 120_000);

  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  let lengthId: string;
  let roiId: string;

  it("a clinician saves a length and an ROI: 201 with author, time and the stats as sent; audited with the patient", async () => {
    const r1 = await create(alice, length);
    const b1 = await r1.json();
    expect(r1.status, JSON.stringify(b1)).toBe(201);
    const m = MeasurementView.parse(b1);
    expect(m).toMatchObject({ scanId, toolType: "length", frameIndex: 0, sopInstanceUid: length.sopInstanceUid, stats: { length: 50, unit: "mm" }, mine: true, label: null });
    expect(m.geometry.points).toEqual(length.geometry.points);
    expect(m.author.id).toBe(aliceId);
    expect(r1.headers.get("location")).toBe(`/api/scans/${scanId}/measurements/${m.id}`);
    lengthId = m.id;
    const r2 = await create(alice, roi);
    expect(r2.status).toBe(201);
    roiId = (await r2.json()).id;
    const rows = await audits("measurement.create");
    expect(rows.map((r) => r.entityId)).toEqual([lengthId, roiId]);
    expect(rows[0]).toMatchObject({ userId: aliceId, patientId, entityType: "Measurement", outcome: "success" });
    expect(rows[0].details).toMatchObject({ scanId, toolType: "length", frameIndex: 0 });
  });

  it("another clinician lists them (oldest first, not theirs to delete); the read is audited", async () => {
    const r = await list(bob);
    expect(r.status).toBe(200);
    const body = MeasurementList.parse(await r.json());
    expect(body.items.map((m) => m.id)).toEqual([lengthId, roiId]);
    expect(body.items.every((m) => !m.mine)).toBe(true);
    expect(body.items[1]).toMatchObject({ toolType: "ellipticalRoi", label: "liver", stats: roi.stats, frameIndex: 1 });
    const reads = await audits("measurement.list");
    expect(reads.at(-1)).toMatchObject({ entityType: "Scan", entityId: scanId, patientId, outcome: "success" });
    expect(reads.at(-1)!.details).toMatchObject({ count: 2 });
  });

  it("bad bodies are 400 validation_failed naming the field; nothing is stored", async () => {
    const before = await e.prisma.measurement.count();
    const cases: [unknown, string][] = [
      [{ ...length, geometry: { points: [[0, 0, 0]] } }, "geometry.points"],
      [{ ...length, stats: { length: -1, unit: "mm" } }, "stats.length"],
      [{ ...length, toolType: "freehand" }, "toolType"],
      [{ ...length, frameIndex: 1.5 }, "frameIndex"],
      [{ ...length, geometry: { points: [[0, 0, "x"], [1, 1, 1]] } }, "geometry.points.0.2"],
      [{ ...length, extra: true }, "extra"],
      [{ ...roi, stats: { mean: 1 } }, "stats.stdDev"],
    ];
    for (const [body, path] of cases) {
      const r = await create(alice, body);
      const b = await r.json();
      expect(r.status, JSON.stringify(b)).toBe(400);
      expect(b.error.code).toBe("validation_failed");
      expect(b.error.message).toMatch(/measurement/);
      expect(b.error.details.issues.map((i: { path: string }) => i.path), JSON.stringify(b)).toContain(path);
    }
    const noJson = await h.create(new Request(`http://localhost:3000/api/scans/${scanId}/measurements`, { method: "POST", headers: { cookie: alice.cookie, "x-csrf-token": alice.csrf, origin: "http://localhost:3000", host: "localhost:3000", "content-type": "text/plain" }, body: "x" }), ctx({ id: scanId }) as never);
    expect(noJson.status).toBe(415);
    const frame = await create(alice, { ...length, frameIndex: 3 });
    expect(frame.status).toBe(409);
    expect((await frame.json()).error.code).toBe("frame_out_of_range");
    expect(await e.prisma.measurement.count()).toBe(before);
  });

  it("unknown scans are 404, bad ids 400; the researcher role and a missing CSRF token are refused", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await list(alice, missing)).status).toBe(404);
    expect((await create(alice, length, missing)).status).toBe(404);
    expect((await list(alice, "not-a-uuid")).status).toBe(400);
    expect((await list(researcher)).status).toBe(403);
    expect((await create(researcher, length)).status).toBe(403);
    const noCsrf = await h.create(apiRequest("POST", `/api/scans/${scanId}/measurements`, { cred: { ...alice, csrf: "wrong" }, body: length }), ctx({ id: scanId }) as never);
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).error.code).toBe("csrf_failed");
  });

  it("a scan entered in error takes no new measurement (409) but its list is still readable", async () => {
    const r = await create(alice, length, eieScanId);
    expect(r.status).toBe(409);
    expect((await r.json()).error.code).toBe("scan_entered_in_error");
    expect((await list(alice, eieScanId)).status).toBe(200);
  });

  it("only the author deletes: 403 for another clinician, then a soft delete by the author, audited; gone from the list", async () => {
    const refused = await del(bob, lengthId);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(/Only the clinician who drew/);
    expect((await e.prisma.measurement.findUniqueOrThrow({ where: { id: lengthId } })).deletedAt).toBeNull();

    const ok = await del(alice, lengthId);
    const body = await ok.json();
    expect(ok.status, JSON.stringify(body)).toBe(200);
    expect(body.id).toBe(lengthId);
    const row = await e.prisma.measurement.findUniqueOrThrow({ where: { id: lengthId } });
    expect(row.deletedAt).not.toBeNull();
    expect(row.deletedById).toBe(aliceId);
    const d = await audits("measurement.delete");
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ userId: aliceId, entityId: lengthId, patientId });

    const after = MeasurementList.parse(await (await list(bob)).json());
    expect(after.items.map((m) => m.id)).toEqual([roiId]);
    expect((await del(alice, lengthId)).status).toBe(404); // already deleted
    expect((await del(alice, roiId, eieScanId)).status).toBe(404); // not that scan's
  });
});
