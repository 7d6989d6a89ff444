#!/usr/bin/env node
// The server Playwright tests run against: the production build on a fresh embedded database
// (a temp FUSION_DATA_DIR) with a small demo cohort and the demo accounts. Built by scripts/test.mjs.
import { spawnSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { randomBytes } from "node:crypto";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.argv[2] ?? "3100";
const dataDir = mkdtempSync(join(tmpdir(), "fcds-e2e-"));
const env = {
  ...process.env,
  FUSION_DATA_DIR: dataDir,
  FUSION_SEED_PATIENTS: process.env.FUSION_SEED_PATIENTS ?? "60",
  NEXT_TELEMETRY_DISABLED: "1",
  // the server listens on loopback: the demo accounts the specs sign in with are seeded and work
  HOSTNAME: "127.0.0.1",
  // a throwaway pseudonym key for this run (production refuses to export without a configured one)
  FUSION_EXPORT_SECRET: process.env.FUSION_EXPORT_SECRET ?? randomBytes(32).toString("hex"),
  // the automatic re-assessment after a record change waits this long: the specs see "the record
  // changed since this score" for as long as they look, and bring the re-assessment forward
  // themselves; the debounce itself is tested in test/safety/clinical-safety.int.test.ts
  FUSION_REASSESS_DEBOUNCE_SECONDS: process.env.FUSION_REASSESS_DEBOUNCE_SECONDS ?? "120",
};
delete env.DATABASE_URL;
const tsx = join(root, "node_modules", ".bin", "tsx");
// migrate; demo cohort (+ assessed synthetic CTs); the workspace scans (pydicom files in several
// transfer syntaxes, a PNG, an undecodable file), assessed by the served model
for (const script of ["db-migrate.ts", "db-seed.ts", "dev/seed-workspace.ts"]) {
  const r = spawnSync(tsx, [join(root, "scripts", script)], { stdio: "inherit", env, cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync(join(root, ".next", "BUILD_ID"))) {
  console.error("No production build: run `npx next build` first (scripts/test.mjs does).");
  process.exit(1);
}
const child = spawn(process.execPath, [join(root, "scripts", "server.mjs"), "-p", port, "-H", "127.0.0.1"], { stdio: "inherit", env, cwd: root });
const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});
