#!/usr/bin/env node
// npm test — the whole suite, starting what it needs:
//   1. services: local PostgreSQL running, Debian Chromium, pydicom's DICOM files (scripts/ensure-test-services.sh)
//   2. vitest: unit tests and integration tests (real PostgreSQL and embedded PGlite)
//   3. the same vitest suite again under Node.js 24 LTS (scripts/node24.sh fetches the official binary
//      from the npm registry when the machine has none); skipped with --no-node24 or FUSION_TEST_NODE24=0
//   4. next build, then Playwright in Chromium against the production server on a fresh embedded database
// ESLint runs first: a lint error fails the run. Prints one closing line: "N passed, N failed".
// Options: --unit (skip e2e), --e2e (skip vitest and lint), --no-node24, --no-lint.
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

if (!args.has("--e2e") && !args.has("--no-lint")) {
  if (step("eslint", bin("eslint"), [".", "--max-warnings", "0"]) !== 0) hardFailure = true;
}

/** One vitest run (on `node`, default: this process's Node) counted into the totals. */
function vitest(label, node = process.execPath, tag = "") {
  const out = join(results, `vitest${tag}.json`);
  rmSync(out, { force: true });
  const code = step(label, node, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`], {
    env: { ...env, PATH: `${dirname(node)}:${env.PATH}` },
  });
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, "utf8"));
    passed += j.numPassedTests;
    failed += j.numFailedTests;
    skipped += j.numPendingTests + (j.numTodoTests ?? 0);
    if (code !== 0 && j.numFailedTests === 0) hardFailure = true; // e.g. a suite that failed to load
  } else if (code !== 0) hardFailure = true;
}

if (!args.has("--e2e")) {
  vitest(`vitest (unit + integration) on Node ${process.version}`);
  if (!args.has("--no-node24") && process.env.FUSION_TEST_NODE24 !== "0" && !process.version.startsWith("v24.")) {
    const r = spawnSync("bash", [join(root, "scripts", "node24.sh")], { encoding: "utf8", env, cwd: root });
    const node24 = r.status === 0 ? r.stdout.trim().split("\n").pop() : "";
    if (!node24) {
      console.error(`Node.js 24 could not be prepared: ${(r.stderr || "").trim()}`);
      hardFailure = true;
    } else vitest(`vitest (unit + integration) on Node ${spawnSync(node24, ["--version"], { encoding: "utf8" }).stdout.trim()}`, node24, "-node24");
  }
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
