// The served model as a starting worker registers it (lib/jobs/start-worker.ts registerServedModel),
// without loading it: name, version, strategy and outcomes from the committed bundle's JSON. Tests
// and benchmarks that queue assessments need an active model in the registry, as the app does.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { registerServedModel } from "@/lib/db/model-registry";
import { readBundleOutcomes } from "@/lib/fusion/outcomes";

export const demoModelDir = () => {
  const root = path.join(process.cwd(), "models", "fusion-demo");
  return path.join(root, readFileSync(path.join(root, "ACTIVE"), "utf8").trim());
};

/** Registers (and activates) the committed demo model in `db`; returns its name and version. */
export async function registerDemoModel(db: PrismaClient): Promise<{ name: string; version: string }> {
  const dir = demoModelDir();
  const meta = JSON.parse(readFileSync(path.join(dir, "inference.json"), "utf8")) as { name: string; version: string; heads: string[]; arch: { strategy: "joint" } };
  await registerServedModel(db, { name: meta.name, version: meta.version, strategy: meta.arch.strategy, heads: meta.heads, inputSpec: {}, card: {}, metrics: {}, outcomes: await readBundleOutcomes(dir) }, "test");
  return { name: meta.name, version: meta.version };
}
