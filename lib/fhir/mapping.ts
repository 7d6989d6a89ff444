/**
 * The patient record ↔ FHIR R4. Export: one resource per stored entry (Patient, Condition,
 * FamilyMemberHistory, diet Observation, a smoking-status Observation derived from the smoking
 * conditions, ImagingStudy per scan). Import: a resource → the domain input the record stores,
 * checked by the same lib/domain zod schemas as the forms, every problem named by its element.
 * Pure: no database (lib/fhir/import.ts and read.ts do the I/O).
 */
import type { z } from "zod";
import {
  ConditionCreate, DietRecordCreate, FamilyHistoryCreate, PatientCreate, codeProblem,
  type Condition, type DietRecord, type FamilyHistory, type Patient,
} from "@/lib/domain";
import { dietMethodValues } from "@/lib/domain/diet";
import {
  CONDITION_SYSTEMS, DIET_COMPONENTS, DIET_METHODS, DIET_PANEL, PACK_YEARS, RELATIONSHIP_CODES, ROLE_CODES,
  SMOKING_ANSWERS, SMOKING_CONDITIONS, SMOKING_STATUS, SYSTEM, conditionSystemUri, isSmokingIcd10,
} from "./codes";
import type { OutcomeIssue } from "./outcome";

export type FhirResource = { resourceType: string; id?: string; [k: string]: unknown };
type Json = Record<string, unknown>;

export const reference = (type: string, id: string) => ({ reference: `${type}/${id}` });
const lastUpdated = (iso: string) => ({ lastUpdated: iso });

// =================================================================================================
// Export: the record as FHIR

export function patientToFhir(p: Patient, mrnSystem: string): FhirResource {
  return {
    resourceType: "Patient",
    id: p.id,
    meta: lastUpdated(p.updatedAt),
    identifier: [
      {
        use: "usual",
        type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR", display: "Medical record number" }] },
        system: mrnSystem,
        value: p.mrn,
      },
    ],
    name: [{ use: "official", family: p.familyName, given: [p.givenName] }],
    gender: p.sex,
    birthDate: p.birthDate,
  };
}

const clinical = (status: "active" | "resolved") => ({ coding: [{ system: SYSTEM.conditionClinical, code: status }] });

export function conditionToFhir(c: Condition): FhirResource {
  return {
    resourceType: "Condition",
    id: c.id,
    meta: lastUpdated(c.updatedAt),
    clinicalStatus: clinical(c.status),
    category: [{ coding: [{ system: SYSTEM.conditionCategory, code: "problem-list-item", display: "Problem List Item" }] }],
    code: { coding: [{ system: conditionSystemUri(c.codeSystem), code: c.code, display: c.display }], text: c.display },
    subject: reference("Patient", c.patientId),
    ...(c.onsetDate ? { onsetDateTime: c.onsetDate } : {}),
  };
}

export function familyHistoryToFhir(f: FamilyHistory): FhirResource {
  const rel = RELATIONSHIP_CODES[f.relationship];
  return {
    resourceType: "FamilyMemberHistory",
    id: f.id,
    meta: lastUpdated(f.updatedAt),
    status: "completed",
    patient: reference("Patient", f.patientId),
    relationship: { coding: [{ system: SYSTEM.roleCode, code: rel.code, display: rel.display }], text: f.relationship },
    ...(f.deceased ? { deceasedBoolean: true } : {}),
    condition: [
      {
        code: { coding: [{ system: conditionSystemUri(f.codeSystem), code: f.code, display: f.display }], text: f.display },
        ...(f.ageAtOnset != null ? { onsetAge: { value: f.ageAtOnset, unit: "years", system: SYSTEM.ucum, code: "a" } } : {}),
      },
    ],
  };
}

const category = (code: "social-history" | "survey") => [
  { coding: [{ system: SYSTEM.observationCategory, code, display: code === "survey" ? "Survey" : "Social History" }] },
];

export function dietToFhir(d: DietRecord): FhirResource {
  return {
    resourceType: "Observation",
    id: d.id,
    meta: lastUpdated(d.updatedAt),
    status: "final",
    category: category("survey"),
    code: { coding: [{ ...DIET_PANEL }], text: "Diet record: daily intakes" },
    subject: reference("Patient", d.patientId),
    effectiveDateTime: d.recordedOn,
    method: { coding: [{ system: SYSTEM.dietMethod, code: d.method, display: DIET_METHODS[d.method] }], text: DIET_METHODS[d.method] },
    component: DIET_COMPONENTS.map((c) => ({
      code: { coding: [{ ...c.codes[0], display: c.display }], text: c.display },
      valueQuantity: { value: d[c.key], unit: c.unit, system: SYSTEM.ucum, code: c.ucum },
    })),
    ...(d.note ? { note: [{ text: d.note }] } : {}),
  };
}

/**
 * The smoking status the record implies (the model's reading of the ICD-10 smoking conditions):
 * an F17 condition that is active → current smoker; F17 resolved, Z87.891 or Z72.0 → former smoker.
 * Null when the record says nothing about smoking.
 */
export function smokingStatusToFhir(patientId: string, conditions: Condition[]): FhirResource | null {
  const smoking = conditions.filter((c) => c.codeSystem === "ICD10" && isSmokingIcd10(c.code));
  if (!smoking.length) return null;
  const current = smoking.some((c) => c.code.startsWith("F17") && c.status === "active");
  const answer = current ? "449868002" : "8517006";
  const newest = smoking.map((c) => c.updatedAt).sort().at(-1)!;
  return {
    resourceType: "Observation",
    id: `smoking-${patientId}`,
    meta: lastUpdated(newest),
    status: "final",
    category: category("social-history"),
    code: { coding: [{ ...SMOKING_STATUS }], text: "Tobacco smoking status" },
    subject: reference("Patient", patientId),
    effectiveDateTime: newest,
    valueCodeableConcept: { coding: [{ system: SYSTEM.snomed, code: answer, display: SMOKING_ANSWERS[answer].display }] },
    derivedFrom: smoking.map((c) => reference("Condition", c.id)),
  };
}

export type ScanForFhir = {
  id: string;
  patientId: string;
  modality: string;
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  sopClassUid: string | null;
  acquisitionDate: string | null;
  bodyPart: string | null;
  frames: number;
  createdAt: string;
};

const DICOM_UID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

export function scanToImagingStudy(s: ScanForFhir): FhirResource {
  const modality = { system: SYSTEM.dicomModality, code: s.modality };
  const series =
    s.seriesInstanceUid && DICOM_UID.test(s.seriesInstanceUid) && s.seriesInstanceUid.length <= 64
      ? [
          {
            uid: s.seriesInstanceUid,
            modality,
            numberOfInstances: 1,
            ...(s.bodyPart ? { bodySite: { display: s.bodyPart } } : {}),
            ...(s.sopInstanceUid && s.sopClassUid && DICOM_UID.test(s.sopInstanceUid) && s.sopInstanceUid.length <= 64
              ? { instance: [{ uid: s.sopInstanceUid, sopClass: { system: "urn:ietf:rfc:3986", code: `urn:oid:${s.sopClassUid}` }, number: 1 }] }
              : {}),
          },
        ]
      : undefined;
  return {
    resourceType: "ImagingStudy",
    id: s.id,
    meta: lastUpdated(s.createdAt),
    ...(s.studyInstanceUid && DICOM_UID.test(s.studyInstanceUid) ? { identifier: [{ system: SYSTEM.dicomUid, value: `urn:oid:${s.studyInstanceUid}` }] } : {}),
    status: "available",
    subject: reference("Patient", s.patientId),
    ...(s.acquisitionDate ? { started: s.acquisitionDate } : {}),
    modality: [modality],
    numberOfSeries: 1,
    numberOfInstances: 1,
    description: `${s.modality} scan${s.frames > 1 ? ` (${s.frames} frames)` : ""}`,
    ...(series ? { series } : {}),
  };
}

// =================================================================================================
// Import: a resource → what the record stores

/** Collects problems with their element paths; a mapper reports and returns null instead of throwing. */
export class Issues {
  readonly list: OutcomeIssue[] = [];
  error(at: string, diagnostics: string, code: OutcomeIssue["code"] = "invalid") {
    this.list.push({ severity: "error", code, diagnostics, expression: [at] });
  }
  info(at: string, diagnostics: string) {
    this.list.push({ severity: "information", code: "informational", diagnostics, expression: [at] });
  }
  get errors() {
    return this.list.filter((i) => i.severity === "error" || i.severity === "fatal");
  }
}

type Coding = { system?: string; code?: string; display?: string };
const codings = (cc: unknown): Coding[] => (Array.isArray((cc as Json)?.coding) ? ((cc as Json).coding as Coding[]) : []);
const hasCode = (cc: unknown, system: string, code: string) => codings(cc).some((c) => c.system === system && c.code === code);

/** A FHIR date / dateTime → YYYY-MM-DD; a year or year-month is taken as its first day. */
export function fhirDate(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const m = /^(\d{4})(-(\d{2})(-(\d{2}))?)?/.exec(v);
  if (!m) return null;
  return `${m[1]}-${m[3] ?? "01"}-${m[5] ?? "01"}`;
}

/** zod issues of a domain schema → issues on the FHIR elements the fields came from. */
function zodIssues(issues: Issues, error: z.ZodError, at: string, elementOf: Record<string, string>) {
  for (const i of error.issues) {
    const field = String(i.path[0] ?? "");
    const keys = i.code === "unrecognized_keys" ? i.keys : [];
    issues.error(`${at}.${elementOf[field] ?? (field || keys.join(","))}`, i.message, "value");
  }
}

export function parsePatient(r: Json, at: string, mrnSystem: string, issues: Issues): PatientCreate | null {
  const ids = Array.isArray(r.identifier) ? (r.identifier as { system?: string; value?: string }[]) : [];
  const mrnIndex = ids.findIndex((i) => i.system === mrnSystem && typeof i.value === "string");
  if (mrnIndex < 0) {
    issues.error(`${at}.identifier`, `needs an identifier with system ${mrnSystem} (the medical record number; FUSION_FHIR_MRN_SYSTEM)`, "required");
    return null;
  }
  const names = Array.isArray(r.name) ? (r.name as { use?: string; family?: string; given?: string[]; text?: string }[]) : [];
  const name = names.find((n) => n.use === "official") ?? names.find((n) => n.use !== "old") ?? names[0];
  const nameAt = `${at}.name[${Math.max(0, name ? names.indexOf(name) : 0)}]`;
  const gender = typeof r.gender === "string" ? r.gender : "unknown";
  const birthDate = typeof r.birthDate === "string" ? r.birthDate : "";
  if (birthDate && !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    issues.error(`${at}.birthDate`, "must be a full date (YYYY-MM-DD): the risk model needs the age", "value");
    return null;
  }
  const parsed = PatientCreate.safeParse({
    mrn: ids[mrnIndex].value,
    givenName: name?.given?.[0] ?? "",
    familyName: name?.family ?? "",
    birthDate,
    sex: gender,
  });
  if (!parsed.success) {
    zodIssues(issues, parsed.error, at, { mrn: `identifier[${mrnIndex}].value`, givenName: `${nameAt.slice(at.length + 1)}.given[0]`, familyName: `${nameAt.slice(at.length + 1)}.family`, birthDate: "birthDate", sex: "gender" });
    return null;
  }
  return parsed.data;
}

/** The one coding of a CodeableConcept the record can store: ICD-10 preferred (the model reads it), then SNOMED CT. */
function pickCoding(cc: unknown, at: string, issues: Issues): { codeSystem: "ICD10" | "SNOMED"; code: string; display: string; at: string } | null {
  const cs = codings(cc);
  const ranked = cs
    .map((c, i) => ({ c, i, sys: c.system ? CONDITION_SYSTEMS[c.system] : undefined }))
    .filter((x) => x.sys && typeof x.c.code === "string")
    .sort((a, b) => (a.sys === b.sys ? a.i - b.i : a.sys === "ICD10" ? -1 : 1));
  if (!ranked.length) {
    const seen = [...new Set(cs.map((c) => c.system ?? "(no system)"))].join(", ") || "none";
    issues.error(`${at}.coding`, `has no coding in a code system the record stores (ICD-10 ${SYSTEM.icd10} or ${SYSTEM.icd10cm}, SNOMED CT ${SYSTEM.snomed}); found: ${seen}`, "code-invalid");
    return null;
  }
  const { c, i, sys } = ranked[0];
  const code = sys === "ICD10" ? c.code!.trim().toUpperCase() : c.code!.trim();
  const problem = codeProblem(sys!, code);
  if (problem) {
    issues.error(`${at}.coding[${i}].code`, `${code} ${problem}`, "code-invalid");
    return null;
  }
  const text = (cc as Json).text;
  return { codeSystem: sys!, code, display: (c.display ?? (typeof text === "string" ? text : "") ?? code).trim() || code, at: `${at}.coding[${i}]` };
}

const ACTIVE = new Set(["active", "recurrence", "relapse"]);
const RESOLVED = new Set(["inactive", "remission", "resolved"]);

export function parseCondition(r: Json, at: string, issues: Issues): ConditionCreate | "skip" | null {
  const verification = codings(r.verificationStatus)[0]?.code;
  if (verification === "entered-in-error" || verification === "refuted") {
    issues.info(`${at}.verificationStatus`, `${verification}: not imported`);
    return "skip";
  }
  const coding = pickCoding(r.code, `${at}.code`, issues);
  if (!coding) return null;
  const clin = codings(r.clinicalStatus)[0]?.code;
  const status = !clin || ACTIVE.has(clin) ? "active" : RESOLVED.has(clin) ? "resolved" : null;
  if (!status) {
    issues.error(`${at}.clinicalStatus`, `${clin} is not a clinical status the record knows (active, recurrence, relapse, inactive, remission, resolved)`, "code-invalid");
    return null;
  }
  const onsetRaw = r.onsetDateTime ?? (r.onsetPeriod as Json | undefined)?.start;
  const onsetAt = r.onsetDateTime !== undefined ? `${at}.onsetDateTime` : `${at}.onsetPeriod.start`;
  const parsed = ConditionCreate.safeParse({ codeSystem: coding.codeSystem, code: coding.code, display: coding.display.slice(0, 200), onsetDate: fhirDate(onsetRaw), status });
  if (!parsed.success) {
    zodIssues(issues, parsed.error, at, { code: `${coding.at.slice(at.length + 1)}.code`, display: `${coding.at.slice(at.length + 1)}.display`, onsetDate: onsetAt.slice(at.length + 1), status: "clinicalStatus", codeSystem: `${coding.at.slice(at.length + 1)}.system` });
    return null;
  }
  return parsed.data;
}

export function parseFamilyHistory(r: Json, at: string, issues: Issues): FamilyHistoryCreate[] | null {
  const relCoding = codings(r.relationship).find((c) => c.system === SYSTEM.roleCode && typeof c.code === "string");
  if (!relCoding) {
    issues.error(`${at}.relationship`, `needs a coding from ${SYSTEM.roleCode} (e.g. MTH, FTH, SIS, BRO)`, "code-invalid");
    return null;
  }
  const relationship = ROLE_CODES[relCoding.code!] ?? "other";
  const deceased = r.deceasedBoolean === true || ["deceasedAge", "deceasedRange", "deceasedDate", "deceasedString"].some((k) => r[k] !== undefined);
  const conds = Array.isArray(r.condition) ? (r.condition as Json[]) : [];
  if (!conds.length) {
    issues.info(`${at}.condition`, "no condition: nothing to store");
    return [];
  }
  const out: FamilyHistoryCreate[] = [];
  let ok = true;
  conds.forEach((c, k) => {
    const cat = `${at}.condition[${k}]`;
    const coding = pickCoding(c.code, `${cat}.code`, issues);
    if (!coding) return void (ok = false);
    const age = c.onsetAge as { value?: number; code?: string } | undefined;
    if (age && age.code && age.code !== "a") {
      issues.error(`${cat}.onsetAge.code`, "must be in years (UCUM a)", "value");
      return void (ok = false);
    }
    const parsed = FamilyHistoryCreate.safeParse({
      relationship,
      codeSystem: coding.codeSystem,
      code: coding.code,
      display: coding.display.slice(0, 200),
      ageAtOnset: typeof age?.value === "number" ? Math.round(age.value) : null,
      deceased,
    });
    if (!parsed.success) {
      zodIssues(issues, parsed.error, cat, { ageAtOnset: "onsetAge.value", code: `${coding.at.slice(cat.length + 1)}.code`, display: `${coding.at.slice(cat.length + 1)}.display` });
      return void (ok = false);
    }
    out.push(parsed.data);
  });
  return ok ? out : null;
}

export type SmokingInput = { status: "current" | "former"; onsetDate: string | null };
export type ObservationInput = { kind: "diet"; input: DietRecordCreate } | { kind: "smoking"; input: SmokingInput } | { kind: "skip" };

export function parseObservation(r: Json, at: string, issues: Issues, today: string): ObservationInput | null {
  if (r.status === "entered-in-error" || r.status === "cancelled") {
    issues.info(`${at}.status`, `${r.status}: not imported`);
    return { kind: "skip" };
  }
  if (hasCode(r.code, SMOKING_STATUS.system, SMOKING_STATUS.code)) return parseSmoking(r, at, issues, today);
  if (PACK_YEARS.some((p) => hasCode(r.code, p.system, p.code))) {
    issues.info(`${at}.code`, "pack-years are not stored: the record has no field for them and the model does not read them");
    return { kind: "skip" };
  }
  if (hasCode(r.code, DIET_PANEL.system, DIET_PANEL.code)) return parseDiet(r, at, issues);
  const c = codings(r.code)[0];
  issues.info(`${at}.code`, `${c?.system ?? "?"}|${c?.code ?? "?"} is not an observation this record stores (smoking status ${SMOKING_STATUS.code}, diet ${DIET_PANEL.code}): not imported`);
  return { kind: "skip" };
}

function parseSmoking(r: Json, at: string, issues: Issues, today: string): ObservationInput | null {
  const value = codings(r.valueCodeableConcept).find((c) => c.system === SYSTEM.snomed && c.code && SMOKING_ANSWERS[c.code]);
  if (!value) {
    issues.error(`${at}.valueCodeableConcept`, `needs a SNOMED CT smoking status (${Object.entries(SMOKING_ANSWERS).map(([k, v]) => `${k} ${v.display}`).join("; ")})`, "code-invalid");
    return null;
  }
  const answer = SMOKING_ANSWERS[value.code!];
  if (answer.status === "never" || answer.status === "unknown") {
    issues.info(`${at}.valueCodeableConcept`, `${answer.display}: nothing to store (the record only stores current and former smoking)`);
    return { kind: "skip" };
  }
  const period = r.effectivePeriod as { start?: string; end?: string } | undefined;
  // a period tells when smoking started (current) or stopped (former); a point in time only when it was recorded
  const onsetDate = fhirDate(answer.status === "current" ? period?.start : period?.end);
  const effective = fhirDate(r.effectiveDateTime) ?? fhirDate(period?.start);
  if (effective && effective > today) {
    issues.error(`${at}.${r.effectiveDateTime !== undefined ? "effectiveDateTime" : "effectivePeriod.start"}`, "cannot be in the future", "value");
    return null;
  }
  if (onsetDate && onsetDate > today) {
    issues.error(`${at}.effectivePeriod`, "cannot be in the future", "value");
    return null;
  }
  return { kind: "smoking", input: { status: answer.status, onsetDate } };
}

function parseDiet(r: Json, at: string, issues: Issues): ObservationInput | null {
  const methodCoding = codings(r.method).find((c) => c.system === SYSTEM.dietMethod && (dietMethodValues as readonly string[]).includes(c.code ?? ""));
  const methodText = typeof (r.method as Json | undefined)?.text === "string" ? ((r.method as Json).text as string) : "";
  const method = methodCoding?.code ?? Object.entries(DIET_METHODS).find(([, label]) => label.toLowerCase() === methodText.toLowerCase())?.[0];
  if (!method) {
    issues.error(`${at}.method`, `needs the diet assessment method: a coding from ${SYSTEM.dietMethod} (${dietMethodValues.join(", ")})`, "required");
    return null;
  }
  const comps = Array.isArray(r.component) ? (r.component as Json[]) : [];
  const values: Record<string, number> = {};
  const elementOf: Record<string, string> = { recordedOn: "effectiveDateTime", method: "method", note: "note" };
  let ok = true;
  for (const def of DIET_COMPONENTS) {
    const k = comps.findIndex((c) => def.codes.some((x) => hasCode(c.code, x.system, x.code)));
    if (k < 0) {
      issues.error(`${at}.component`, `missing ${def.display} (${def.codes.map((x) => `${x.system}|${x.code}`).join(" or ")})`, "required");
      ok = false;
      continue;
    }
    const q = comps[k].valueQuantity as { value?: unknown; code?: string; unit?: string } | undefined;
    elementOf[def.key] = `component[${k}].valueQuantity.value`;
    if (!q || typeof q.value !== "number") {
      issues.error(`${at}.component[${k}].valueQuantity`, `${def.display} needs a number in ${def.unit}`, "required");
      ok = false;
      continue;
    }
    if ((q.code ?? q.unit) !== def.ucum && q.unit !== def.unit) {
      issues.error(`${at}.component[${k}].valueQuantity.code`, `${def.display} must be in ${def.ucum} (UCUM), not ${q.code ?? q.unit ?? "no unit"}`, "value");
      ok = false;
      continue;
    }
    values[def.key] = q.value;
  }
  if (!ok) return null;
  const notes = Array.isArray(r.note) ? (r.note as { text?: string }[]).map((n) => n.text).filter(Boolean) : [];
  const parsed = DietRecordCreate.safeParse({ recordedOn: fhirDate(r.effectiveDateTime ?? (r.effectivePeriod as Json | undefined)?.start) ?? "", method, ...values, note: notes.length ? notes.join("\n") : null });
  if (!parsed.success) {
    zodIssues(issues, parsed.error, at, elementOf);
    return null;
  }
  return { kind: "diet", input: parsed.data };
}

/** The smoking condition a smoking status stands for in the record. */
export function smokingCondition(s: SmokingInput): ConditionCreate {
  const c = SMOKING_CONDITIONS[s.status];
  return { codeSystem: "ICD10", code: c.code, display: c.display, onsetDate: s.onsetDate, status: "active" };
}
