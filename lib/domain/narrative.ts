import { z } from "zod";
import { HeadId } from "./outcomes";
import { id } from "./scalars";
import { localeValues } from "./locale";

/*
 * An assessment in words (lib/narrative): what GET /api/assessments/{id}/narrative answers and the
 * risk panel shows and reads aloud. Written from the stored assessment only, never by a language
 * model; the same text goes into the FHIR RiskAssessment's note.
 */

/** The languages a narrative is written in (lib/narrative/messages): the interface languages. */
export const narrativeLangValues = localeValues;
export const NarrativeLang = z.enum(narrativeLangValues);
export type NarrativeLang = z.infer<typeof NarrativeLang>;

export const NarrativeSection = z.strictObject({
  /** outcome: one head's risk; image: where the saliency concentrates; notes: the flags; model: provenance; notice: research use */
  kind: z.enum(["outcome", "image", "notes", "model", "notice"]),
  /** the outcome head an `outcome` section speaks of */
  head: HeadId.nullable(),
  text: z.string().min(1),
});
export type NarrativeSection = z.infer<typeof NarrativeSection>;

export const Narrative = z.strictObject({
  lang: NarrativeLang,
  /** in reading order: outcomes, image, notes, model, notice */
  sections: z.array(NarrativeSection).min(1),
  /** the sections joined, one paragraph each (blank line between) */
  text: z.string().min(1),
});
export type Narrative = z.infer<typeof Narrative>;

/** GET /api/assessments/{id}/narrative */
export const AssessmentNarrative = Narrative.extend({ assessmentId: id });
export type AssessmentNarrative = z.infer<typeof AssessmentNarrative>;
