"use client";
import { useTranslations } from "next-intl";
import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { isoDay, type TrendPoint, type TrendSeries } from "@/lib/domain";
import { TREND_COLOR, markerPath, markerShape } from "./trend-marker";

const DAY = 86_400_000;
const BAND = { low: "#e3eefa", moderate: "#fcefd2", high: "#fadccc" };

/** A point: shape by modality, filled when the image was used; data-* for tests and tools. */
function Point(props: { cx?: number; cy?: number; payload?: TrendPoint }) {
  const { cx, cy, payload: p } = props;
  if (cx === undefined || cy === undefined || !p) return <g />;
  const m = markerPath(markerShape(p.modality), cx, cy);
  const paint = { fill: p.basis === "joint" ? TREND_COLOR : "#fff", stroke: TREND_COLOR, strokeWidth: 1.8 };
  return (
    <g className="trend-point" data-date={p.date} data-modality={p.modality ?? "none"} data-basis={p.basis} data-percent={p.percent}>
      {m.circle ? <circle cx={cx} cy={cy} r={4.5} {...paint} /> : <path d={m.d} {...paint} />}
    </g>
  );
}

function Tip({ active, payload }: { active?: boolean; payload?: { payload: TrendPoint }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  const t = useTranslations("trend");
  const tc = useTranslations("risk.category");
  if (!p) return null;
  return (
    <div className="trend-tip">
      <strong>{p.date}</strong> · {p.percent.toFixed(1)}% ({tc(p.category)})
      <br />
      {p.modality ? t("tipScan", { modality: p.modality }) : t("noScan")} · {p.basis === "joint" ? t("tipJoint") : t("recordOnly")}
      <br />
      <span className="muted">{p.model}</span>
    </div>
  );
}

/** Three or fewer ticks from first to last date, so ISO dates never overlap in the side panel. */
function ticksFor(lo: number, hi: number): number[] {
  if (hi - lo < 2 * DAY) return [lo];
  return [lo, lo + (hi - lo) / 2, hi];
}

/** One chart per outcome (recharts, loaded on its own: ~120 kB of script). */
export default function RiskTrendCharts({ series }: { series: TrendSeries[] }) {
  return (
    <div className="trend-charts">
      {series.map((s) => {
        const ts = s.points.map((p) => p.t);
        const lo = Math.min(...ts), hi = Math.max(...ts);
        const pad = Math.max(DAY, (hi - lo) * 0.05);
        const top = Math.max(...s.points.map((p) => p.percent));
        const moderate = s.bands ? s.bands.moderateFrom * 100 : null;
        const high = s.bands ? s.bands.highFrom * 100 : null;
        const yMax = Math.min(100, Math.ceil(Math.max(top * 1.2, (high ?? 0) * 1.25, 5) / 5) * 5);
        return (
          <div key={s.head} className="trend-chart" data-testid={`risk-trend-${s.head}`} data-points={s.points.length}>
            <div className="trend-title">{s.label}</div>
            <ResponsiveContainer width="100%" height={150}>
              <LineChart data={s.points} margin={{ top: 6, right: 14, bottom: 0, left: -14 }}>
                {moderate !== null && high !== null && (
                  <>
                    <ReferenceArea y1={0} y2={Math.min(moderate, yMax)} fill={BAND.low} fillOpacity={1} ifOverflow="hidden" className="band band-low" />
                    {moderate < yMax && <ReferenceArea y1={moderate} y2={Math.min(high, yMax)} fill={BAND.moderate} fillOpacity={1} ifOverflow="hidden" className="band band-moderate" />}
                    {high < yMax && <ReferenceArea y1={high} y2={yMax} fill={BAND.high} fillOpacity={1} ifOverflow="hidden" className="band band-high" />}
                  </>
                )}
                <CartesianGrid strokeDasharray="3 3" stroke="#c9d1d9" vertical={false} />
                <XAxis dataKey="t" type="number" scale="time" domain={[lo - pad, hi + pad]} ticks={ticksFor(lo, hi)} tickFormatter={(t: number) => isoDay(t)} fontSize={10} />
                <YAxis unit="%" fontSize={10} domain={[0, yMax]} allowDataOverflow />
                <Tooltip content={<Tip />} />
                <Line type="linear" dataKey="percent" name={s.label} stroke={TREND_COLOR} strokeWidth={2} dot={<Point />} activeDot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        );
      })}
    </div>
  );
}
