"use client";
import { useLocale, useTranslations } from "next-intl";
import { localizeOutcomeLabel } from "@/lib/domain/clinical-terms";
// The saliency overlay's key: which outcome the map explains (the clinician can switch when the
// assessment stored one map per outcome) and what its colours mean. Sits in the viewport's top
// right corner, away from the image centre, and exists only while the overlay is drawn.
import { useId, type CSSProperties, type KeyboardEvent } from "react";
import type { OutcomeSaliencyView } from "@/lib/domain/assessment";
import { legendGradient, SALIENCY_THRESHOLD } from "./saliencyColormap";

/** The legend's words in the interface language (messages/<locale>.json → viewer.saliencyLegend). */
function useLegendText() {
  const t = useTranslations("viewer.saliencyLegend");
  return {
    legend: t("legend"),
    for: t("for"),
    pick: t("pick"),
    low: t("low"),
    high: t("high"),
    scale: t("scale"),
    scaleLong: (threshold: number) => t("scaleLong", { percent: Math.round(threshold * 100) }),
    headline: t("headline"),
  };
}

const GRADIENT = legendGradient();

// Inline styles, not a stylesheet: a CSS file imported here would join the viewer's dynamic import
// and be one more request the browser must finish before the viewer can start (bench:record).
// Top right of the viewport (the other corners carry the modality, W/L and zoom): never over the
// image centre. Opaque, so the text's contrast does not depend on the image underneath.
const S = {
  legend: {
    position: "absolute", top: 6, right: 8, width: "min(15rem, 42%)", padding: "0.35rem 0.5rem 0.3rem",
    background: "#161b22", color: "#e6edf3", border: "1px solid #484f58", borderRadius: 4,
    fontSize: "0.75rem", lineHeight: 1.3, boxShadow: "0 1px 4px #0008",
  },
  outcome: { margin: "0 0 0.3rem" },
  select: { display: "block", width: "100%", minHeight: 24, margin: "0 0 0.3rem", font: "inherit", color: "#e6edf3", background: "#0d1117", border: "1px solid #8b949e", borderRadius: 3, padding: "0.1rem 0.2rem" },
  bar: { height: 10, border: "1px solid #8b949e", borderRadius: 2, backgroundImage: GRADIENT },
  caption: { margin: "0 0 0.15rem" },
  ends: { display: "flex", justifyContent: "space-between", marginTop: "0.1rem" },
} satisfies Record<string, CSSProperties>;

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
  const scaleId = useId();
  const TEXT = useLegendText();
  const locale = useLocale();
  // the viewport's own keys (arrows change frame, S hides the overlay) must not fire while the
  // clinician works the outcome list
  const keepKeys = (e: KeyboardEvent) => e.stopPropagation();
  return (
    <div style={S.legend} role="group" aria-label={TEXT.legend} aria-describedby={scaleId} data-testid="saliency-legend" data-head={shown.head} onKeyDown={keepKeys}>
      {/* the statement in full (it wraps); the list, when there is a choice, in the model's short words */}
      <p style={S.outcome}>
        {TEXT.for} <strong style={{ fontWeight: 600 }} data-testid="saliency-outcome-label">{localizeOutcomeLabel(shown.label, locale)}</strong>
      </p>
      {outcomes.length > 1 && (
        <select style={S.select} aria-label={TEXT.pick} value={shown.head} onChange={(e) => onPick(e.target.value)} data-testid="saliency-outcome">
          {outcomes.map((o) => (
            <option key={o.head} value={o.head}>
              {localizeOutcomeLabel(o.shortLabel, locale)}{o.head === headline ? ` (${TEXT.headline})` : ""}
            </option>
          ))}
        </select>
      )}
      <p style={S.caption}>{TEXT.scale}</p>
      <div style={S.bar} title={TEXT.scaleLong(SALIENCY_THRESHOLD)} data-testid="saliency-legend-bar" />
      <div style={S.ends}>
        <span>{TEXT.low}</span>
        <span>{TEXT.high}</span>
      </div>
      <p id={scaleId} className="sr-only">
        {TEXT.scaleLong(SALIENCY_THRESHOLD)}
      </p>
    </div>
  );
}
