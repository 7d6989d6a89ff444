"use client";
import { useLocale, useTranslations } from "next-intl";
import { localizeOutcomeLabel } from "@/lib/domain/clinical-terms";
import dynamic from "next/dynamic";
import { createContext, useContext, useMemo } from "react";
import type { AssessmentView } from "@/lib/db/assessments";
import { riskTrend } from "@/lib/domain";
import type { CategoryThresholds } from "@/lib/domain/outcomes";
import { TrendMarker } from "./trend-marker";

// recharts (~120 kB compressed) is not needed to show the record: it loads after the page is up,
// into boxes of the charts' final height, so nothing moves when it arrives.
const RiskTrendCharts = dynamic(() => import("./RiskTrendCharts"), { ssr: false, loading: () => <div style={{ height: 320 }} aria-hidden="true" /> });

/**
 * What the trend needs beyond the assessments: each scan's modality and each outcome's category
 * thresholds (of the active model version). The record page's Workspace provides them, so the
 * risk panel passes only the history.
 */
export const TrendContext = createContext<{ modalityOf: Record<string, string>; bands: Record<string, CategoryThresholds> }>({ modalityOf: {}, bands: {} });


/**
 * The risk trend: per outcome its own chart (one line each, the category bands behind it), every
 * point marked by the scan's modality (shape) and by whether the image was used (filled) or the
 * score rests on the record alone (hollow); ISO dates. The same data as a table for screen readers
 * and for reading exact values.
 */
export function AssessmentHistoryChart({ history }: { history: AssessmentView[] }) {
  const { modalityOf, bands } = useContext(TrendContext);
  const t = useTranslations("trend");
  const tc = useTranslations("risk.category");
  const tcommon = useTranslations("common");
  const locale = useLocale();
  const series = useMemo(
    () => riskTrend(history, modalityOf, bands).map((s) => ({ ...s, label: localizeOutcomeLabel(s.label, locale), shortLabel: localizeOutcomeLabel(s.shortLabel, locale) })),
    [history, modalityOf, bands, locale],
  );
  const rows = series.flatMap((s) => s.points.map((p) => ({ s, p }))).sort((x, y) => y.p.t - x.p.t || x.s.head.localeCompare(y.s.head));
  return (
    <figure className="risk-trend" data-testid="history-chart" aria-label={t("label", { series: series.map((s) => t("seriesItem", { label: s.label, count: s.points.length })).join("; ") })}>
      <RiskTrendCharts series={series} />
      <figcaption className="trend-legend small">
        <span><TrendMarker modality="CT" basis="joint" /> {t("ct")}</span>
        <span><TrendMarker modality="MR" basis="joint" /> {t("mr")}</span>
        <span><TrendMarker modality="OT" basis="joint" /> {t("otherModality")}</span>
        <span><TrendMarker modality={null} basis="record-only" /> {t("noScan")}</span>
        <span><TrendMarker modality="CT" basis="joint" /> {t("filled")}</span>
        <span><TrendMarker modality="CT" basis="record-only" /> {t("hollow")}</span>
        <span><i className="band-swatch band-low" aria-hidden="true" />{tc("low")} <i className="band-swatch band-moderate" aria-hidden="true" />{tc("moderate")} <i className="band-swatch band-high" aria-hidden="true" />{tc("high")}</span>
        <span className="muted">{tcommon("researchOnly")}</span>
      </figcaption>
      <details className="trend-table">
        <summary>{t("asTable")}</summary>
        <table data-testid="trend-table">
          <thead><tr><th>{t("date")}</th><th>{t("outcome")}</th><th className="num">{t("risk")}</th><th>{t("category")}</th><th>{t("scan")}</th><th>{t("basis")}</th></tr></thead>
          <tbody>
            {rows.map(({ s, p }) => (
              <tr key={`${p.assessmentId}-${s.head}`}>
                <td className="date">{p.date}</td>
                <td>{s.shortLabel}</td>
                <td className="num">{p.percent.toFixed(1)}%</td>
                <td>{tc(p.category)}</td>
                <td>{p.modality ?? t("none")}</td>
                <td>{p.basis === "joint" ? t("joint") : t("recordOnly")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
