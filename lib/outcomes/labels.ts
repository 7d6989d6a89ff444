/**
 * Outcome labels of a model head with a horizon (`lung_cancer_2y`, `mace_5y`), derived from the
 * recorded outcomes and the follow-up of one patient at one index date (README.md "Labels"):
 *   1     an event of the head's outcome in (index date, index date + horizon]
 *   0     follow-up reaches index date + horizon with no such event
 *   null  censored (excluded from that head): follow-up ends before the horizon, or the event
 *         already happened on or before the index date (prevalent, not a prediction)
 * Pure: dates are YYYY-MM-DD strings compared as text; entries marked entered in error are not
 * passed in (the reader filters them).
 */
import { headHorizon } from "@/lib/domain/outcome-record";

export type Label = 0 | 1 | null;
export type OutcomeEventDate = { outcome: string; occurredOn: string };

/** YYYY-MM-DD + whole years (29 Feb → 28 Feb in a year without one). */
export function addYears(iso: string, years: number): string {
  const y = Number(iso.slice(0, 4)) + years;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const md = iso.slice(5) === "02-29" && !leap ? "02-28" : iso.slice(5);
  return `${String(y).padStart(4, "0")}-${md}`;
}

/** The later of two optional dates. */
export const laterDate = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);

export function deriveLabel(head: string, indexDate: string, events: readonly OutcomeEventDate[], followUpEnd: string | null): Label {
  const h = headHorizon(head);
  if (!h) return null;
  const mine = events.filter((e) => e.outcome === h.outcome);
  if (mine.some((e) => e.occurredOn <= indexDate)) return null;
  const end = addYears(indexDate, h.horizonYears);
  if (mine.some((e) => e.occurredOn <= end)) return 1;
  return followUpEnd !== null && followUpEnd >= end ? 0 : null;
}

export function deriveLabels(heads: readonly string[], indexDate: string, events: readonly OutcomeEventDate[], followUpEnd: string | null): Record<string, Label> {
  return Object.fromEntries(heads.map((h) => [h, deriveLabel(h, indexDate, events, followUpEnd)]));
}
