/**
 * The fusion model behind the CDS Hooks service — the one part of the web tier that loads it.
 * A `patient-view` call must answer synchronously with a score (the EHR shows the cards while the
 * chart opens), so it cannot go through the assessment queue; the service scores the record
 * in-process instead, with the served bundle (FUSION_MODEL_DIR, else models/fusion-demo/<ACTIVE>,
 * the same bundle the workers register).
 *
 * Loaded lazily, on the first call, through a dynamic import: nothing else in lib/fhir (import,
 * read API, RiskAssessment) and no upload or re-assessment route reaches lib/fusion or
 * TensorFlow.js in its static import graph (lib/fhir/web-tier.test.ts), so they work — and queue
 * work for the workers — without the model ever being loaded in the web process.
 */
import type { AssessmentResult } from "@/lib/domain/assessment";
import type { ModelOutcomes } from "@/lib/domain/outcomes";
import type { AssessInput } from "@/lib/fusion";

export type CdsScorer = {
  name: string;
  version: string;
  /** the bundle's outcomes (labels, thresholds), as the registry records them for this version */
  outcomes: ModelOutcomes;
  assess(input: AssessInput): Promise<AssessmentResult>;
};

/** The served model, loaded once per process on first use (then shared with any other in-process user). */
export async function cdsScorer(): Promise<CdsScorer> {
  const fusion = await import("@/lib/fusion");
  const model = await fusion.getDefaultModel();
  return {
    name: model.meta.name,
    version: model.meta.version,
    outcomes: model.outcomes,
    assess: (input) => fusion.assess(input, { model, igSteps: 16, topFeatures: 8 }),
  };
}
