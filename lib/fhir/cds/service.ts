/**
 * The CDS Hooks 2.0 service: discovery and the `patient-view` hook. A call is authenticated first
 * (jwt.ts: a bad, expired, replayed or untrusted JWT is a 401 and nothing is scored), then the
 * patient's data comes from the request's prefetch or, for what is missing, from the EHR's FHIR
 * server with the given fhirAuthorization; the record is mapped with the import's own mapping and
 * scored synchronously in-process (model.ts: the served model, loaded lazily — the only place the
 * web tier loads it) — record-only, or with the latest scan when the patient is known here (by MRN)
 * and has one — and answered as one card per outcome, named in the model's own words.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { CdsPatientViewRequest, parseOrThrow, todayIso, type CdsCards, type CdsDiscovery, type FusionRecordInput } from "@/lib/domain";
import { AppError } from "@/lib/domain/errors";
import type { AssessmentResult } from "@/lib/domain/assessment";
import { describeAssessmentFlags } from "@/lib/domain/assessment-flags";
import { audit } from "@/lib/auth/audit";
import { clientAddressFrom } from "@/lib/auth/actor";
import { isSmokingIcd10 } from "../codes";
import { fhirImportConfig } from "../config";
import { Issues, parseCondition, parseFamilyHistory, parseObservation, smokingCondition } from "../mapping";
import { RESEARCH_NOTICE, horizonYears } from "../risk-assessment";
import { verifyCdsJwt } from "./jwt";
import { latestScanImage } from "./scan-image";
import { cdsScorer } from "./model";

export const CDS_SERVICE_ID = "fusion-risk";

export const PREFETCH = {
  patient: "Patient/{{context.patientId}}",
  conditions: "Condition?patient={{context.patientId}}",
  familyHistory: "FamilyMemberHistory?patient={{context.patientId}}",
  observations: "Observation?patient={{context.patientId}}",
} as const;

/** GET /cds-services */
export function cdsDiscovery(): CdsDiscovery {
  return {
    services: [
      {
        hook: "patient-view",
        id: CDS_SERVICE_ID,
        title: "Fusion CDS risk (research use only)",
        description:
          "The served fusion model's risk per outcome (the outcomes and their horizons are on its model card, linked from every card) from the patient's history, family history, smoking and diet — with the latest scan when the patient's record is known to Fusion CDS. Research use only — not for diagnosis.",
        prefetch: { ...PREFETCH },
        usageRequirements: "The EHR must be registered as a trusted EHR (issuer and JWKS) by a Fusion CDS administrator.",
      },
    ],
  };
}

export type CdsCard = CdsCards["cards"][number];

type Res = Record<string, unknown>;
const resourcesOf = (v: unknown): Res[] => {
  if (!v || typeof v !== "object") return [];
  const r = v as Res;
  if (r.resourceType === "Bundle") return (Array.isArray(r.entry) ? (r.entry as { resource?: Res }[]) : []).map((e) => e.resource).filter((x): x is Res => !!x);
  return [r];
};

async function fetchFhir(server: string, path: string, token: string | null): Promise<unknown> {
  const res = await fetch(`${server.replace(/\/+$/, "")}/${path}`, {
    headers: { accept: "application/fhir+json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: AbortSignal.timeout(5000),
    redirect: "error",
  });
  if (!res.ok) throw new AppError(412, "fhir_fetch_failed", `The EHR's FHIR server answered ${res.status} for ${path.split("?")[0]}; the data needed to score is missing.`);
  return res.json();
}

export type PatientViewResult = CdsCards;
export type PatientViewTimings = Record<string, number>;

/** POST /cds-services/{id}: authenticate, gather, score, answer cards. */
export async function patientView(
  db: PrismaClient,
  call: { serviceId: string; authorization: string | null; body: () => Promise<unknown>; headers: Headers },
  base: string,
  timings: PatientViewTimings = {},
): Promise<PatientViewResult> {
  // authenticate first: whoever is not a trusted EHR learns nothing, not even which services exist
  const t0 = performance.now();
  const { ehr } = await verifyCdsJwt(db, call.authorization, `${base}/cds-services/${encodeURIComponent(call.serviceId)}`);
  timings.auth = performance.now() - t0;
  if (call.serviceId !== CDS_SERVICE_ID) throw new AppError(404, "not_found", `No CDS service ${call.serviceId} here (see GET /cds-services).`);
  const req = parseOrThrow(CdsPatientViewRequest, await call.body(), "CDS Hooks request");
  const pid = req.context.patientId;

  // prefetch first; what is missing comes from the EHR's FHIR server
  const t1 = performance.now();
  const token = req.fhirAuthorization?.access_token ?? null;
  const get = async (key: keyof typeof PREFETCH): Promise<Res[]> => {
    const pre = req.prefetch?.[key];
    if (pre) return resourcesOf(pre);
    if (!req.fhirServer) throw new AppError(412, "prefetch_missing", `Prefetch ${key} is missing and no fhirServer was given to fetch it from.`);
    return resourcesOf(await fetchFhir(req.fhirServer, PREFETCH[key].replace("{{context.patientId}}", encodeURIComponent(pid)), token));
  };
  const [patients, conditionRes, familyRes, observationRes] = await Promise.all([get("patient"), get("conditions"), get("familyHistory"), get("observations")]);
  timings.gather = performance.now() - t1;
  const patient = patients.find((r) => r.resourceType === "Patient");
  if (!patient) throw new AppError(412, "patient_missing", "The patient resource is missing from the prefetch and the EHR's answer.");
  const birthDate = typeof patient.birthDate === "string" && /^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate) ? patient.birthDate : null;
  if (!birthDate) throw new AppError(422, "birth_date_missing", "The patient has no full birth date; the model needs the age.");
  const sex = ["female", "male", "other", "unknown"].includes(String(patient.gender)) ? (patient.gender as FusionRecordInput["sex"]) : "unknown";

  // the record, through the import's mapping; resources the record cannot store are left out
  const today = todayIso();
  const notes = new Issues();
  const conditions = conditionRes.filter((r) => r.resourceType === "Condition").map((r, i) => parseCondition(r, `Condition[${i}]`, notes)).filter((c): c is Exclude<typeof c, "skip" | null> => !!c && c !== "skip");
  const familyHistory = familyRes.filter((r) => r.resourceType === "FamilyMemberHistory").flatMap((r, i) => parseFamilyHistory(r, `FamilyMemberHistory[${i}]`, notes) ?? []);
  const observations = observationRes.filter((r) => r.resourceType === "Observation").map((r, i) => parseObservation(r, `Observation[${i}]`, notes, today));
  const diet = observations.flatMap((o) => (o?.kind === "diet" ? [o.input] : []));
  if (!conditions.some((c) => c.codeSystem === "ICD10" && isSmokingIcd10(c.code)))
    for (const o of observations) if (o?.kind === "smoking") conditions.push(smokingCondition(o.input));
  const record: FusionRecordInput = {
    birthDate,
    sex,
    asOf: today,
    conditions: conditions.map((c) => ({ codeSystem: c.codeSystem, code: c.code, onsetDate: c.onsetDate ?? null, status: c.status })),
    familyHistory: familyHistory.map((f) => ({ relationship: f.relationship, code: f.code, ageAtOnset: f.ageAtOnset ?? null, deceased: f.deceased })),
    dietRecords: diet.map((d) => ({ recordedOn: d.recordedOn, method: d.method, energyKcal: d.energyKcal, sodiumMg: d.sodiumMg, sugarsG: d.sugarsG, saturatedFatG: d.saturatedFatG, fibreG: d.fibreG, fruitVegServings: d.fruitVegServings, redMeatServings: d.redMeatServings, alcoholUnits: d.alcoholUnits })),
  };

  // a patient known here (same MRN) is scored with their latest scan, when there is one
  const mrnSystem = fhirImportConfig().mrnSystem;
  const mrn = (Array.isArray(patient.identifier) ? (patient.identifier as { system?: string; value?: string }[]) : []).find((i) => i.system === mrnSystem)?.value;
  const known = mrn ? await db.patient.findUnique({ where: { mrn }, select: { id: true } }) : null;
  const t2 = performance.now();
  const scan = known ? await latestScanImage(db, known.id) : null;
  timings.scan = performance.now() - t2;
  const scorer = await cdsScorer();
  const t3 = performance.now();
  const result = await scorer.assess({ record, image: scan?.image ?? null });
  timings.score = performance.now() - t3;
  const flags = [...new Set([...(scan?.flags ?? (known ? ["no_image"] : [])), ...result.flags])];

  await audit(db, {
    actor: null,
    username: `ehr:${ehr.name}`.slice(0, 200),
    action: "cds.patient-view",
    entityType: "Patient",
    entityId: known?.id ?? null,
    patientId: known?.id ?? null,
    outcome: "success",
    request: { clientAddress: clientAddressFrom(call.headers), userAgent: call.headers.get("user-agent")?.slice(0, 512) ?? null, source: "cds-hooks" },
    details: { issuer: ehr.issuer, hookInstance: req.hookInstance, path: result.path, model: `${result.modelName}@${result.modelVersion}`, scanId: scan?.scanId ?? null },
  });
  const cards = toCards(result, { base, knownPatientId: known?.id ?? null, headLabels: Object.fromEntries(scorer.outcomes.map((o) => [o.head, o.label])), flags, skippedNotes: notes.list.length });
  timings.total = performance.now() - t0;
  return { cards };
}

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
const INDICATOR = { low: "info", moderate: "warning", high: "critical" } as const;

export function toCards(r: AssessmentResult, o: { base: string; knownPatientId: string | null; headLabels: Record<string, string>; flags: string[]; skippedNotes: number }): CdsCard[] {
  const modelUrl = `${o.base}/models/${encodeURIComponent(r.modelName)}/${encodeURIComponent(r.modelVersion)}`;
  const notices = describeAssessmentFlags(o.flags, r.explanation.imageCheck ?? null, r.explanation.inputsOutsideTraining ?? []).map((n) => `- ${n.text}`);
  return Object.entries(r.scores).map(([head, s]) => {
    const label = o.headLabels[head] ?? head;
    const years = horizonYears(head);
    // the factors as clinical facts (lib/fusion/factors.ts); results without them: the raw attributions
    const facts = r.explanation.factorsByHead?.[head];
    const factors = facts
      ? facts.slice(0, 5).map((f) => `- ${f.text}: ${f.direction} the risk by ${(Math.abs(f.contribution) * 100).toFixed(2)} points${f.againstClinicalKnowledge ? " (against clinical knowledge: an association this model learned from synthetic data, not a cause)" : ""}`)
      : (r.explanation.featureAttributionsByHead[head] ?? r.explanation.featureAttributions).slice(0, 5).map((f) => `- ${f.label}${f.value ? ` (${f.value})` : ""}: ${f.direction} the risk by ${(Math.abs(f.contribution) * 100).toFixed(2)} points`);
    const detail = [
      `**${label}**${years ? ` (within ${years} years)` : ""}: calibrated probability **${pct(s.probability)}**, uncertainty interval ${pct(s.interval[0])}–${pct(s.interval[1])}, **${s.category}** risk.`,
      "",
      `Scored ${r.path === "joint" ? "on the latest scan together with the record" : "on the record alone (history, family history, smoking, diet)"} by ${r.modelName} ${r.modelVersion}.`,
      "",
      "Top factors:",
      ...factors,
      ...(notices.length ? ["", "Notes:", ...notices] : []),
      ...(o.skippedNotes ? ["", `${o.skippedNotes} item(s) of the EHR record are not read by this model and were left out.`] : []),
      "",
      `_${RESEARCH_NOTICE}_`,
    ].join("\n");
    return {
      uuid: randomUUID(),
      summary: `${label}: ${pct(s.probability)} (${s.category} risk) — research use only`.slice(0, 139),
      detail,
      indicator: INDICATOR[s.category],
      source: { label: `Fusion CDS model card: ${r.modelName} ${r.modelVersion}`, url: modelUrl, topic: { system: "urn:fusion-cds:codesystem:risk-outcome", code: head, display: label } },
      ...(o.knownPatientId ? { links: [{ label: "Open the record in Fusion CDS", url: `${o.base}/patients/${o.knownPatientId}`, type: "absolute" as const }] } : {}),
    };
  });
}
