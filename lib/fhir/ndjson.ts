/**
 * Bulk import of NDJSON (one FHIR resource per line, as FHIR Bulk Data exports write them): the
 * whole file is checked first — a bad line refuses the file, naming the line and the element —
 * then it is written in groups of whole patients (a Patient line and every line that refers to it),
 * each group in its own transaction. A database failure part-way leaves the earlier groups
 * committed; importing the file again is idempotent, so it simply resumes.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { applyPlan, planBundle, type BundlePlan, type ImportContext, type ImportSummary } from "./import";
import { FhirError, type OutcomeIssue } from "./outcome";

type Res = Record<string, unknown>;

export async function planNdjson(text: string, ctx: ImportContext, patientsPerGroup = 250): Promise<BundlePlan[]> {
  const issues: OutcomeIssue[] = [];
  const lines: { line: number; resource: Res }[] = [];
  text.split("\n").forEach((raw, i) => {
    const s = raw.trim();
    if (!s) return;
    try {
      const r = JSON.parse(s) as Res;
      if (!r || typeof r !== "object" || Array.isArray(r) || typeof r.resourceType !== "string") throw new Error("not a FHIR resource (no resourceType)");
      lines.push({ line: i + 1, resource: r });
    } catch (e) {
      issues.push({ severity: "error", code: "structure", diagnostics: `is not a JSON FHIR resource (${(e as Error).message})`, expression: [`line ${i + 1}`] });
    }
  });
  if (issues.length) throw new FhirError(400, issues.slice(0, 100));
  if (!lines.length) throw FhirError.invalid("The file has no resources.", undefined, "required");

  // group: each Patient with the lines that refer to it; lines refer by "Patient/{id}"
  const groupOf = new Map<string, { line: number; resource: Res }[]>();
  const orphans: { line: number; resource: Res }[] = [];
  for (const l of lines) if (l.resource.resourceType === "Patient" && typeof l.resource.id === "string") groupOf.set(`Patient/${l.resource.id}`, [l]);
  for (const l of lines) {
    if (l.resource.resourceType === "Patient" && typeof l.resource.id === "string") continue;
    const ref = ((l.resource.subject ?? l.resource.patient) as { reference?: string } | undefined)?.reference;
    const id = ref ? /(?:^|\/)(Patient\/[A-Za-z0-9\-.]{1,64})$/.exec(ref)?.[1] : undefined;
    const g = id ? groupOf.get(id) : undefined;
    if (g) g.push(l);
    else orphans.push(l);
  }
  const groups = [...groupOf.values()];
  const chunks: { line: number; resource: Res }[][] = [];
  for (let i = 0; i < groups.length; i += patientsPerGroup) chunks.push(groups.slice(i, i + patientsPerGroup).flat());
  // lines without their patient go to the first chunk, where planBundle names them
  if (orphans.length) (chunks[0] ??= []).push(...orphans);

  const plans: BundlePlan[] = [];
  const errors: OutcomeIssue[] = [];
  const statuses = new Set<number>();
  for (const chunk of chunks) {
    const label = (i: number) => `line ${chunk[i].line}`;
    try {
      plans.push(
        await planBundle(
          { resourceType: "Bundle", type: "collection", entry: chunk.map((l) => ({ resource: l.resource })) },
          { ...ctx, maxEntries: Number.MAX_SAFE_INTEGER, labels: { entry: label, resource: (i) => `${label(i)}: ${String(chunk[i].resource.resourceType)}` } },
        ),
      );
    } catch (e) {
      if (!(e instanceof FhirError)) throw e;
      errors.push(...e.issues);
      statuses.add(e.status);
    }
  }
  // structural problems (400) first, then size (413), then content (422)
  if (errors.length) throw new FhirError(statuses.has(400) ? 400 : statuses.has(413) ? 413 : 422, errors.slice(0, 200));
  return plans;
}

export async function importNdjson(db: PrismaClient, text: string, ctx: ImportContext, patientsPerGroup = 250): Promise<ImportSummary> {
  const plans = await planNdjson(text, ctx, patientsPerGroup);
  const out: ImportSummary = { bundleType: "batch", entries: [], patients: [], notQueued: 0 };
  for (const plan of plans) {
    const s = await applyPlan(db, plan, ctx);
    out.entries.push(...s.entries);
    out.patients.push(...s.patients);
    out.notQueued += s.notQueued;
  }
  return out;
}
