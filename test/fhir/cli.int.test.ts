// npm run fhir:import on the embedded database: a bundle file is imported — before any worker has
// registered a model, with a note and nothing queued; once one is registered, with a re-assessment
// queued for the workers —, a bad file is refused naming entry and element with nothing written, and
// while another process holds the database the command is refused with the lock message and told
// to import through the server instead.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrate";
import { openPglite, pgliteConnection } from "@/lib/db/sql";
import { createDb } from "@/lib/db/client";
import { conditionResource, patientBundle, patientResource, transaction } from "./fixtures";
import { registerDemoModel } from "./model";

const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
let base: string;
const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, FUSION_DATA_DIR: base, FUSION_FHIR_MRN_SYSTEM: "urn:fusion-cds:mrn" };
  delete e.DATABASE_URL;
  return e;
};
const cli = (file: string) => spawnSync(tsx, ["scripts/fhir-import.ts", file], { encoding: "utf8", env: env(), timeout: 170_000 });

async function query<T>(sql: string): Promise<T[]> {
  const db = await openPglite(join(base, "pglite"));
  try {
    return (await db.query<T>(sql)).rows;
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "fhir-cli-"));
  const db = await openPglite(join(base, "pglite"));
  await migrate(pgliteConnection(db));
  await db.close();
  writeFileSync(join(base, "good.json"), JSON.stringify(patientBundle(1)));
  writeFileSync(join(base, "first.json"), JSON.stringify(transaction([patientResource(3), conditionResource(3, 1)])));
  writeFileSync(join(base, "bad.json"), JSON.stringify(transaction([patientResource(2, { birthDate: "2999-01-01" })])));
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("fhir:import", () => {
  it("before any worker registered a model: imports the file all the same, queues nothing, says so", async () => {
    const r = cli(join(base, "first.json"));
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/imported 1 patients .*: 1 new, 0 changed, 0 unchanged; 0 re-assessments queued; 0 entries not imported/);
    expect(r.stdout).toMatch(/note: 1 changed patient\(s\) were not queued for re-assessment: no risk model is registered yet/);
    expect(await query(`SELECT mrn FROM "Patient"`)).toEqual([{ mrn: "FHIR-00003" }]);
    expect(await query(`SELECT count(*)::int AS n FROM "Assessment"`)).toEqual([{ n: 0 }]);
    // then a worker starts and registers its model (here: as it would, without loading it)
    const h = await createDb({ kind: "embedded", dataDir: join(base, "pglite") });
    try {
      await registerDemoModel(h.prisma);
    } finally {
      await h.close();
    }
  }, 360_000); // each CLI run starts tsx and opens the embedded database: slow on a busy machine

  it("imports a bundle file, queues a re-assessment, audits as the CLI", async () => {
    const r = cli(join(base, "good.json"));
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/imported 1 patients .*: 1 new, 0 changed, 0 unchanged; 1 re-assessments queued/);
    expect(r.stdout).not.toContain("note:");
    expect(await query(`SELECT mrn FROM "Patient" ORDER BY mrn`)).toEqual([{ mrn: "FHIR-00001" }, { mrn: "FHIR-00003" }]);
    expect(await query(`SELECT status, "scanId", "modelName", "modelVersion" FROM "Assessment"`)).toEqual([{ status: "queued", scanId: null, modelName: "fusion-demo", modelVersion: "1.1.0" }]);
    expect(await query(`SELECT username, source FROM "AuditEvent" WHERE action = 'fhir.import' ORDER BY "occurredAt"`)).toEqual([
      { username: "cli:fhir-import", source: "cli" },
      { username: "cli:fhir-import", source: "cli" },
    ]);
  }, 180_000);

  it("refuses a bad file naming entry and element; nothing written", async () => {
    const r = cli(join(base, "bad.json"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Bundle.entry[0].resource.birthDate: cannot be in the future");
    expect(await query(`SELECT count(*)::int AS n FROM "Patient"`)).toEqual([{ n: 2 }]);
  }, 180_000);

  it("while another process holds the embedded database: the lock message, and where to import instead", async () => {
    const holder = spawn(tsx, ["test/support/hold-pglite.ts", join(base, "pglite")], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
    try {
      await new Promise<void>((ok, fail) => {
        let out = "";
        holder.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (/^ready /m.test(out)) ok();
          if (/^refused /m.test(out)) fail(new Error(out));
        });
      });
      const r = cli(join(base, "good.json"));
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^fhir:import: The embedded database .* is in use by another process: PID \d+/);
      expect(r.stderr).toContain("import through it: POST /fhir/R4");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.stdin.write("close\n");
      await new Promise((ok) => holder.on("exit", ok));
    }
  }, 120_000);
});
