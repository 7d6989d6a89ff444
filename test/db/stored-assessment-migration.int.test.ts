// Rows written before the stored-assessment schema, on both engines: a database migrated up to
// just before 20261202120000_stored_assessment gets rows in every shape the worker has written
// (git history: the first fusion engine, model 1.0.0, 1.1.0 before and after the image check) and
// a registry row of that time; after the migration every worker row reads through the schema, the
// registry row has its outcomes from its card, and a row no worker wrote is reported, not guessed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { openPglite, pgConnection, pgliteConnection, type SqlConnection } from "@/lib/db/sql";
import { getAssessment, listAssessments } from "@/lib/db/assessments";
import { getPatientRecord } from "@/lib/db/patients";
import { modelOutcomes } from "@/lib/db/model-registry";
import { StoredAssessment } from "@/lib/domain/assessment";
import { createTestDatabase } from "../support/pg-database";

const MIGRATION = "20261202120000_stored_assessment";
const before = readMigrations().filter((m) => m.name < MIGRATION);

type Opened = { conn: SqlConnection; prisma: () => Promise<PrismaClient>; drop(): Promise<void> };
const openers: [string, () => Promise<Opened>][] = [
  [
    "postgres",
    async () => {
      const db = await createTestDatabase("stored_migration", { migrate: false });
      const conn = await pgConnection(db.url);
      let prisma: PrismaClient | null = null;
      return {
        conn,
        prisma: async () => (prisma ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 2 }) })),
        async drop() {
          await prisma?.$disconnect();
          await conn.close();
          await db.drop();
        },
      };
    },
  ],
  [
    "pglite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "fcds-stored-"));
      const pglite = await openPglite(join(dir, "pglite"));
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      let prisma: PrismaClient | null = null;
      return {
        conn: pgliteConnection(pglite),
        prisma: async () => (prisma ??= new PrismaClient({ adapter: new PrismaPGlite(pglite) })),
        async drop() {
          await prisma?.$disconnect();
          if (!pglite.closed) await pglite.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

const sal = (head: string) => ({ width: 2, height: 2, data: Buffer.from([0, 64, 128, 255]).toString("base64"), frame: 0, head, method: "grad-cam" });
const scores = { lung_cancer_2y: { probability: 0.31, interval: [0.22, 0.4], category: "high" }, mace_5y: { probability: 0.06, interval: [0.04, 0.09], category: "low" } };
const contrib = (image: number) => ({ image, history: 0.05, family: -0.01, diet: 0.002 });
const attr = [{ feature: "hist.smoking_years", label: "Smoking duration (decades) — Lung cancer diagnosis within 2 years", value: "4.1", contribution: 0.08, direction: "raises" }];
const provenance = { path: "joint", intervalMethod: "MC dropout (32 passes, rate 0.2) over the fusion layer", backend: "wasm", headLabels: { lung_cancer_2y: "L", mace_5y: "M" } };
const embeddings = { image: [0.1, 0.2], tabular: [0.3], fused: [0.4, 0.5] };
const timings = { load: 3.1, decode: 0, encode: 0.4, forward: 1.2, total: 9.9 };

/** model 1.0.0 and 1.1.0 before the image check (f547b9f … bd93915): no imageCheck */
const beforeImageCheck = {
  modalityContributions: contrib(0.1), modalityContributionsHead: "lung_cancer_2y", modalityContributionsByHead: { lung_cancer_2y: contrib(0.1), mace_5y: contrib(0.02) },
  baselineProbability: { lung_cancer_2y: 0.05, mace_5y: 0.04 }, featureAttributions: attr, featureAttributionsByHead: { lung_cancer_2y: attr, mace_5y: [] },
  saliency: sal("lung_cancer_2y"), saliencyByHead: { lung_cancer_2y: sal("lung_cancer_2y"), mace_5y: sal("mace_5y") }, ...provenance,
};
/** the first fusion engine (508a735): every head's contributions in modalityContributions */
const firstEngine = { ...beforeImageCheck, modalityContributions: beforeImageCheck.modalityContributionsByHead, modalityContributionsByHead: undefined };
/** 1.1.0 record-only path before the image check */
const recordOnly = { ...beforeImageCheck, modalityContributions: contrib(0), modalityContributionsByHead: { lung_cancer_2y: contrib(0), mace_5y: contrib(0) }, saliency: null, saliencyByHead: undefined, path: "tabular_only" };
/** 1.1.0 after the image check (bd93915 …) */
const current = { ...beforeImageCheck, imageCheck: { method: "mahalanobis", layer: "img_pool", distance: 3.2, threshold: 10.4, inDistribution: true } };

const card = {
  name: "fusion-demo", version: "1.1.0",
  heads: [
    { name: "lung_cancer_2y", label: "Lung outcome as the 1.1.0 card words it", categories: { moderateFrom: 0.03, highFrom: 0.1 } },
    { name: "mace_5y", label: "Cardiac outcome as the 1.1.0 card words it", categories: { moderateFrom: 0.075, highFrom: 0.2 } },
  ],
};

describe.each(openers)("assessments stored before the schema, on %s", (_name, open) => {
  let o: Opened;
  let db: PrismaClient;
  const patientId = randomUUID();
  const ids = { first: randomUUID(), before: randomUUID(), recordOnly: randomUUID(), current: randomUUID(), junk: randomUUID(), queued: randomUUID() };

  beforeAll(async () => {
    o = await open();
    await migrate(o.conn, before);
    const q = (sql: string, params: unknown[] = []) => o.conn.query(sql, params);
    await q(`INSERT INTO "Patient" (id, mrn, "givenName", "familyName", "birthDate", sex, "updatedAt") VALUES ($1, 'OLD-1', 'Ada', 'Old', '1950-01-01', 'female', now())`, [patientId]);
    const row = (id: string, version: string, strategy: string, explanation: unknown, at: string, status = "done") =>
      q(
        `INSERT INTO "Assessment" (id, "patientId", "modelName", "modelVersion", strategy, status, scores, embeddings, explanation, timings, flags, "createdAt", "completedAt")
         VALUES ($1, $2, 'fusion-demo', $3, $4::"FusionStrategy", $5::"AssessmentStatus", $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::text[], $11::timestamptz, $11::timestamptz)`,
        [id, patientId, version, strategy, status, status === "done" ? JSON.stringify(scores) : null, status === "done" ? JSON.stringify(strategy === "tabular_only" ? { ...embeddings, image: null, fused: null } : embeddings) : null, explanation === null ? null : JSON.stringify(explanation), status === "done" ? JSON.stringify(timings) : null, strategy === "tabular_only" ? ["no_image", "no_image_tabular_path"] : [], at],
      );
    await row(ids.first, "1.0.0", "joint", firstEngine, "2026-11-28T02:20:00Z");
    await row(ids.before, "1.0.0", "joint", beforeImageCheck, "2026-11-28T03:00:00Z");
    await row(ids.recordOnly, "1.1.0", "tabular_only", recordOnly, "2026-11-29T10:00:00Z");
    await row(ids.current, "1.1.0", "joint", current, "2026-11-30T10:00:00Z");
    await row(ids.junk, "1.1.0", "joint", { note: "written by hand" }, "2026-11-30T11:00:00Z");
    await row(ids.queued, "1.1.0", "joint", null, "2026-11-30T12:00:00Z", "queued");
    await q(`INSERT INTO "ModelVersion" (id, name, version, strategy, heads, "inputSpec", card, metrics, active) VALUES ($1, 'fusion-demo', '1.1.0', 'joint', $2::text[], '{}', $3::jsonb, '{}', true)`, [
      randomUUID(), ["lung_cancer_2y", "mace_5y"], JSON.stringify(card),
    ]);
    // this migration, then any later ones (they touch other tables)
    expect((await migrate(o.conn)).applied).toEqual(readMigrations().filter((m) => m.name >= MIGRATION).map((m) => m.name));
    db = await o.prisma();
  }, 120_000);
  afterAll(async () => {
    await o?.drop();
  });

  it("every row a worker wrote parses with StoredAssessment after the migration", async () => {
    for (const id of [ids.first, ids.before, ids.recordOnly, ids.current]) {
      const r = await db.assessment.findUniqueOrThrow({ where: { id } });
      const parsed = StoredAssessment.safeParse(Object.fromEntries(StoredAssessment.keyof().options.map((k) => [k, r[k]])));
      expect(parsed.error?.issues ?? [], id).toEqual([]);
    }
  });

  it("the migration only filled in what was missing", async () => {
    const get = async (id: string) => (await db.assessment.findUniqueOrThrow({ where: { id } })).explanation as Record<string, unknown>;
    const first = await get(ids.first);
    expect(first.modalityContributions).toEqual(contrib(0.1));
    expect(first.modalityContributionsByHead).toEqual(beforeImageCheck.modalityContributionsByHead);
    expect(first.imageCheck).toBeNull();
    expect(await get(ids.before)).toEqual({ ...beforeImageCheck, imageCheck: null });
    expect(await get(ids.current)).toEqual(current);
    expect(await get(ids.junk)).toEqual({ note: "written by hand" });
  });

  it("the registry row gets its outcomes from the card it stored", async () => {
    const m = (await modelOutcomes(db, [{ modelName: "fusion-demo", modelVersion: "1.1.0" }])).get("fusion-demo@1.1.0")!;
    expect([...m.values()]).toEqual([
      { head: "lung_cancer_2y", label: card.heads[0].label, shortLabel: card.heads[0].label, categories: { moderateFrom: 0.03, highFrom: 0.1 } },
      { head: "mace_5y", label: card.heads[1].label, shortLabel: card.heads[1].label, categories: { moderateFrom: 0.075, highFrom: 0.2 } },
    ]);
  });

  it("the workspace reads them: labels from the registry, head ids where the version is not registered, the junk row reported", async () => {
    const list = await listAssessments(db, patientId);
    const by = Object.fromEntries(list.map((a) => [a.id, a]));
    for (const id of [ids.first, ids.before, ids.recordOnly, ids.current]) expect(by[id].resultError, id).toBeNull();
    expect(by[ids.current].scores.map((s) => [s.head, s.label])).toEqual([["lung_cancer_2y", card.heads[0].label], ["mace_5y", card.heads[1].label]]);
    expect(by[ids.before].scores.map((s) => s.label)).toEqual(["lung_cancer_2y", "mace_5y"]); // 1.0.0 was never registered
    expect(by[ids.first].modalityContributions.map((m) => m.modality)).toEqual(["image", "history", "family", "diet"]);
    expect(by[ids.recordOnly].modalityContributions.map((m) => m.modality)).toEqual(["history", "family", "diet"]);
    expect(by[ids.current].imageCheck).toEqual({ distance: 3.2, threshold: 10.4, inDistribution: true });
    expect(by[ids.junk]).toMatchObject({ status: "done", scores: [], notices: [] });
    expect(by[ids.junk].resultError).toMatch(/^The stored result does not match the assessment schema: explanation\./);
    expect(by[ids.queued]).toMatchObject({ status: "queued", resultError: null, scores: [] });
    const detail = await getAssessment(db, ids.first);
    // the headline map names its outcome (1.0.0 is not registered: its head ids) and every outcome's map comes with it
    const map = (head: string) => ({ width: 2, height: 2, data: sal(head).data, frame: 0, head, label: head, shortLabel: head });
    expect(detail.saliency).toEqual({ ...map("lung_cancer_2y"), byOutcome: [map("lung_cancer_2y"), map("mace_5y")] });
    expect((await getAssessment(db, ids.junk)).resultError).toMatch(/does not match/);
  });

  it("the record's assessment summaries carry the stored scores", async () => {
    const r = await getPatientRecord(db, patientId);
    const by = Object.fromEntries(r.assessments.map((a) => [a.id, a]));
    expect(by[ids.current].scores).toEqual(scores);
    expect(by[ids.queued]).toMatchObject({ scores: null, resultError: null });
  });
});
