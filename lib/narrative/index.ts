export { buildNarrative, narrativeFacts, FACTORS_PER_OUTCOME, type NarrativeAssessment, type NarrativeInput } from "./narrative";
export { saliencyZone, FOCUS_SHARE, type SaliencyZone } from "./saliency-zone";
export { speechLang, pickVoice, type VoiceLike } from "./speech";
export type { NarrativeFacts, OutcomeFacts, ImageFacts, ModelFacts } from "./facts";
