import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/domain/validate";
import { AppError } from "@/lib/domain/errors";
import { PacsImportInput } from "@/lib/domain/dicomweb";
import { assessmentQueue } from "@/lib/jobs/runtime";
import { prepareImport } from "@/lib/dicomweb/pacs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * POST /api/patients/{id}/pacs/imports — import series from a PACS. Listing the instances happens
 * first (a PACS that is down answers 502/504 here); then the answer is an NDJSON stream of progress
 * lines (`{"type":"progress",…}` after each instance) ending with `{"type":"done",…}` or
 * `{"type":"error",code,message,…}`. Each instance is stored whole or not at all; run again to continue.
 */
export const POST = route<{ id: string }>("scan:upload", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(PacsImportInput, await readJson(req, 64 * 1024), "import");
  const db = await prisma();
  const job = await prepareImport(db, await assessmentQueue(), { patientId: id, ...input }, { actor, request: requestInfo(req) });
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (o: unknown) => {
        try {
          controller.enqueue(enc.encode(JSON.stringify(o) + "\n"));
        } catch {
          // the client left; the import goes on to the end (each instance is independent)
        }
      };
      try {
        const r = await job.run((p) => send({ type: "progress", ...p }));
        send({ type: "done", ...r });
      } catch (e) {
        const err = e instanceof AppError ? e : new AppError(500, "internal_error", "The import stopped on a server error; run it again to continue.");
        if (!(e instanceof AppError)) console.error("[pacs-import]", e);
        send({ type: "error", status: err.status, code: err.code, message: err.message, ...((err.details as object) ?? {}) });
      }
      try {
        controller.close();
      } catch {
        // already closed by the client
      }
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": "application/x-ndjson; charset=utf-8", "x-import-total": String(job.total) } });
});
