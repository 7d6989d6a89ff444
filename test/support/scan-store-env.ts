// Every test file gets its own scan-file store folder (FUSION_SCAN_STORE_DIR) unless it sets one:
// tests never write into the project's ./data/scans.
import { afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

if (!process.env.FUSION_SCAN_STORE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "fcds-scan-store-"));
  process.env.FUSION_SCAN_STORE_DIR = dir;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}
