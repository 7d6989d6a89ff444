import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import { defaultModelDir } from "@/lib/fusion";

/**
 * Name, version and strategy of the served model bundle, read from its inference.json without
 * loading the network: what a command-line import needs to queue re-assessments
 * (the server uses jobRuntime()'s assessor instead).
 */
export async function servedModelRef(dir = defaultModelDir()): Promise<{ name: string; version: string; strategy: FusionStrategy }> {
  const meta = JSON.parse(await readFile(path.join(dir, "inference.json"), "utf8")) as { name: string; version: string; arch: { strategy: FusionStrategy } };
  return { name: meta.name, version: meta.version, strategy: meta.arch.strategy };
}
