import type { Prisma } from "@/lib/generated/prisma/client";
import { activeModel, type ActiveModel } from "@/lib/db/model-registry";
import type { RequestedAssessment } from "@/lib/domain/responses";
import { RECORD_PART_LABEL, recordPartValues, type RecordPart } from "@/lib/domain/scan";
import { scanInForce } from "@/lib/db/in-force";
import type { AssessmentQueue } from "./queue";
import { queueAssessment } from "./queue-assessment";

/**
 * What changed in a patient's record, and on whose behalf (null: a command-line import). `what`
 * names the changed parts: the record parts themselves (`history`, `diet`…) or the FHIR import's
 * finer words (`patient.birthDate`, `condition`, `familyHistory`, `smoking`…), mapped by `recordParts`.
 */
export type RecordChange = { source: "user" | "fhir-import"; what: string[]; requestedById: string | null };

export type RecordChangeOutcome = {
  /** Patient.recordVersion after the change */
  version: number;
  parts: RecordPart[];
  /** the debounced re-assessment (new, or the waiting one pushed back); null when no model is registered or no queue was given */
  assessment: RequestedAssessment | null;
  /** the re-assessment runs no earlier than this */
  notBefore: Date | null;
};

const DEFAULT_DEBOUNCE_SECONDS = 30;

/**
 * How long an automatic re-assessment waits after the last change of a record
 * (FUSION_REASSESS_DEBOUNCE_SECONDS, default 30 s; 0 runs it at once): a clinician entering five
 * diet records in a row gets one new score, on the record as it stands at the end.
 */
export function reassessDebounceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FUSION_REASSESS_DEBOUNCE_SECONDS;
  const n = raw === undefined || raw.trim() === "" ? DEFAULT_DEBOUNCE_SECONDS : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`FUSION_REASSESS_DEBOUNCE_SECONDS must be a number of seconds ≥ 0, not “${raw}”`);
  return Math.round(n * 1000);
}

/** The record parts a change touched, in the record's order. */
export function recordParts(what: string[]): RecordPart[] {
  const parts = new Set<RecordPart>();
  for (const w of what) {
    const k = w.split(".")[0];
    if ((recordPartValues as readonly string[]).includes(k)) parts.add(k as RecordPart);
    else if (k === "patient") parts.add("demographics");
    else if (k === "condition" || k === "smoking" || k === "conditions") parts.add("history");
    else if (k === "familyHistory") parts.add("family_history");
    else if (k === "dietRecord" || k === "dietRecords") parts.add("diet");
  }
  return recordPartValues.filter((p) => parts.has(p));
}

export const describeParts = (parts: RecordPart[]) => parts.map((p) => RECORD_PART_LABEL[p]).join(", ");

/**
 * THE hook for "a patient's record changed" — demographics, history, family history or diet, from
 * the dashboard's forms, the API or a FHIR import. Called inside the transaction that changed the
 * record, after the change:
 *
 *  1. bumps Patient.recordVersion (the row lock orders concurrent changes) and records which parts
 *     changed (RecordChange); every assessment stores the version it read, so scores made on an
 *     older version show "the record changed since this score" until a newer one is stored;
 *  2. schedules one automatic re-assessment, debounced (`reassessDebounceMs`): a re-assessment
 *     still waiting is pushed back, else a new one is queued with the latest scan in force (else
 *     record-only) to run once the record has been quiet that long. It reads the record when it
 *     runs. Skipped (the version still bumps) without a queue or while no model is registered —
 *     `queue` may be a function that opens it, called only when a re-assessment is queued;
 *     `model`: the caller's read for a batch (null: known to be none); undefined reads it here.
 */
export async function recordChanged(
  tx: Prisma.TransactionClient,
  patientId: string,
  change: RecordChange,
  queue: AssessmentQueue | (() => Promise<AssessmentQueue>) | null,
  model?: ActiveModel | null,
): Promise<RecordChangeOutcome> {
  const parts = recordParts(change.what);
  const { recordVersion: version } = await tx.patient.update({
    where: { id: patientId },
    data: { recordVersion: { increment: 1 }, updatedAt: new Date() },
    select: { recordVersion: true },
  });
  await tx.recordChange.create({ data: { patientId, version, parts, source: change.source, userId: change.requestedById } });
  if (!queue) return { version, parts, assessment: null, notBefore: null };
  const m = model === undefined ? await activeModel(tx) : model;
  if (!m) return { version, parts, assessment: null, notBefore: null };
  // opened only now: a database no worker has registered a model in never needs the queue
  const q = typeof queue === "function" ? await queue() : queue;
  const notBefore = new Date(Date.now() + reassessDebounceMs());
  const waiting = await tx.assessment.findFirst({
    where: { patientId, status: "queued", notBefore: { not: null }, supersededAt: null, enteredInErrorAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, scanId: true, modelName: true, modelVersion: true, strategy: true, createdAt: true },
  });
  if (waiting) {
    // its job fires at the old time, finds notBefore later and sends itself again (lib/jobs/worker.ts)
    await tx.assessment.update({ where: { id: waiting.id }, data: { notBefore } });
    return { version, parts, assessment: { ...waiting, createdAt: waiting.createdAt.toISOString() }, notBefore };
  }
  const scan = await tx.scan.findFirst({ where: { patientId, ...scanInForce }, orderBy: { createdAt: "desc" }, select: { id: true } });
  const assessment = await queueAssessment(tx, q, { patientId, scanId: scan?.id ?? null, requestedById: change.requestedById, model: m, notBefore });
  return { version, parts, assessment, notBefore };
}
