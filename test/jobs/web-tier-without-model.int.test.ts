// Issue 11 item 4: the web tier does not load the model. With FUSION_INPROCESS_WORKER=0 and a
// broken model bundle for this (web) process, TensorFlow.js cannot load here; uploads and
// re-assessments still answer 201/202 and queue for the registry's active model, and a separate
// worker process (scripts/worker.ts, its own valid model) completes them. /api/health reports the
// model from the registry and the workers' heartbeats.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freshPostgres, engines, type TestEngine } from "../support/engines";
import { uploadRequest } from "../support/multipart";
import { makeUser, sessionFor, ORIGIN, apiRequest, ctx, type Cred } from "../support/auth-fixtures";
import { seedPatients } from "@/lib/db/seed-cohort";
import { generatePatient, renderScan, scanToDicom } from "@/models/fusion/cohort";
import type { Actor } from "@/lib/auth/actor";

vi.mock("server-only", () => ({}));

const root = process.cwd();
const servedModelDir = path.join(root, "models", "fusion-demo", readFileSync(path.join(root, "models", "fusion-demo", "ACTIVE"), "utf8").trim());
const broken = mkdtempSync(path.join(tmpdir(), "fcds-broken-model-"));
writeFileSync(path.join(broken, "inference.json"), "{ this is not a model bundle");
writeFileSync(path.join(broken, "model.json"), "{}");
process.env.FUSION_MODEL_DIR = broken; // what this (web) process would load — and cannot
process.env.FUSION_INPROCESS_WORKER = "0";

const cohort = [generatePatient(23, 0), generatePatient(23, 1)];
const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };

async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 60_000, what = "condition"): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function counts(db: TestEngine["prisma"]) {
  const [scans, assessments, jobs] = await Promise.all([
    db.scan.count(),
    db.assessment.count(),
    db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'assessment'`).then((r) => r[0]?.n ?? 0).catch(() => 0),
  ]);
  return { scans, assessments, jobs };
}

afterAll(() => rmSync(broken, { recursive: true, force: true }));

describe("the upload and re-assessment routes never reach TensorFlow.js", () => {
  // static import graph (dynamic `await import()` excluded: that is how the in-process worker is loaded on its own)
  function graph(entry: string): string[] {
    const seen = new Set<string>();
    const ext = ["", ".ts", ".tsx", "/index.ts"];
    const resolve = (from: string, spec: string): string | null => {
      const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
      if (!base) return null;
      for (const e of ext) if (existsSync(base + e) && (base + e).match(/\.tsx?$/)) return base + e;
      return null;
    };
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, "utf8");
      for (const m of src.matchAll(/^\s*(?:import|export)\s(?!type\b)[^;]*?\sfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith("@tensorflow/")) seen.add(`${path.relative(root, file)} → ${spec}`);
        const r = resolve(file, spec);
        if (r) visit(r);
      }
    };
    visit(path.join(root, entry));
    return [...seen].map((f) => (path.isAbsolute(f) ? path.relative(root, f) : f));
  }
  it.each(["app/api/patients/[id]/scans/route.ts", "app/api/patients/[id]/assessments/route.ts", "app/api/health/route.ts"])("%s", (entry) => {
    const reached = graph(entry);
    expect(reached.length).toBeGreaterThan(5);
    expect(reached.filter((f) => f.startsWith("lib/fusion/") || f.includes("@tensorflow/") || f === "lib/jobs/fusion-assessor.ts")).toEqual([]);
  });
});

describe("web tier with FUSION_INPROCESS_WORKER=0 and no loadable model, a separate worker process (PostgreSQL)", () => {
  let e: TestEngine;
  let cred: Cred;
  let patientId: string;
  let worker: ChildProcess | null = null;
  let workerLog = "";
  let POST: typeof import("@/app/api/patients/[id]/scans/route").POST;
  let REASSESS: typeof import("@/app/api/patients/[id]/assessments/route").POST;
  let HEALTH: typeof import("@/app/api/health/route").GET;
  const headers = () => ({ cookie: cred.cookie, "x-csrf-token": cred.csrf, origin: ORIGIN, host: "localhost:3000" });
  const upload = (bytes: Uint8Array) =>
    POST(uploadRequest(`${ORIGIN}/api/patients/${patientId}/scans`, { bytes, name: "ct.dcm" }, {}, headers()), { params: Promise.resolve({ id: patientId }) });
  const health = async () => (await HEALTH(new Request(`${ORIGIN}/api/health`, { headers: { host: "localhost:3000" } }), ctx({}))).json();

  beforeAll(async () => {
    e = await freshPostgres("web_tier");
    process.env.DATABASE_URL = e.url;
    await seedPatients(e.prisma, cohort);
    patientId = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: cohort[0].patient.mrn } })).id;
    cred = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    ({ POST } = await import("@/app/api/patients/[id]/scans/route"));
    ({ POST: REASSESS } = await import("@/app/api/patients/[id]/assessments/route"));
    ({ GET: HEALTH } = await import("@/app/api/health/route"));
  }, 120_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once("exit", r));
      worker.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (worker.exitCode === null) worker.kill("SIGKILL");
    }
    const { stopJobRuntime } = await import("@/lib/jobs/runtime");
    await stopJobRuntime();
    const { getDb } = await import("@/lib/db/client");
    await (await getDb()).close();
    await e?.drop();
  });

  it("premise: the model cannot be loaded in this process", async () => {
    const { loadFusionAssessor } = await import("@/lib/jobs/fusion-assessor");
    await expect(loadFusionAssessor()).rejects.toThrow();
  });

  it("before any worker registered a model: 503 model_unavailable, nothing stored, nothing queued", async () => {
    const before = await counts(e.prisma);
    const res = await upload(scanToDicom(cohort[0], renderScan(cohort[0], { size: 64 })));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(body.error.code).toBe("model_unavailable");
    expect(body.error.message).toMatch(/worker/);
    expect(await counts(e.prisma)).toEqual(before);
    const h = await health();
    expect(h.model).toEqual({ backend: null, active: null });
    expect(h.workers).toEqual({ alive: 0 });
  });

  it("an upload answers 201 with its assessment queued; the worker process completes it; health reports the model", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: e.url };
    delete env.FUSION_MODEL_DIR; // the worker has the real model
    worker = spawn(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "scripts", "worker.ts"), "--poll-ms", "200"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    worker.stdout!.on("data", (d) => (workerLog += d));
    worker.stderr!.on("data", (d) => (workerLog += d));
    const active = await until(
      async () => (worker!.exitCode !== null ? Promise.reject(new Error(`worker exited: ${workerLog}`)) : e.prisma.modelVersion.findFirst({ where: { active: true } })),
      120_000,
      "the worker to register its model",
    );
    await until(() => e.prisma.workerHeartbeat.findFirst(), 30_000, "a heartbeat");

    const res = await upload(scanToDicom(cohort[0], renderScan(cohort[0], { size: 96 })));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.assessment).toMatchObject({ status: "queued", modelName: active.name, modelVersion: active.version });
    const job = await e.prisma.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text FROM pgboss.job WHERE name = 'assessment' AND id = $1::uuid`, body.assessment.id);
    expect(job).toHaveLength(1);

    const done = await until(async () => {
      const a = await e.prisma.assessment.findUniqueOrThrow({ where: { id: body.assessment.id } });
      return (a.status === "done" || a.status === "failed") && a;
    }, 60_000, `assessment ${body.assessment.id}; worker log:\n${workerLog}`);
    expect(done.status, done.error ?? "").toBe("done");
    expect(done).toMatchObject({ modelName: active.name, modelVersion: active.version, strategy: "joint" });
    expect(Object.keys(done.scores as object).length).toBeGreaterThanOrEqual(2);

    const re = await REASSESS(apiRequest("POST", `/api/patients/${patientId}/assessments`, { cred, body: {} }), ctx({ id: patientId }));
    expect(re.status).toBe(202);
    const reId = (await re.json()).assessment.id as string;
    const reDone = await until(async () => {
      const a = await e.prisma.assessment.findUniqueOrThrow({ where: { id: reId } });
      return a.status === "done" && a;
    }, 60_000, "the re-assessment");
    expect(reDone.strategy).toBe("tabular_only");

    const h = await health();
    expect(h.model.active).toBe(`${active.name}@${active.version}`);
    expect(["wasm", "tensorflow", "cpu"]).toContain(h.model.backend);
    expect(h.workers.alive).toBe(1);
  }, 240_000);
});

describe.each(engines)("upload use case without a model in the web tier, worker class in-test, on %s", (_name, open) => {
  let e: TestEngine;
  let actor: Actor;
  let patientId: string;
  let q: import("@/lib/jobs/queue").AssessmentQueue;
  let stopWorker: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    e = await open();
    const { AssessmentQueue } = await import("@/lib/jobs/queue");
    q = await AssessmentQueue.open(e, { retryLimit: 1, retryDelay: 1 });
    await seedPatients(e.prisma, [cohort[1]]);
    patientId = (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: cohort[1].patient.mrn } })).id;
    const u = await makeUser(e.prisma, "clinician");
    actor = { userId: u.id, username: u.username, displayName: "C", role: "clinician", sessionId: "s", csrfToken: "c" };
  }, 120_000);
  afterAll(async () => {
    await stopWorker?.();
    await q?.stop();
    await e?.drop();
  });

  it("queues for the registry's active model and the worker stamps the model it ran; health sees the heartbeat", async () => {
    const { uploadScan } = await import("@/lib/ingest/upload-scan");
    const { startAssessmentWorker } = await import("@/lib/jobs/start-worker");
    const { modelStatus } = await import("@/lib/db/health");
    const bytes = scanToDicom(cohort[1], renderScan(cohort[1], { size: 80 }));
    const { scanStoreFor } = await import("@/lib/db/scan-store");
    const args = { patientId, file: await scanStoreFor(e.prisma).stage(bytes), filename: "ct.dcm", fields: {}, actor, request };
    await expect(uploadScan(e.prisma, q, args)).rejects.toMatchObject({ status: 503, code: "model_unavailable" });
    expect(await e.prisma.scan.count()).toBe(0);

    const rw = await startAssessmentWorker(e.prisma, q, { source: "worker", modelDir: servedModelDir, pollMs: 100 });
    stopWorker = () => rw.stop();
    const r = await uploadScan(e.prisma, q, args);
    expect(r.created).toBe(true);
    expect(r.assessment).toMatchObject({ status: "queued", modelName: rw.assessor.model.name, modelVersion: rw.assessor.model.version });
    const done = await until(async () => {
      const a = await e.prisma.assessment.findUniqueOrThrow({ where: { id: r.assessment!.id } });
      return a.status === "done" && a;
    });
    expect(done.modelVersion).toBe(rw.assessor.model.version);
    expect(await modelStatus(e.prisma)).toEqual({
      model: { active: `${rw.assessor.model.name}@${rw.assessor.model.version}`, backend: rw.assessor.model.backend },
      workers: { alive: 1 },
    });
    await rw.stop();
    stopWorker = null;
    expect(await modelStatus(e.prisma)).toEqual({ model: { active: `${rw.assessor.model.name}@${rw.assessor.model.version}`, backend: null }, workers: { alive: 0 } });
  }, 120_000);
});
