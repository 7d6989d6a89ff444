"use client";
import dynamic from "next/dynamic";
import { createContext, useContext, useMemo } from "react";
import type { AssessmentView } from "@/lib/db/assessments";
import { riskTrend, type TrendPoint } from "@/lib/domain";
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

const basisWords = (p: TrendPoint) => (p.basis === "joint" ? "image and record (joint)" : "record only");

/**
 * The risk trend: per outcome its own chart (one line each, the category bands behind it), every
 * point marked by the scan's modality (shape) and by whether the image was used (filled) or the
 * score rests on the record alone (hollow); ISO dates. The same data as a table for screen readers
 * and for reading exact values.
 */
export function AssessmentHistoryChart({ history }: { history: AssessmentView[] }) {
  const { modalityOf, bands } = useContext(TrendContext);
  const series = useMemo(() => riskTrend(history, modalityOf, bands), [history, modalityOf, bands]);
  const rows = series.flatMap((s) => s.points.map((p) => ({ s, p }))).sort((x, y) => y.p.t - x.p.t || x.s.head.localeCompare(y.s.head));
  return (
    <figure className="risk-trend" data-testid="history-chart" aria-label={`Risk trend: ${series.map((s) => `${s.label}, ${s.points.length} assessments`).join("; ")}`}>
      <RiskTrendCharts series={series} />
      <figcaption className="trend-legend small">
        <span><TrendMarker modality="CT" basis="joint" /> CT</span>
        <span><TrendMarker modality="MR" basis="joint" /> MR</span>
        <span><TrendMarker modality="OT" basis="joint" /> other modality</span>
        <span><TrendMarker modality={null} basis="record-only" /> no scan</span>
        <span><TrendMarker modality="CT" basis="joint" /> filled: image used (joint)</span>
        <span><TrendMarker modality="CT" basis="record-only" /> hollow: record only</span>
        <span><i className="band-swatch band-low" aria-hidden="true" />low <i className="band-swatch band-moderate" aria-hidden="true" />moderate <i className="band-swatch band-high" aria-hidden="true" />high</span>
        <span className="muted">Research use only — not for diagnosis.</span>
      </figcaption>
      <details className="trend-table">
        <summary>Trend as a table</summary>
        <table data-testid="trend-table">
          <thead><tr><th>Date</th><th>Outcome</th><th className="num">Risk</th><th>Category</th><th>Scan</th><th>Basis</th></tr></thead>
          <tbody>
            {rows.map(({ s, p }) => (
              <tr key={`${p.assessmentId}-${s.head}`}>
                <td className="date">{p.date}</td>
                <td>{s.shortLabel}</td>
                <td className="num">{p.percent.toFixed(1)}%</td>
                <td>{p.category}</td>
                <td>{p.modality ?? "none"}</td>
                <td>{basisWords(p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
