/**
 * FHIR R4 import: a Bundle (transaction, batch, collection or searchset) → patient records, in ONE
 * database transaction per bundle. Every entry is checked first (the R4 base specification by
 * @medplum/core, then what the record can store, by the lib/domain schemas); a bundle with any
 * invalid entry is refused whole with an OperationOutcome naming the entry and the element, and
 * nothing is written. Idempotent: patients are found by MRN (the identifier of the configured
 * system), their entries by the identity of the resource they came from (identity.ts); importing
 * the same bundle again changes nothing, a changed resource updates its entry. A patient whose
 * record changed gets `recordChanged` (lib/jobs/record-changed.ts) in the same transaction — a
 * re-assessment queued for the workers on the registry's active model — and one audit row per
 * patient. The import never needs the model itself: while no worker has registered one
 * (a fresh database), the record is imported all the same and no re-assessment is queued; each
 * changed patient's entry says so (`reassessmentNotQueued`).
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import {
  NUL_MESSAGE, fromIsoDate, hasNul, toIsoDate, todayIso,
  type ConditionCreate, type DietRecordCreate, type FamilyHistoryCreate, type PatientCreate,
} from "@/lib/domain";
import { recordChanged } from "@/lib/jobs/record-changed";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { activeModel } from "@/lib/db/model-registry";
import { isSmokingIcd10 } from "./codes";
import { fhirImportConfig } from "./config";
import { sourceKey } from "./identity";
import { Issues, parseCondition, parseFamilyHistory, parseObservation, parsePatient, smokingCondition, type FhirResource, type SmokingInput } from "./mapping";
import { FhirError, type OutcomeIssue } from "./outcome";
import { fhirValidator, validateWith } from "./validator";

export type ImportContext = {
  /** who imports (null: the command-line import) */
  actor: Actor | null;
  request: RequestInfo;
  /** where re-assessments are queued (the model is the registry's active one); null queues nothing (tests of the mapping alone) */
  queue: AssessmentQueue | null;
  mrnSystem?: string;
  maxEntries?: number;
  today?: string;
  /** how entries are named in messages (the NDJSON reader names lines) */
  labels?: { entry(i: number): string; resource(i: number): string };
};

type Planned<T> = { entryIndex: number; source: string; input: T };
export type PlannedPatient = {
  entryIndex: number;
  input: PatientCreate;
  conditions: Planned<ConditionCreate>[];
  family: Planned<FamilyHistoryCreate[]>[];
  diet: Planned<DietRecordCreate>[];
  smoking: Planned<SmokingInput>[];
};
export type BundlePlan = {
  bundleType: string;
  entryCount: number;
  patients: PlannedPatient[];
  /** entries not imported (another resource type, entered-in-error, never-smoker…) with the information why */
  skipped: { index: number; notes: OutcomeIssue[] }[];
  /** how each entry's resource is named in messages */
  resourceLabel: string[];
};

export type EntryResult = { status: "201 Created" | "200 OK"; location?: string; outcome?: OutcomeIssue[]; changed: boolean };
export type ImportSummary = {
  bundleType: string;
  entries: (EntryResult | null)[];
  patients: { id: string; mrn: string; created: boolean; changed: boolean; assessmentId: string | null }[];
  /** changed patients whose re-assessment was not queued because no model is registered yet */
  notQueued: number;
};

/** The note on a changed patient's entry when no model is registered (nothing to queue for). */
export const reassessmentNotQueued: OutcomeIssue = {
  severity: "information",
  code: "informational",
  diagnostics:
    "Imported; no re-assessment was queued because no risk model is registered yet (no assessment worker has started on this database). " +
    "Start one (the server's own worker, or npm run worker), then re-assess the patient from their record page.",
};

const BUNDLE_TYPES = new Set(["transaction", "batch", "collection", "searchset"]);
const IMPORTED = new Set(["Patient", "Condition", "FamilyMemberHistory", "Observation"]);

const bundleLabels = { entry: (i: number) => `Bundle.entry[${i}]`, resource: (i: number) => `Bundle.entry[${i}].resource` };

/** Body text → JSON, or 400 naming the problem. */
export function parseJsonText(text: string): unknown {
  if (!text.trim()) throw FhirError.invalid("The body is empty; send a FHIR Bundle as JSON.", undefined, "structure");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw FhirError.invalid(`The body is not JSON (${(e as Error).message}).`, undefined, "structure");
  }
}

type Entry = { fullUrl?: string; resource?: Record<string, unknown>; request?: { method?: string } };

/**
 * The elements of `v` (FHIRPath-like, under `at`) whose string value or key holds a NUL character
 * (U+0000): PostgreSQL cannot store one in text or jsonb, and the R4 string type does not forbid
 * it, so the import refuses it by name (issue 10, Low 14). At most `max` are named.
 */
export function nulElements(v: unknown, at: string, max = 20, out: string[] = []): string[] {
  if (out.length >= max) return out;
  if (typeof v === "string") {
    if (hasNul(v)) out.push(at);
  } else if (Array.isArray(v)) v.forEach((x, i) => nulElements(x, `${at}[${i}]`, max, out));
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      if (out.length >= max) break;
      if (hasNul(k)) out.push(`${at}.${k.replace(/\u0000/g, "\\u0000")}`);
      else nulElements(x, `${at}.${k}`, max, out);
    }
  return out;
}

/** Checks and maps every entry; throws a FhirError (400 structure, 422 content, 413 size) naming each problem. */
export async function planBundle(bundle: unknown, ctx: ImportContext): Promise<BundlePlan> {
  const cfg = fhirImportConfig();
  const mrnSystem = ctx.mrnSystem ?? cfg.mrnSystem;
  const maxEntries = ctx.maxEntries ?? cfg.maxEntries;
  const today = ctx.today ?? todayIso();
  const labels = ctx.labels ?? bundleLabels;
  const b = bundle as { resourceType?: unknown; type?: unknown; entry?: unknown };
  if (!b || typeof b !== "object" || Array.isArray(b)) throw FhirError.invalid("The body must be a FHIR Bundle (a JSON object).", undefined, "structure");
  if (b.resourceType !== "Bundle") throw FhirError.invalid(`resourceType must be Bundle, not ${JSON.stringify(b.resourceType ?? null)}.`, "Bundle.resourceType", "structure");
  if (typeof b.type !== "string" || !BUNDLE_TYPES.has(b.type))
    throw FhirError.invalid(`Bundle type ${JSON.stringify(b.type ?? null)} cannot be imported; send a transaction, batch, collection or searchset Bundle.`, "Bundle.type", "value");
  const entries = (Array.isArray(b.entry) ? b.entry : []) as Entry[];
  if (b.entry !== undefined && !Array.isArray(b.entry)) throw FhirError.invalid("must be an array", "Bundle.entry", "structure");
  if (entries.length > maxEntries)
    throw new FhirError(413, [{ severity: "error", code: "too-costly", diagnostics: `The bundle has ${entries.length} entries; at most ${maxEntries} are accepted at once (FUSION_FHIR_MAX_ENTRIES). Split it.`, expression: ["Bundle.entry"] }]);

  const core = await fhirValidator();
  const structural = new Issues();
  const issues = new Issues();

  // 1. shape: every entry a known R4 resource, valid against the base specification; fullUrls unique
  const seenUrls = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!e || typeof e !== "object" || !e.resource || typeof e.resource !== "object") {
      structural.error(labels.entry(i), "has no resource", "required");
      return;
    }
    const nul = nulElements(e, labels.entry(i));
    if (nul.length) {
      for (const at of nul) structural.error(at, NUL_MESSAGE, "value");
      return;
    }
    if (e.fullUrl !== undefined) {
      const prev = seenUrls.get(e.fullUrl);
      if (prev !== undefined) structural.error(`${labels.entry(i)}.fullUrl`, `${e.fullUrl} is already the fullUrl of ${labels.entry(prev)}`, "duplicate");
      else seenUrls.set(e.fullUrl, i);
    }
    const method = e.request?.method;
    if (method && !["POST", "PUT"].includes(method)) structural.error(`${labels.entry(i)}.request.method`, `${method} is not supported by this import (POST or PUT)`, "not-supported");
    const type = e.resource.resourceType;
    if (typeof type !== "string" || !core.isResourceType(type)) {
      structural.error(`${labels.resource(i)}.resourceType`, `${JSON.stringify(type ?? null)} is not a FHIR R4 resource type`, "structure");
      return;
    }
    if (!IMPORTED.has(type)) return;
    for (const v of validateWith(core, e.resource))
      for (const ex of v.expression.length ? v.expression : [type])
        structural.error(`${labels.resource(i)}${ex.slice(type.length)}`, v.diagnostics, "structure");
  });
  if (structural.errors.length) throw new FhirError(400, structural.errors);

  // 2. content: what the record stores, and the references between entries
  const patientAt = new Map<string, number>(); // fullUrl | Patient/id → entry index
  entries.forEach((e, i) => {
    const r = e.resource!;
    if (r.resourceType !== "Patient") return;
    if (e.fullUrl) patientAt.set(e.fullUrl, i);
    if (typeof r.id === "string") patientAt.set(`Patient/${r.id}`, i);
  });
  const resolve = (ref: unknown): number | undefined => {
    const s = (ref as { reference?: unknown })?.reference;
    if (typeof s !== "string") return undefined;
    if (patientAt.has(s)) return patientAt.get(s);
    const m = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(s);
    return m ? patientAt.get(`Patient/${m[1]}`) : undefined;
  };

  const byEntry = new Map<number, PlannedPatient>();
  const skipped: number[] = [];
  entries.forEach((e, i) => {
    const r = e.resource!;
    if (r.resourceType !== "Patient") return;
    const input = parsePatient(r, labels.resource(i), mrnSystem, issues);
    if (input) byEntry.set(i, { entryIndex: i, input, conditions: [], family: [], diet: [], smoking: [] });
  });
  const mrns = new Map<string, number>();
  for (const p of byEntry.values()) {
    const prev = mrns.get(p.input.mrn);
    if (prev !== undefined) issues.error(`${labels.resource(p.entryIndex)}.identifier`, `MRN ${p.input.mrn} is also the MRN of ${labels.resource(prev)}`, "duplicate");
    else mrns.set(p.input.mrn, p.entryIndex);
  }

  const notBefore = (p: PlannedPatient | undefined, date: string | null | undefined, at: string) => {
    if (p && date && date < p.input.birthDate) issues.error(at, `${date} is before the patient's birth date (${p.input.birthDate})`, "business-rule");
  };

  entries.forEach((e, i) => {
    const r = e.resource!;
    const type = r.resourceType as string;
    const at = labels.resource(i);
    if (type === "Patient") return;
    if (!IMPORTED.has(type)) {
      issues.info(at, `${type} is not imported (this record stores Patient, Condition, FamilyMemberHistory and smoking / diet Observations)`);
      skipped.push(i);
      return;
    }
    const refField = type === "FamilyMemberHistory" ? "patient" : "subject";
    const target = resolve(r[refField]);
    if (target === undefined) {
      const ref = (r[refField] as { reference?: string } | undefined)?.reference;
      issues.error(`${at}.${refField}`, ref ? `refers to ${ref}, which is not a Patient in this bundle` : "must refer to a Patient in this bundle", "business-rule");
      return;
    }
    const p = byEntry.get(target);
    const source = sourceKey(r, e.fullUrl);
    if (type === "Condition") {
      const c = parseCondition(r, at, issues);
      if (c === "skip") skipped.push(i);
      else if (c) {
        notBefore(p, c.onsetDate, `${at}.onset${r.onsetDateTime !== undefined ? "DateTime" : "Period.start"}`);
        p?.conditions.push({ entryIndex: i, source, input: c });
      }
    } else if (type === "FamilyMemberHistory") {
      const f = parseFamilyHistory(r, at, issues);
      if (f && f.length === 0) skipped.push(i);
      else if (f) p?.family.push({ entryIndex: i, source, input: f });
    } else {
      const o = parseObservation(r, at, issues, today);
      if (o?.kind === "skip") skipped.push(i);
      else if (o?.kind === "diet") {
        notBefore(p, o.input.recordedOn, `${at}.effectiveDateTime`);
        p?.diet.push({ entryIndex: i, source, input: o.input });
      } else if (o?.kind === "smoking") {
        notBefore(p, o.input.onsetDate, `${at}.effectivePeriod`);
        p?.smoking.push({ entryIndex: i, source, input: o.input });
      }
    }
  });
  if (issues.errors.length) throw new FhirError(422, issues.errors);
  const resourceLabel = entries.map((_e, i) => labels.resource(i));
  return {
    bundleType: b.type,
    entryCount: entries.length,
    patients: [...byEntry.values()],
    skipped: skipped.map((index) => ({ index, notes: issues.list.filter((n) => n.expression?.[0]?.startsWith(resourceLabel[index])) })),
    resourceLabel,
  };
}

type Tx = Prisma.TransactionClient;
type Kind = "condition" | "familyHistory" | "dietRecord";

const sameDate = (a: Date | null, b: string | null | undefined) => toIsoDate(a) === (b ?? null);

/** Creates, updates or leaves one entry found by its source; returns what happened. */
const SMOKING_ALREADY_STATED = "the record already states this patient's smoking as a condition; the smoking status adds nothing";

async function upsertEntry(tx: Tx, kind: Kind, patientId: string, fhirSource: string, input: ConditionCreate | FamilyHistoryCreate | DietRecordCreate): Promise<{ id: string; what: "created" | "updated" | "unchanged" }> {
  const where = { patientId_fhirSource: { patientId, fhirSource } };
  const delegate = { condition: tx.condition, familyHistory: tx.familyHistory, dietRecord: tx.dietRecord }[kind] as unknown as {
    findUnique(a: { where: typeof where }): Promise<Record<string, unknown> | null>;
    create(a: { data: Record<string, unknown>; select: { id: true } }): Promise<{ id: string }>;
    update(a: { where: { id: string }; data: Record<string, unknown> }): Promise<unknown>;
  };
  const data: Record<string, unknown> = { ...input };
  if ("onsetDate" in input) data.onsetDate = input.onsetDate ? fromIsoDate(input.onsetDate) : null;
  if ("recordedOn" in input) data.recordedOn = fromIsoDate(input.recordedOn);
  const current = await delegate.findUnique({ where });
  if (!current) {
    const row = await delegate.create({ data: { ...data, patientId, fhirSource }, select: { id: true } });
    return { id: row.id, what: "created" };
  }
  const changed = Object.entries(input).some(([k, v]) => {
    const now = current[k];
    if (now instanceof Date) return !sameDate(now, v as string | null);
    return (now ?? null) !== (v ?? null);
  });
  if (!changed) return { id: current.id as string, what: "unchanged" };
  await delegate.update({ where: { id: current.id as string }, data });
  return { id: current.id as string, what: "updated" };
}

/**
 * The entries of a patient created by this bundle, inserted with one `createMany` per kind (ids made
 * here, so each entry's answer can name its row). False, and nothing written, when two entries share
 * a source (the per-entry path then applies its update semantics).
 */
async function insertNewPatientEntries(
  tx: Tx,
  patientId: string,
  p: BundlePlan["patients"][number],
  plan: BundlePlan,
  entries: (EntryResult | null)[],
  mark: (i: number, type: string, id: string, what: "created") => void,
  changes: string[],
): Promise<boolean> {
  const family = p.family.flatMap((f) => f.input.map((input, k) => ({ entryIndex: f.entryIndex, source: f.input.length > 1 ? `${f.source}#${k}` : f.source, input })));
  const bundleSaysSmoking = p.conditions.some((c) => c.input.codeSystem === "ICD10" && isSmokingIcd10(c.input.code));
  const smoking = bundleSaysSmoking ? [] : p.smoking;
  const conditionSources = [...p.conditions.map((c) => c.source), ...smoking.map((s) => s.source)];
  if (new Set(conditionSources).size !== conditionSources.length) return false;
  if (new Set(family.map((f) => f.source)).size !== family.length) return false;
  if (new Set(p.diet.map((d) => d.source)).size !== p.diet.length) return false;
  const dated = (input: Record<string, unknown>) => {
    const data: Record<string, unknown> = { ...input };
    if ("onsetDate" in input) data.onsetDate = input.onsetDate ? fromIsoDate(input.onsetDate as string) : null;
    if ("recordedOn" in input) data.recordedOn = fromIsoDate(input.recordedOn as string);
    return data;
  };
  const conditions = [
    ...p.conditions.map((c) => ({ entryIndex: c.entryIndex, source: c.source, input: c.input as Record<string, unknown>, kind: "condition" })),
    ...smoking.map((s) => ({ entryIndex: s.entryIndex, source: s.source, input: smokingCondition(s.input) as Record<string, unknown>, kind: "smoking" })),
  ].map((e) => ({ ...e, id: randomUUID() }));
  const fam = family.map((e) => ({ ...e, id: randomUUID() }));
  const diet = p.diet.map((e) => ({ ...e, id: randomUUID() }));
  const rows = <T extends { id: string; source: string; input: unknown }>(list: T[]) => list.map((e) => ({ ...dated(e.input as Record<string, unknown>), id: e.id, patientId, fhirSource: e.source }));
  if (conditions.length) await tx.condition.createMany({ data: rows(conditions) as never });
  if (fam.length) await tx.familyHistory.createMany({ data: rows(fam) as never });
  if (diet.length) await tx.dietRecord.createMany({ data: rows(diet) as never });
  for (const c of conditions) {
    mark(c.entryIndex, "Condition", c.id, "created");
    changes.push(c.kind);
  }
  for (const f of fam) {
    mark(f.entryIndex, "FamilyMemberHistory", f.id, "created");
    changes.push("familyHistory");
  }
  for (const d of diet) {
    mark(d.entryIndex, "Observation", d.id, "created");
    changes.push("diet");
  }
  if (bundleSaysSmoking)
    for (const s of p.smoking)
      entries[s.entryIndex] = {
        status: "200 OK",
        changed: false,
        outcome: [{ severity: "information", code: "informational", diagnostics: SMOKING_ALREADY_STATED, expression: [plan.resourceLabel[s.entryIndex]] }],
      };
  return true;
}

/** Writes a checked plan in one transaction (one audit row and, on change, one recordChanged per patient). */
export async function applyPlan(db: PrismaClient, plan: BundlePlan, ctx: ImportContext): Promise<ImportSummary> {
  const entries: (EntryResult | null)[] = new Array(plan.entryCount).fill(null);
  for (const s of plan.skipped) entries[s.index] = { status: "200 OK", changed: false, outcome: s.notes };
  const mark = (i: number, type: string, id: string, what: "created" | "updated" | "unchanged") => {
    const prev = entries[i];
    const created = what === "created" || prev?.status === "201 Created";
    entries[i] = { status: created ? "201 Created" : "200 OK", location: prev?.location ?? `${type}/${id}`, changed: what !== "unchanged" || !!prev?.changed };
  };
  const patients: ImportSummary["patients"] = [];
  let notQueued = 0;
  await db.$transaction(
    async (tx) => {
      // the model re-assessments are queued for: read once per bundle; none registered → import without queueing
      const model = ctx.queue ? await activeModel(tx) : null;
      for (const p of plan.patients) {
        const changes: string[] = [];
        let row = await tx.patient.findUnique({ where: { mrn: p.input.mrn }, select: { id: true, givenName: true, familyName: true, birthDate: true, sex: true } });
        let created = false;
        if (!row) {
          row = await tx.patient.create({ data: { ...p.input, birthDate: fromIsoDate(p.input.birthDate) }, select: { id: true, givenName: true, familyName: true, birthDate: true, sex: true } });
          created = true;
          changes.push("patient");
          mark(p.entryIndex, "Patient", row.id, "created");
        } else {
          const fields = (["givenName", "familyName", "sex"] as const).filter((k) => row![k] !== p.input[k]);
          if (!sameDate(row.birthDate, p.input.birthDate)) fields.push("birthDate" as never);
          if (fields.length) {
            await tx.patient.update({ where: { id: row.id }, data: { ...p.input, birthDate: fromIsoDate(p.input.birthDate) } });
            changes.push(...fields.map((f) => `patient.${f}`));
          }
          mark(p.entryIndex, "Patient", row.id, fields.length ? "updated" : "unchanged");
        }
        const patientId = row.id;
        const count = (kind: string, what: string) => what !== "unchanged" && changes.push(kind);
        // a new patient has no entries yet: insert them in one statement per kind (the bulk case of
        // an initial load), instead of a look-up and an insert per entry
        const bulk = created && (await insertNewPatientEntries(tx, patientId, p, plan, entries, mark, changes));
        if (!bulk) {
          for (const c of p.conditions) {
            const r = await upsertEntry(tx, "condition", patientId, c.source, c.input);
            mark(c.entryIndex, "Condition", r.id, r.what);
            count("condition", r.what);
          }
          for (const f of p.family)
            for (const [k, input] of f.input.entries()) {
              const r = await upsertEntry(tx, "familyHistory", patientId, f.input.length > 1 ? `${f.source}#${k}` : f.source, input);
              mark(f.entryIndex, "FamilyMemberHistory", r.id, r.what);
              count("familyHistory", r.what);
            }
          for (const d of p.diet) {
            const r = await upsertEntry(tx, "dietRecord", patientId, d.source, d.input);
            mark(d.entryIndex, "Observation", r.id, r.what);
            count("diet", r.what);
          }
          // a smoking status adds a smoking condition unless the record already says how the patient smokes
          const bundleSaysSmoking = p.conditions.some((c) => c.input.codeSystem === "ICD10" && isSmokingIcd10(c.input.code));
          for (const s of p.smoking) {
            const existing = bundleSaysSmoking
              ? true
              : !!(await tx.condition.findFirst({
                  where: {
                    patientId,
                    codeSystem: "ICD10",
                    OR: [{ code: { startsWith: "F17" } }, { code: { startsWith: "Z87.891" } }, { code: { startsWith: "Z72.0" } }],
                    AND: [{ OR: [{ fhirSource: null }, { fhirSource: { not: s.source } }] }],
                  },
                  select: { id: true },
                }));
            if (existing) {
              entries[s.entryIndex] = {
                status: "200 OK",
                changed: false,
                outcome: [{ severity: "information", code: "informational", diagnostics: SMOKING_ALREADY_STATED, expression: [plan.resourceLabel[s.entryIndex]] }],
              };
              continue;
            }
            const r = await upsertEntry(tx, "condition", patientId, s.source, smokingCondition(s.input));
            mark(s.entryIndex, "Condition", r.id, r.what);
            count("smoking", r.what);
          }
        }
        if (!created && changes.some((c) => c === "patient.birthDate")) await checkDatesAfterBirth(tx, patientId, p.input.birthDate);
        if (changes.length && !created) await tx.patient.update({ where: { id: patientId }, data: { updatedAt: new Date() } });
        let assessmentId: string | null = null;
        let skipped = false;
        if (changes.length) {
          // the record version always moves (scores made before show as stale); the re-assessment needs a queue and a model
          const r = await recordChanged(tx, patientId, { source: "fhir-import", what: [...new Set(changes)], requestedById: ctx.actor?.userId ?? null }, ctx.queue ?? null, model);
          assessmentId = r.assessment?.id ?? null;
          if (ctx.queue && !model) {
            skipped = true;
            notQueued++;
            const e = entries[p.entryIndex];
            if (e) e.outcome = [...(e.outcome ?? []), reassessmentNotQueued];
          }
        }
        await audit(tx, {
          actor: ctx.actor,
          username: ctx.actor ? undefined : "cli:fhir-import",
          action: "fhir.import",
          entityType: "Patient",
          entityId: patientId,
          patientId,
          outcome: "success",
          request: ctx.request,
          details: { created, changed: [...new Set(changes)], bundleType: plan.bundleType, reassessment: assessmentId, ...(skipped ? { reassessmentSkipped: "model_unavailable" } : {}) },
        });
        patients.push({ id: patientId, mrn: p.input.mrn, created, changed: changes.length > 0, assessmentId });
      }
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  return { bundleType: plan.bundleType, entries, patients, notQueued };
}

async function checkDatesAfterBirth(tx: Tx, patientId: string, birthDate: string) {
  const d = fromIsoDate(birthDate);
  const c = await tx.condition.findFirst({ where: { patientId, onsetDate: { lt: d } }, select: { display: true, onsetDate: true } });
  const diet = await tx.dietRecord.findFirst({ where: { patientId, recordedOn: { lt: d } }, select: { recordedOn: true } });
  if (c || diet)
    throw FhirError.invalid(
      `The new birth date ${birthDate} is after ${c ? `the onset of ${c.display} (${toIsoDate(c.onsetDate)})` : `a diet record dated ${toIsoDate(diet!.recordedOn)}`} already in the record.`,
      "Patient.birthDate",
      "business-rule",
      422,
    );
}

/** Checks, then writes: the whole bundle or nothing. */
export async function importBundle(db: PrismaClient, bundle: unknown, ctx: ImportContext): Promise<ImportSummary> {
  return applyPlan(db, await planBundle(bundle, ctx), ctx);
}

/** The FHIR answer to an import: a transaction-response (or batch-response) Bundle, one entry per entry sent. */
export function importResponseBundle(summary: ImportSummary): FhirResource {
  return {
    resourceType: "Bundle",
    type: summary.bundleType === "batch" ? "batch-response" : "transaction-response",
    entry: summary.entries.map((e) => ({
      response: {
        status: e?.status ?? "200 OK",
        ...(e?.location ? { location: e.location } : {}),
        ...(e?.outcome?.length ? { outcome: { resourceType: "OperationOutcome", issue: e.outcome } } : {}),
      },
    })),
  };
}
