import type { AssessmentPath, FeatureAttribution, HeadScore } from "@/lib/domain/assessment";
import type { FusionStrategy } from "@/lib/domain/enums";
import type { CategoryThresholds } from "@/lib/domain/outcomes";
import type { SaliencyZone } from "./saliency-zone";

/**
 * The facts a narrative states, taken from the stored assessment by `narrativeFacts` and put into
 * words by one language's messages (messages/en.ts). Nothing here is a sentence: a new language
 * writes the same facts its own way.
 */
export type OutcomeFacts = {
  head: string;
  /** the model's words for the outcome (registry); the head id when the model version is not registered */
  label: string;
  probability: HeadScore["probability"];
  interval: HeadScore["interval"];
  category: HeadScore["category"];
  /** where the model's categories begin; null when the model version is not registered */
  thresholds: CategoryThresholds | null;
  /** the strongest record factors for this outcome, largest |contribution| first (at most 3) */
  factors: Pick<FeatureAttribution, "label" | "value" | "direction">[];
  /** the image's share of the total |Shapley contribution| for this outcome (joint path only) */
  image: { share: number; direction: "raises" | "lowers" } | null;
};

export type ImageFacts =
  /** the image was used: where its saliency concentrates */
  | { used: true; saliency: { zone: SaliencyZone; head: string; headLabel: string } | "none_stored" | "not_read" }
  /** the record-only path ran; the notes say why */
  | { used: false };

export type ModelFacts = { modelName: string; modelVersion: string; strategy: FusionStrategy; path: AssessmentPath };

export type NarrativeFacts = {
  outcomes: OutcomeFacts[];
  image: ImageFacts;
  /** the flags in words (lib/domain/assessment-flags.ts), cautions first, plus any the caller adds */
  notes: string[];
  model: ModelFacts;
};
