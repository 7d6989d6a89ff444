import type { ImageFacts, ModelFacts, OutcomeFacts } from "../facts";
import type { NarrativeMessages } from "./types";

/*
 * English wording. The unit tests (lib/narrative/narrative.test.ts) pin these sentences: a change
 * here is a change a clinician hears, so change the tests with it.
 */

/** As the risk panel shows a probability: one decimal below 10%, whole percent above. */
const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
const share = (s: number) => `${Math.round(s * 100)}%`;

function meaning(o: OutcomeFacts): string {
  const t = o.thresholds;
  if (!t) return "as the model's own category thresholds place it";
  if (o.category === "low") return `below ${pct(t.moderateFrom)}, where this model's moderate band begins`;
  if (o.category === "moderate") return `from ${pct(t.moderateFrom)} up to ${pct(t.highFrom)}, this model's moderate band`;
  return `at or above ${pct(t.highFrom)}, where this model's high band begins`;
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join("; ")}; and ${items[items.length - 1]}`;
}

function outcome(o: OutcomeFacts): string {
  const parts = [
    `${o.label}: estimated risk ${pct(o.probability)} (uncertainty interval ${pct(o.interval[0])} to ${pct(o.interval[1])}).`,
    `That is ${o.category} risk: ${meaning(o)}.`,
  ];
  if (o.factors.length) {
    const fs = o.factors.map((f) => `${f.label}${f.value !== null ? `, ${f.value}` : ""} (${f.direction} it)`);
    parts.push(`The record factors that moved it most from an average record: ${list(fs)}.`);
  }
  if (o.image) parts.push(`The image accounted for ${share(o.image.share)} of what moved this estimate, ${o.image.direction === "raises" ? "raising" : "lowering"} it.`);
  return parts.join(" ");
}

/** "the upper left part of the image", "the centre of the image" */
function zoneName(row: string, column: string): string {
  return row === "middle" && column === "middle" ? "the centre of the image" : `the ${row} ${column} part of the image`;
}

function image(f: ImageFacts): string | null {
  if (!f.used) return null;
  if (f.saliency === "not_read") return null;
  if (f.saliency === "none_stored") return "No saliency map is stored for this assessment, so where the model looked in the image is not known.";
  const { zone, headLabel } = f.saliency;
  const of = `The saliency map (Grad-CAM, for ${headLabel})`;
  if (zone.kind === "empty") return `${of} is empty: no region of the image stood out.`;
  const where = `${zoneName(zone.row, zone.column)} as displayed (frame ${zone.frame + 1})`;
  return zone.kind === "focused"
    ? `${of} concentrates in ${where}, which holds ${share(zone.share)} of its weight.`
    : `${of} is spread over the image without a clear focus; its strongest ninth is ${where}, with ${share(zone.share)} of its weight.`;
}

function notes(texts: string[]): string | null {
  return texts.length ? `Read with care: ${texts.join(" ")}` : null;
}

const STRATEGY: Record<string, string> = { joint: "joint fusion of the image and the record", early: "early fusion of the image and the record", late: "late fusion of the image and the record", image_only: "the image alone" };

function model(m: ModelFacts): string {
  const by = `Scored by the model ${m.modelName} ${m.modelVersion}`;
  return m.path === "tabular_only" || m.strategy === "tabular_only"
    ? `${by} on the record alone (medical history, family history and diet); no image was used.`
    : `${by} with ${STRATEGY[m.strategy] ?? m.strategy}.`;
}

export const en: NarrativeMessages = {
  outcome,
  image,
  notes,
  model,
  notice: () => "Research use only — not for diagnosis. The model was trained on a synthetic cohort; it is not a medical device.",
};
