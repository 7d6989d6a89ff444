#!/usr/bin/env node
// npm test — the whole suite, starting what it needs:
//   1. services: local PostgreSQL running, Debian Chromium, pydicom's DICOM files (scripts/ensure-test-services.sh)
//   2. vitest: unit tests and integration tests (real PostgreSQL and embedded PGlite)
//   3. next build, then Playwright in Chromium against the production server on a fresh embedded database
// Prints one closing line: "N passed, N failed". Options: --unit (skip e2e), --e2e (skip vitest).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (n) => join(root, "node_modules", ".bin", n);
const args = new Set(process.argv.slice(2));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const results = join(root, "test-results");
mkdirSync(results, { recursive: true });

function step(label, cmd, argv, opts = {}) {
  console.log(`\n── ${label} ──`);
  const t = performance.now();
  const r = spawnSync(cmd, argv, { stdio: "inherit", env, cwd: root, ...opts });
  console.log(`── ${label}: exit ${r.status} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return r.status ?? 1;
}

let passed = 0;
let failed = 0;
let skipped = 0;
let hardFailure = false;

if (step("services", "bash", [join(root, "scripts", "ensure-test-services.sh")]) !== 0) {
  console.error("Test services could not be prepared (see above).");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

if (!args.has("--e2e")) {
  const out = join(results, "vitest.json");
  rmSync(out, { force: true });
  const code = step("vitest (unit + integration)", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, "utf8"));
    passed += j.numPassedTests;
    failed += j.numFailedTests;
    skipped += j.numPendingTests + (j.numTodoTests ?? 0);
    if (code !== 0 && j.numFailedTests === 0) hardFailure = true; // e.g. a suite that failed to load
  } else if (code !== 0) hardFailure = true;
}

if (!args.has("--unit")) {
  if (step("next build", bin("next"), ["build", "--webpack"]) !== 0) hardFailure = true;
  else {
    const out = join(results, "e2e-report.json");
    rmSync(out, { force: true });
    const code = step("playwright (Chromium)", bin("playwright"), ["test"]);
    if (existsSync(out)) {
      const s = JSON.parse(readFileSync(out, "utf8")).stats;
      passed += s.expected + (s.flaky ?? 0);
      failed += s.unexpected;
      skipped += s.skipped;
      if (code !== 0 && s.unexpected === 0) hardFailure = true;
    } else if (code !== 0) hardFailure = true;
  }
}

if (hardFailure && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || hardFailure ? 1 : 0);
