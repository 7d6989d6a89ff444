import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { parseOrThrow, ScanUploadFields } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { getPatient } from "@/lib/db/patients";
import { readMultipart } from "@/lib/ingest/multipart";
import { uploadScan } from "@/lib/ingest/upload-scan";
import { assessmentQueue } from "@/lib/jobs/runtime";
import { scanStoreFor } from "@/lib/db/scan-store";
import type { UploadResult } from "@/lib/domain/responses";
import { enforceActionLimit } from "@/lib/auth/action-limit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Upload a scan (multipart field `file`: DICOM, PNG or JPEG), streamed to a temporary file of the
 * scan-file store. Validated and decoded before anything is stored; 201 { scan, assessment } for a
 * new scan, 200 with the existing one for the same bytes again (lib/ingest/upload-scan.ts).
 */
export const POST = route<{ id: string }>("scan:upload", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const db = await prisma();
  await enforceActionLimit(db, actor, "scan.upload"); // 429 before reading anything
  await getPatient(db, id); // 404 before reading a large body
  const t0 = performance.now();
  const { file, fields } = await readMultipart(req, scanStoreFor(db));
  const receive = performance.now() - t0;
  let r;
  try {
    const f = parseOrThrow(ScanUploadFields, fields, "upload fields");
    r = await uploadScan(db, await assessmentQueue(), { patientId: id, file: file.staged, filename: file.filename, fields: f, actor, request: requestInfo(req) });
  } finally {
    // refused, duplicate or failed: the temporary file goes (a no-op once it is in the store)
    await file.staged.discard();
  }
  return Response.json(
    { scan: r.scan, assessment: r.assessment, duplicate: !r.created } satisfies UploadResult,
    {
      status: r.created ? 201 : 200,
      headers: {
        "server-timing": `receive;dur=${receive.toFixed(1)}, inspect;dur=${r.timings.inspect.toFixed(1)}, store;dur=${r.timings.store.toFixed(1)}`,
        ...(r.created ? { location: `/api/scans/${r.scan.id}/file` } : {}),
      },
    },
  );
});
