import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { parseOrThrow, ScanUploadFields } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { getPatient } from "@/lib/db/patients";
import { readMultipart } from "@/lib/ingest/multipart";
import { inspectUpload } from "@/lib/ingest/inspect";
import { storeUpload } from "@/lib/ingest/store";
import { putDecoded } from "@/lib/jobs/decoded-cache";
import { jobRuntime } from "@/lib/jobs/runtime";
import type { UploadResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Upload a scan (multipart field `file`: DICOM, PNG or JPEG). Validated and decoded before
 * anything is stored; 201 { scan, assessment } for a new scan, 200 with the existing one for the
 * same bytes again.
 */
export const POST = route<{ id: string }>("scan:upload", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const db = await prisma();
  await getPatient(db, id); // 404 before reading a large body
  const t0 = performance.now();
  const { file, fields } = await readMultipart(req);
  const f = parseOrThrow(ScanUploadFields, fields, "upload fields");
  const t1 = performance.now();
  const inspected = await inspectUpload(file.bytes, file.filename, f);
  const t2 = performance.now();
  const rt = await jobRuntime();
  const stored = await storeUpload(db, rt.queue, {
    patientId: id,
    bytes: file.bytes,
    inspected,
    model: rt.assessor.model,
    confirmPatientMismatch: f.confirmPatientMismatch ?? false,
    actor,
    request: requestInfo(req),
  });
  const t3 = performance.now();
  if (stored.created) {
    putDecoded(stored.scan.id, inspected.frame);
    rt.worker?.wake();
  }
  return Response.json(
    { scan: stored.scan, assessment: stored.assessment, duplicate: !stored.created } satisfies UploadResult,
    {
      status: stored.created ? 201 : 200,
      headers: {
        "server-timing": `receive;dur=${(t1 - t0).toFixed(1)}, inspect;dur=${(t2 - t1).toFixed(1)}, store;dur=${(t3 - t2).toFixed(1)}`,
        ...(stored.created ? { location: `/api/scans/${stored.scan.id}/file` } : {}),
      },
    },
  );
});

