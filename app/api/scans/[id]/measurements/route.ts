import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { parseOrThrow } from "@/lib/domain";
import { MeasurementCreate, type MeasurementList, type MeasurementView } from "@/lib/domain/measurement";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { createMeasurement, listMeasurements } from "@/lib/measurements";

export const dynamic = "force-dynamic";
type P = { id: string };

/** The scan's saved measurements (not deleted), oldest first; audited. */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  return (await listMeasurements(await prisma(), id, { actor, request: requestInfo(req) })) satisfies MeasurementList;
});

/** One finished annotation (lib/domain/measurement.ts MeasurementCreate); 201 with the stored measurement. */
export const POST = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(MeasurementCreate, await readJson(req, 64 * 1024), "measurement");
  const out = (await createMeasurement(await prisma(), id, input, { actor, request: requestInfo(req) })) satisfies MeasurementView;
  return Response.json(out, { status: 201, headers: { Location: `/api/scans/${id}/measurements/${out.id}` } });
});
