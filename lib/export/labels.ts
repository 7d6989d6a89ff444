/**
 * Outcome labels "where known", from coded conditions recorded after the assessment.
 *   1     an outcome code with onset in (assessment date, assessment date + horizon]
 *   0     the horizon has fully elapsed (assessment date + horizon ≤ export date) with no such code
 *   null  follow-up not complete yet (unknown)
 * Heads follow the fusion model's outcome names.
 */
import { normalizeIcd } from "./codes";

export type LabelRule = { head: string; horizonYears: number; codes: string; description: string; test: (normalizedCode: string) => boolean };

const inRange = (code: string, from: string, to: string) => code.slice(0, from.length) >= from && code.slice(0, to.length) <= to;

export const LABEL_RULES: LabelRule[] = [
  { head: "lung_cancer_2y", horizonYears: 2, codes: "C34", description: "Lung cancer (ICD-10 C34) diagnosed within 2 years after the assessment", test: (c) => c.startsWith("C34") },
  {
    head: "mace_5y",
    horizonYears: 5,
    codes: "I21–I22, I46, I63–I64",
    description: "Major adverse cardiovascular event (myocardial infarction I21–I22, cardiac arrest I46, stroke I63–I64) within 5 years after the assessment",
    test: (c) => inRange(c, "I21", "I22") || c.startsWith("I46") || inRange(c, "I63", "I64"),
  },
];

/** YYYY-MM-DD + whole years, by string (29 Feb → 28 Feb); no Date objects per row. */
function addYears(iso: string, y: number): string {
  const md = iso.slice(5) === "02-29" ? "02-28" : iso.slice(5);
  return `${String(Number(iso.slice(0, 4)) + y).padStart(4, "0")}-${md}`;
}

export function outcomeLabels(conditions: { codeSystem: string; code: string; onsetDate: string | null }[], asOf: string, today: string): (number | null)[] {
  return LABEL_RULES.map((rule) => {
    const end = addYears(asOf, rule.horizonYears);
    const hit = conditions.some((c) => c.codeSystem === "ICD10" && c.onsetDate !== null && c.onsetDate > asOf && c.onsetDate <= end && rule.test(normalizeIcd(c.code)));
    if (hit) return 1;
    return end <= today ? 0 : null;
  });
}
