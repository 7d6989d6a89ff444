-- Scan bytes leave the Scan table for the scan-file store (lib/storage).
--
-- New rows carry "storageKey" (the SHA-256 of the file, its key in the store) and no bytes. Rows
-- written before keep their bytes until `npm run scans:migrate-store` (which `npm run db:migrate`
-- runs right after the SQL migrations) has copied them into the store, verified the checksum and
-- emptied the column. The column stays (nullable) so that an interrupted move loses nothing; a
-- later migration may drop it once no row has bytes. The CHECK keeps every row pointing at its
-- bytes one way or the other.
ALTER TABLE "Scan" ADD COLUMN "storageKey" TEXT;
ALTER TABLE "Scan" ALTER COLUMN "bytes" DROP NOT NULL;
ALTER TABLE "Scan" ADD CONSTRAINT "Scan_storageKey_or_bytes" CHECK ("storageKey" IS NOT NULL OR "bytes" IS NOT NULL);
CREATE INDEX "Scan_storageKey_idx" ON "Scan"("storageKey");

-- The `postgres` scan store (FUSION_SCAN_STORE=postgres): one row per stored file, its bytes in
-- 1 MiB chunks. Ordinary rows rather than large objects: they follow the database into every
-- backup and replica and are removed with their row.
CREATE TABLE "ScanBlob" (
    "key" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "chunkSize" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "touchedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScanBlob_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "ScanBlobChunk" (
    "key" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "ScanBlobChunk_pkey" PRIMARY KEY ("key","seq")
);

-- DICOM pixel data is mostly compressed already: store chunks out of line without trying pglz.
ALTER TABLE "ScanBlobChunk" ALTER COLUMN "data" SET STORAGE EXTERNAL;

ALTER TABLE "ScanBlobChunk" ADD CONSTRAINT "ScanBlobChunk_key_fkey" FOREIGN KEY ("key") REFERENCES "ScanBlob"("key") ON DELETE CASCADE ON UPDATE CASCADE;
