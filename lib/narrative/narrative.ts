import type { AssessmentNotice, SaliencyMap, StoredAssessmentSummary } from "@/lib/domain/assessment";
import { describeAssessmentFlags } from "@/lib/domain/assessment-flags";
import type { Narrative, NarrativeLang, NarrativeSection } from "@/lib/domain/narrative";
import type { ModelOutcome } from "@/lib/domain/outcomes";
import type { ImageFacts, NarrativeFacts, OutcomeFacts } from "./facts";
import { MESSAGES } from "./messages";
import { saliencyZone } from "./saliency-zone";

/**
 * A stored assessment — StoredAssessment, StoredAssessmentDetail or StoredAssessmentSummary
 * (lib/domain/assessment.ts) — with or without its headline saliency map: `saliency` absent means
 * the reader cut it out (nothing is said about where the model looked), `null` means none is stored.
 */
export type NarrativeAssessment = StoredAssessmentSummary & {
  explanation: StoredAssessmentSummary["explanation"] & { saliency?: SaliencyMap | null };
};

export type NarrativeInput = {
  assessment: NarrativeAssessment;
  /** the model version's outcomes from the registry (labels and category thresholds); absent: not registered */
  outcomes?: ReadonlyMap<string, ModelOutcome> | readonly ModelOutcome[];
  /** notices the caller knows of beyond the stored flags (e.g. a stale record), said with the flags */
  extraNotices?: readonly AssessmentNotice[];
  lang?: NarrativeLang;
};

/** How many record factors each outcome names. */
export const FACTORS_PER_OUTCOME = 3;

const outcomeMap = (o: NarrativeInput["outcomes"]): ReadonlyMap<string, ModelOutcome> =>
  !o ? new Map() : "get" in o ? o : new Map(o.map((x) => [x.head, x]));

/** The image's share of the total |Shapley contribution| (as the risk panel's bar: lib/db/assessments.ts contributionViews). */
function imageShare(c: Record<string, number> | undefined): OutcomeFacts["image"] {
  if (!c || !c.image) return null;
  const total = Object.values(c).reduce((s, w) => s + Math.abs(w), 0);
  return total ? { share: Math.abs(c.image) / total, direction: c.image < 0 ? "lowers" : "raises" } : null;
}

/** The facts of a narrative, read off the stored assessment (nothing else is consulted). */
export function narrativeFacts(input: NarrativeInput): NarrativeFacts {
  const a = input.assessment;
  const e = a.explanation;
  const outcomes = outcomeMap(input.outcomes);
  const usedImage = e.path !== "tabular_only" && a.strategy !== "tabular_only";
  const labelOf = (head: string) => outcomes.get(head)?.label ?? head;

  const facts: OutcomeFacts[] = Object.entries(a.scores)
    .sort(([x], [y]) => x.localeCompare(y)) // jsonb keeps no key order; the risk panel's order
    .map(([head, s]) => ({
      head,
      label: labelOf(head),
      probability: s.probability,
      interval: s.interval,
      category: s.category,
      thresholds: outcomes.get(head)?.categories ?? null,
      // the factors as clinical facts (lib/fusion/factors.ts, as the risk panel shows them); older rows: the stored attributions
      factors: e.factorsByHead?.[head]
        ? e.factorsByHead[head].slice(0, FACTORS_PER_OUTCOME).map((f) => ({ label: f.text, value: null, direction: f.direction }))
        : [...(e.featureAttributionsByHead[head] ?? [])]
            .sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution))
            .slice(0, FACTORS_PER_OUTCOME)
            .map((f) => ({ label: f.label, value: f.value, direction: f.direction })),
      image: usedImage ? imageShare(e.modalityContributionsByHead[head]) : null,
    }));

  let image: ImageFacts = { used: false };
  if (usedImage) {
    const map = e.saliency;
    image = {
      used: true,
      saliency: map === undefined ? "not_read" : map === null ? "none_stored" : { zone: saliencyZone(map), head: map.head, headLabel: labelOf(map.head) },
    };
  }

  const imageCheck = e.imageCheck ? { distance: e.imageCheck.distance, threshold: e.imageCheck.threshold, inDistribution: e.imageCheck.inDistribution } : null;
  const notices = [...describeAssessmentFlags(a.flags, imageCheck, e.inputsOutsideTraining ?? [], input.lang ?? "en"), ...(input.extraNotices ?? [])];
  // cautions first, as the risk panel lists them
  const notes = [...notices.filter((n) => n.severity === "caution"), ...notices.filter((n) => n.severity !== "caution")].map((n) => n.text);

  return { outcomes: facts, image, notes, model: { modelName: a.modelName, modelVersion: a.modelVersion, strategy: a.strategy, path: e.path } };
}

/**
 * The assessment in words: per outcome the risk, its interval, the category and what it means,
 * the strongest record factors and the image's share; where the saliency concentrates; every
 * flag; the model version; the research-use notice. Deterministic: the same stored assessment
 * and outcomes give the same text.
 */
export function buildNarrative(input: NarrativeInput): Narrative {
  const lang = input.lang ?? "en";
  const m = MESSAGES[lang];
  const f = narrativeFacts(input);
  const sections: NarrativeSection[] = f.outcomes.map((o) => ({ kind: "outcome", head: o.head, text: m.outcome(o) }));
  const img = m.image(f.image);
  if (img) sections.push({ kind: "image", head: null, text: img });
  const notes = m.notes(f.notes);
  if (notes) sections.push({ kind: "notes", head: null, text: notes });
  sections.push({ kind: "model", head: null, text: m.model(f.model) });
  sections.push({ kind: "notice", head: null, text: m.notice() });
  return { lang, sections, text: sections.map((s) => s.text).join("\n\n") };
}
