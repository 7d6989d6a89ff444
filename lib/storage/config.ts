import { resolve } from "node:path";
import type { ScanStoreKind } from "./types";

export type ScanStoreConfig = { kind: "file"; root: string } | { kind: "postgres"; stagingDir: string };

/**
 * `FUSION_SCAN_STORE` = `file` (default) or `postgres`. `FUSION_SCAN_STORE_DIR` (default
 * `<FUSION_DATA_DIR>/scans`, i.e. `./data/scans`) holds the files — in PostgreSQL mode too, since
 * the database server may be elsewhere — or, for the `postgres` store, only its staging folder
 * (`<dir>/.tmp`, uploads on their way into the database).
 */
export function scanStoreConfig(env: NodeJS.ProcessEnv = process.env): ScanStoreConfig {
  const kind = (env.FUSION_SCAN_STORE?.trim() || "file") as ScanStoreKind;
  const dataDir = env.FUSION_DATA_DIR?.trim() || resolve(process.cwd(), "data");
  const dir = resolve(env.FUSION_SCAN_STORE_DIR?.trim() || resolve(dataDir, "scans"));
  if (kind === "file") return { kind, root: dir };
  if (kind === "postgres") return { kind, stagingDir: resolve(dir, ".tmp") };
  throw new Error(`FUSION_SCAN_STORE must be "file" or "postgres", not ${JSON.stringify(env.FUSION_SCAN_STORE)}.`);
}
