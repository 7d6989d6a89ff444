import { route } from "@/lib/http/route";
import { readJson, queryObject } from "@/lib/http/body";
import { auditRead, auditWrite } from "@/lib/http/audit-hooks";
import { parseOrThrow, PatientCreate, PatientSearch, type Patient, type PatientListPage } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { createPatient } from "@/lib/db/patients";
import { listPatients } from "@/lib/db/patient-list";
import { redactSearchText } from "@/lib/auth/audit-redact";

export const dynamic = "force-dynamic";

export const GET = route("patient:read", async ({ req, actor }) => {
  const search = parseOrThrow(PatientSearch, queryObject(req.url), "search");
  const page = await listPatients(await prisma(), search);
  await auditRead(actor, req, "patient.search", "Patient", null, null, { q: redactSearchText(search.q), page: search.page, returned: page.items.length });
  return page satisfies PatientListPage;
});

export const POST = route("patient:write", async ({ req, actor }) => {
  const input = parseOrThrow(PatientCreate, await readJson(req), "patient");
  const p = await createPatient(await prisma(), input, auditWrite(actor, req, "patient.create", "Patient", (r) => r.id));
  return Response.json(p satisfies Patient, { status: 201, headers: { location: `/api/patients/${p.id}` } });
});
