#!/usr/bin/env node
// npm start — one command from a fresh clone to a running dashboard:
//   migrate the database (embedded PGlite in ./data unless DATABASE_URL is set), seed the demo cohort
//   and demo accounts once, build the app when the sources changed, then serve it.
// Env: PORT (3000), HOSTNAME (127.0.0.1), DATABASE_URL, FUSION_DATA_DIR, FUSION_SEED_PATIENTS (200),
//      FUSION_SKIP_SEED=1, FUSION_SKIP_BUILD=1, FUSION_DEMO_USERS (demo accounts: loopback only unless 1).
import { spawnSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const port = process.env.PORT ?? "3000";
const host = process.env.HOSTNAME ?? "127.0.0.1";
// HOSTNAME tells the seed (and the server) where the app will listen: the demo accounts, whose
// passwords are published, are created and work only on loopback unless FUSION_DEMO_USERS=1.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HOSTNAME: host };
const t0 = performance.now();

function run(label, cmd, args) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env, cwd: root });
  if (r.status !== 0) {
    console.error(`\n✖ ${label} failed (exit ${r.status}). Nothing was started.`);
    process.exit(r.status ?? 1);
  }
  console.log(`✓ ${label} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

function newestMtime(paths) {
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== "node_modules" && !e.startsWith(".")) walk(join(p, e));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  paths.forEach((p) => walk(join(root, p)));
  return newest;
}

function buildIsStale() {
  const id = join(root, ".next", "BUILD_ID");
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  return newestMtime(["app", "lib", "proxy.ts", "next.config.js", "package-lock.json", "public"]) > built;
}

if (!existsSync(join(root, "lib", "generated", "prisma", "client.ts"))) run("prisma generate", process.execPath, [join(root, "scripts", "prisma-generate.mjs")]);
run("database migrations", bin("tsx"), [join(root, "scripts", "db-migrate.ts")]);
if (process.env.FUSION_SKIP_SEED !== "1") run("demo cohort", bin("tsx"), [join(root, "scripts", "db-seed.ts")]);
if (process.env.FUSION_SKIP_BUILD !== "1" && buildIsStale()) run("next build", bin("next"), ["build", "--webpack"]);

console.log(`\nFusion CDS on http://${host === "0.0.0.0" ? "localhost" : host}:${port}  (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s of set-up)`);
console.log(
  `Research use only — not for diagnosis. ${
    env.FUSION_DEMO_USERS === "1" || (env.FUSION_DEMO_USERS !== "0" && /^(127\.|localhost$|::1$|\[::1\]$)/.test(host))
      ? "Demo accounts are listed on the sign-in page."
      : "Demo accounts are off: this server listens on the network (see README)."
  }\n`,
);
// scripts/server.mjs: next start's request handling, plus the socket's peer address for the app
// (client addresses, trusted proxies: lib/auth/client-address.mjs)
const child = spawn(process.execPath, [join(root, "scripts", "server.mjs"), "-p", port, "-H", host], { stdio: "inherit", env, cwd: root });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
