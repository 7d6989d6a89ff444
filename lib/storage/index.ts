import { FileScanStore } from "./file-store";
import { PostgresScanStore } from "./postgres-store";
import type { ScanStoreConfig } from "./config";
import type { BlobDatabase, ScanStore } from "./types";

export * from "./types";
export { scanStoreConfig, type ScanStoreConfig } from "./config";
export { FileScanStore } from "./file-store";
export { PostgresScanStore, CHUNK_BYTES } from "./postgres-store";
export { isBlobKey, sha256Hex } from "./keys";

/** The store a configuration names; `db` is the database the `postgres` store lives in. */
export function createScanStore(cfg: ScanStoreConfig, db: () => BlobDatabase): ScanStore {
  return cfg.kind === "file" ? new FileScanStore(cfg.root) : new PostgresScanStore(db(), cfg.stagingDir);
}
