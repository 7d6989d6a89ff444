"use client";
// The saliency overlay's key: which outcome the map explains (the clinician can switch when the
// assessment stored one map per outcome) and what its colours mean. Sits in the viewport's top
// right corner, away from the image centre, and exists only while the overlay is drawn.
import { useId, type KeyboardEvent } from "react";
import type { OutcomeSaliencyView } from "@/lib/domain/assessment";
import { legendGradient, SALIENCY_THRESHOLD } from "./saliencyColormap";
import styles from "./SaliencyLegend.module.css";

const TEXT = {
  legend: "Saliency legend",
  for: "Saliency for",
  low: "Low",
  high: "High",
  scale: "relative contribution",
  scaleLong: (threshold: number) =>
    `Grad-CAM: how much each area of the image contributed to this outcome's score, relative to the map's strongest area; areas below ${Math.round(threshold * 100)}% are not coloured.`,
  headline: "largest image share",
};

const GRADIENT = legendGradient();

type Props = {
  /** every outcome with a map, in the order of the scores */
  outcomes: OutcomeSaliencyView[];
  /** the outcome drawn now */
  shown: OutcomeSaliencyView;
  /** the outcome the assessment's headline map explains (the largest image contribution) */
  headline: string;
  onPick: (head: string) => void;
};

export function SaliencyLegend({ outcomes, shown, headline, onPick }: Props) {
  const selectId = useId();
  const scaleId = useId();
  // the viewport's own keys (arrows change frame, S hides the overlay) must not fire while the
  // clinician works the outcome list
  const keepKeys = (e: KeyboardEvent) => e.stopPropagation();
  return (
    <div className={styles.legend} role="group" aria-label={TEXT.legend} aria-describedby={scaleId} data-testid="saliency-legend" data-head={shown.head} onKeyDown={keepKeys}>
      {outcomes.length > 1 ? (
        <label className={styles.outcome} htmlFor={selectId}>
          <span>{TEXT.for}</span>
          <select id={selectId} className={styles.select} value={shown.head} onChange={(e) => onPick(e.target.value)} data-testid="saliency-outcome" title={shown.label}>
            {outcomes.map((o) => (
              <option key={o.head} value={o.head}>
                {o.label}{o.head === headline ? ` (${TEXT.headline})` : ""}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p className={styles.outcome}>
          <span>{TEXT.for}</span> <strong data-testid="saliency-outcome-label">{shown.label}</strong>
        </p>
      )}
      <div className={styles.bar} style={{ backgroundImage: GRADIENT }} title={TEXT.scaleLong(SALIENCY_THRESHOLD)} data-testid="saliency-legend-bar" />
      <div className={styles.scale}>
        <span>{TEXT.low}</span>
        <span>{TEXT.scale}</span>
        <span>{TEXT.high}</span>
      </div>
      <p id={scaleId} className="sr-only">
        {TEXT.scaleLong(SALIENCY_THRESHOLD)}
      </p>
    </div>
  );
}
