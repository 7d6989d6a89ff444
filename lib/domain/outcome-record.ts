import { z } from "zod";
import { isoDate, notInFuture, text } from "./common";
import { id, timestamp } from "./scalars";
import { HeadId } from "./outcomes";
import { OutcomeSource, OutcomeStatus } from "./enums";

/**
 * Observed outcomes: what happened to a patient (an event a model predicts), when and per which
 * source. A model head is `<outcome>_<N>y` (lung_cancer_2y = lung cancer within 2 years): its
 * outcome key is what is recorded here, its horizon is applied when labels are derived
 * (lib/outcomes/labels.ts). The keys below are the events of the served models' heads; a test
 * (lib/outcomes/labels.test.ts) fails when a head of a bundled model has no key here.
 */
export const outcomeEventValues = ["lung_cancer", "mace"] as const;
export const OutcomeEvent = z.enum(outcomeEventValues, { message: `must be one of ${outcomeEventValues.join(", ")}` });
export type OutcomeEvent = z.infer<typeof OutcomeEvent>;

/** The event in the clinic's words (the record page's list and form). */
export const OUTCOME_EVENT_LABELS: Record<OutcomeEvent, string> = {
  lung_cancer: "Lung cancer diagnosed",
  mace: "Major adverse cardiovascular event (MI, cardiac arrest, stroke)",
};


/** A head id split into its outcome key and horizon (`mace_5y` → mace, 5), or null when it has no `_<N>y` suffix. */
export function headHorizon(head: string): { outcome: string; horizonYears: number } | null {
  if (!HeadId.safeParse(head).success) return null;
  const m = /^(.+)_(\d{1,2})y$/.exec(head);
  return m && Number(m[2]) > 0 ? { outcome: m[1], horizonYears: Number(m[2]) } : null;
}

/** POST /api/patients/{id}/outcomes — the source is the caller's (clinician), never the body's. */
export const OutcomeCreate = z.strictObject({
  outcome: OutcomeEvent,
  occurredOn: isoDate.refine(notInFuture, "cannot be in the future"),
});
export type OutcomeCreate = z.infer<typeof OutcomeCreate>;

/** POST /api/patients/{id}/outcomes/{outcomeId}/entered-in-error */
export const OutcomeEnteredInError = z.strictObject({
  reason: text().trim().min(3, "say why (at least 3 characters)").max(500, "must be 500 characters or fewer"),
});
export type OutcomeEnteredInError = z.infer<typeof OutcomeEnteredInError>;

/** PUT /api/patients/{id}/follow-up — null clears it (follow-up then ends at the last record activity). */
export const FollowUpUpdate = z.strictObject({
  followUpUntil: isoDate.refine(notInFuture, "cannot be in the future").nullable(),
});
export type FollowUpUpdate = z.infer<typeof FollowUpUpdate>;

/** An outcome as stored and answered. */
export const Outcome = z.strictObject({
  id,
  patientId: id,
  outcome: z.string(),
  occurredOn: isoDate,
  source: OutcomeSource,
  status: OutcomeStatus,
  enteredInErrorReason: z.string().nullable(),
  enteredInErrorAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type Outcome = z.infer<typeof Outcome>;

/** GET /api/patients/{id}/outcomes: every entry (entered-in-error ones too) and the follow-up. */
export const PatientOutcomes = z.strictObject({
  outcomes: z.array(Outcome),
  followUp: z.strictObject({
    /** the clinic's recorded end of follow-up */
    until: isoDate.nullable(),
    /** the newest dated activity on the record (assessment, scan, diet record, condition onset, outcome) */
    lastActivity: isoDate.nullable(),
    /** what labels use: the later of the two */
    end: isoDate.nullable(),
  }),
});
export type PatientOutcomes = z.infer<typeof PatientOutcomes>;
