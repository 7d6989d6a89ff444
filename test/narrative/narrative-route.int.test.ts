// GET /api/assessments/{id}/narrative through its route handler on a real PostgreSQL database: the
// stored assessment (with its headline saliency map) and the registry's outcome labels in words,
// the answer valid against its schema, the read audited; roles and the documented refusals.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AssessmentNarrative } from "@/lib/domain/narrative";
import { readBundleOutcomes } from "@/lib/fusion/outcomes";
import { freshPostgres, type TestEngine } from "../support/engines";
import type * as Fixtures from "../support/auth-fixtures";
import { attribution, storedColumns } from "../support/stored-assessment";
import { demoModelDir, registerDemoModel } from "../fhir/model";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: unknown) => Promise<Response>;
let e: TestEngine;
let db: PrismaClient;
let af: typeof Fixtures;
const cred = {} as Record<"clinician" | "researcher", Fixtures.Cred>;
let clinicianId: string;
let patientId: string;
const ids = { joint: "", queued: "", unreadable: "" };

async function get(id: string, who: "clinician" | "researcher" | null = "clinician", headers?: Record<string, string>) {
  const mod = (await import("@/app/api/assessments/[id]/narrative/route")) as unknown as Record<string, Handler>;
  const res = await mod.GET(af.apiRequest("GET", `/api/assessments/${id}/narrative`, { cred: who ? cred[who] : null, headers }), af.ctx({ id }));
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } & Record<string, unknown> };
}

beforeAll(async () => {
  e = await freshPostgres("narrative_api");
  process.env.DATABASE_URL = e.url;
  db = e.prisma;
  af = await import("../support/auth-fixtures");
  const u = await af.makeUser(db, "clinician", "narrative.clinician");
  clinicianId = u.id;
  cred.clinician = await af.sessionFor(db, u.id);
  cred.researcher = await af.sessionFor(db, (await af.makeUser(db, "researcher", "narrative.researcher")).id);
  await registerDemoModel(db);
  patientId = (await db.patient.create({ data: { mrn: "N17-ROUTE-1", givenName: "Ada", familyName: "Quill", birthDate: new Date("1950-03-04"), sex: "female" } })).id;
  // a 3×3 map whose weight lies in the lower right ninth of the image
  const map = { width: 3, height: 3, data: Buffer.from([0, 0, 0, 0, 10, 0, 0, 0, 250]).toString("base64"), frame: 0, head: "lung_cancer_2y", method: "grad-cam" as const };
  const joint = storedColumns({
    saliency: map,
    contributions: { image: 0.02, history: 0.06 },
    featureAttributions: [attribution("hist.smoking_years", "Smoking duration", 0.03, "41.0 y")],
    scores: { lung_cancer_2y: { probability: 0.14, interval: [0.09, 0.2], category: "high" }, mace_5y: { probability: 0.05, interval: [0.03, 0.08], category: "low" } },
  });
  ids.joint = (await db.assessment.create({ data: { patientId, ...joint, status: "done", completedAt: new Date() } })).id;
  ids.queued = (await db.assessment.create({ data: { patientId, modelName: "fusion-demo", modelVersion: "1.1.0", strategy: "joint", status: "queued" } })).id;
  ids.unreadable = (await db.assessment.create({ data: { patientId, modelName: "fusion-demo", modelVersion: "1.1.0", strategy: "joint", status: "done", scores: { lung_cancer_2y: { probability: 2 } }, flags: [] } })).id;
}, 120_000);

afterAll(async () => {
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await e?.drop();
});

describe("GET /api/assessments/{id}/narrative", () => {
  it("a finished assessment in words: the registry's label, the category's meaning, the saliency zone, model and notice; audited", async () => {
    const r = await get(ids.joint);
    expect(r.status).toBe(200);
    const n = AssessmentNarrative.parse(r.body);
    expect(n.assessmentId).toBe(ids.joint);
    const label = (await readBundleOutcomes(demoModelDir())).find((o) => o.head === "lung_cancer_2y")!.label;
    expect(n.sections[0]).toEqual({
      kind: "outcome",
      head: "lung_cancer_2y",
      text:
        `${label}: estimated risk 14% (uncertainty interval 9.0% to 20%). That is high risk: at or above 10%, where this model's high band begins. ` +
        "The record factors that moved it most from an average record: Smoking duration, 41.0 y (raises it). The image accounted for 25% of what moved this estimate, raising it.",
    });
    expect(n.sections.find((s) => s.kind === "image")!.text).toBe(`The saliency map (Grad-CAM, for ${label}) concentrates in the lower right part of the image as displayed (frame 1), which holds 96% of its weight.`);
    expect(n.text).toMatch(/Research use only — not for diagnosis\./);
    for (const ident of ["N17-ROUTE-1", "Ada", "Quill", "1950"]) expect(n.text).not.toContain(ident);
    const audit = await db.auditEvent.findFirst({ where: { userId: clinicianId, action: "assessment.narrative.read", entityId: ids.joint } });
    expect(audit).toMatchObject({ patientId, outcome: "success", entityType: "Assessment" });
  });

  it("in the user's language: Korean from the browser, then the saved choice over the browser (issue 17 item 3)", async () => {
    const ko = await get(ids.joint, "clinician", { "accept-language": "ko-KR,ko;q=0.9" });
    const n = AssessmentNarrative.parse(ko.body);
    expect(n.lang).toBe("ko");
    expect(n.sections[0].text).toMatch(/^2년 내 폐암 진단: 추정 위험도 14% \(불확실성 구간 9\.0%~20%\)\. 위험도 높음: 이 모델의 높은 위험 구간이 시작되는 10% 이상입니다\./);
    expect(n.sections.find((s) => s.kind === "image")!.text).toBe("살리언시 맵(Grad-CAM, 2년 내 폐암 진단)은 표시된 영상의 오른쪽 아래 부분(프레임 1)에 집중되어 있으며, 전체 가중치의 96%를 차지합니다.");
    expect(n.text).toMatch(/연구용 — 진단용 아님\./);
    await db.user.update({ where: { id: clinicianId }, data: { locale: "en" } });
    try {
      expect(AssessmentNarrative.parse((await get(ids.joint, "clinician", { "accept-language": "ko-KR" })).body).lang).toBe("en");
    } finally {
      await db.user.update({ where: { id: clinicianId }, data: { locale: null } });
    }
  });

  it("refusals: not finished 409, unreadable 409, unknown 404, not a UUID 400, no session 401, a researcher 403", async () => {
    const code = async (id: string, who?: "researcher" | null) => {
      const r = await get(id, who === undefined ? "clinician" : who);
      return [r.status, r.body.error?.code];
    };
    expect(await code(ids.queued)).toEqual([409, "assessment_not_done"]);
    expect(await code(ids.unreadable)).toEqual([409, "assessment_unreadable"]);
    expect(await code(randomUUID())).toEqual([404, "not_found"]);
    expect((await code("not-a-uuid"))[0]).toBe(400);
    expect((await code(ids.joint, null))[0]).toBe(401);
    expect((await code(ids.joint, "researcher"))[0]).toBe(403);
  });
});
