import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { recordWrite } from "@/lib/http/record-hooks";
import { parseOrThrow, PatientUpdate } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { getPatientRecord, updatePatient } from "@/lib/db/patients";

export const dynamic = "force-dynamic";
type P = { id: string };

export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const record = await getPatientRecord(await prisma(), id);
  await auditRead(actor, req, "patient.read", "Patient", id, id);
  return record;
});

export const PATCH = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const patch = parseOrThrow(PatientUpdate, await readJson(req), "patient update");
  return updatePatient(await prisma(), id, patch, recordWrite(actor, req, "patient.update", "Patient", id, "demographics", { fields: Object.keys(patch) }));
});
