#!/usr/bin/env node
// `prisma generate` offline. Prisma 7's CLI insists on a native schema engine before any command and
// tries to download one; generate itself only uses bundled WebAssembly. An executable stub that
// answers --version satisfies the check (see ../shared/notes/offline-toolchain.md).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "node_modules", "prisma", "build", "index.js");
if (!existsSync(cli)) {
  console.log("prisma CLI not installed (production install without devDependencies?): skipping generate");
  process.exit(0);
}
const stubDir = join(root, "node_modules", ".cache", "prisma-stub");
const stub = join(stubDir, "schema-engine");
if (!existsSync(stub)) {
  mkdirSync(stubDir, { recursive: true });
  writeFileSync(stub, '#!/bin/sh\necho "schema-engine-cli stub (offline generate only)"\n');
  chmodSync(stub, 0o755);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? stub,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const r = spawnSync(process.execPath, [cli, "generate", "--schema", join(root, "prisma", "schema.prisma")], {
  stdio: "inherit",
  env,
  cwd: root,
});
process.exit(r.status ?? 1);
