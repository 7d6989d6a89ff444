/** SVG plots of an evaluation (evaluation.ts): ROC, calibration (tenths of predicted risk), decision curve. */
import type { HeadReport } from "./evaluation";

const PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type Series = { name: string; points: [number, number][]; dash?: string; color?: string; markers?: boolean };

/** "Nice" axis: bounds widened to multiples of a 1 / 2 / 2.5 / 5 × 10^k step, about 5 ticks. */
export function niceAxis(lo: number, hi: number, target = 5): { lo: number; hi: number; ticks: number[] } {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const a = Math.floor(lo / step + 1e-9) * step, b = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = a; t <= b + step * 1e-6; t += step) ticks.push(Math.round(t / step) * step);
  return { lo: a, hi: b, ticks };
}
const fmt = (v: number) => {
  if (Math.abs(v) < 1e-12) return "0";
  const s = v.toPrecision(3);
  return String(Number(s));
};

export function lineChart(o: { title: string; xLabel: string; yLabel: string; x: [number, number]; y: [number, number]; series: Series[]; diagonal?: boolean }): string {
  const xa = niceAxis(o.x[0], o.x[1]), ya = niceAxis(o.y[0], o.y[1]);
  const L = 62, T = 34, PW = 300, PH = 300;
  const W = L + PW + 30, Hh = T + PH + 58 + 14 * o.series.length;
  const sx = (v: number) => L + ((v - xa.lo) / (xa.hi - xa.lo)) * PW;
  const sy = (v: number) => T + PH - ((Math.min(ya.hi, Math.max(ya.lo, v)) - ya.lo) / (ya.hi - ya.lo)) * PH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Hh}" viewBox="0 0 ${W} ${Hh}" font-family="sans-serif" role="img" aria-label="${esc(o.title)}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${L + PW / 2}" y="18" font-size="12" text-anchor="middle">${esc(o.title)}</text>`,
    `<rect x="${L}" y="${T}" width="${PW}" height="${PH}" fill="none" stroke="#000"/>`,
  ];
  for (const t of xa.ticks) parts.push(`<line x1="${sx(t)}" y1="${T + PH}" x2="${sx(t)}" y2="${T + PH + 5}" stroke="#000"/><text x="${sx(t)}" y="${T + PH + 17}" font-size="10" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of ya.ticks) parts.push(`<line x1="${L - 5}" y1="${sy(t)}" x2="${L}" y2="${sy(t)}" stroke="#000"/><text x="${L - 8}" y="${sy(t) + 3}" font-size="10" text-anchor="end">${fmt(t)}</text>`);
  if (ya.lo < 0 && ya.hi > 0) parts.push(`<line x1="${L}" y1="${sy(0)}" x2="${L + PW}" y2="${sy(0)}" stroke="#bbb"/>`);
  if (o.diagonal) {
    const a = Math.max(xa.lo, ya.lo), b = Math.min(xa.hi, ya.hi);
    parts.push(`<line x1="${sx(a)}" y1="${sy(a)}" x2="${sx(b)}" y2="${sy(b)}" stroke="#bbb" stroke-dasharray="3 3"/>`);
  }
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""} points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ")}"/>`);
    if (s.markers) for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    const ly = T + PH + 52 + i * 14;
    parts.push(`<line x1="${L}" y1="${ly}" x2="${L + 20}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/><text x="${L + 25}" y="${ly + 3}" font-size="10">${esc(s.name)}</text>`);
  });
  parts.push(`<text x="${L + PW / 2}" y="${T + PH + 33}" font-size="11" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text x="16" y="${T + PH / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 16 ${T + PH / 2})">${esc(o.yLabel)}</text>`);
  parts.push(`</svg>`);
  return parts.join("");
}

export function rocPlot(h: HeadReport, label = h.head): string {
  return lineChart({
    title: `ROC — ${label}`,
    xLabel: "false positive rate",
    yLabel: "true positive rate",
    x: [0, 1],
    y: [0, 1],
    diagonal: true,
    series: Object.entries(h.curves.roc).map(([name, c]) => ({ name: `${name} ${h.metrics[name].auroc.value.toFixed(3)}`, points: c.map((r) => [r.fpr, r.tpr] as [number, number]) })),
  });
}

export function calibrationPlot(h: HeadReport, label = h.head): string {
  let mx = 0;
  for (const c of Object.values(h.curves.calibration)) for (const r of c) mx = Math.max(mx, r.meanPred, r.observed);
  const top = Math.min(1, mx * 1.05);
  return lineChart({
    title: `Calibration — ${label} (tenths of predicted risk)`,
    xLabel: "mean predicted probability",
    yLabel: "observed frequency",
    x: [0, top],
    y: [0, top],
    diagonal: true,
    series: Object.entries(h.curves.calibration).map(([name, c]) => ({ name, markers: true, points: c.map((r) => [r.meanPred, r.observed] as [number, number]) })),
  });
}

export function decisionCurvePlot(h: HeadReport, label = h.head): string {
  const d = h.curves.decision;
  const all = [...Object.values(d.models).flat(), ...d.treatAll];
  const top = Math.max(0.01, ...all.filter(Number.isFinite)) * 1.1;
  return lineChart({
    title: `Decision curve — ${label}`,
    xLabel: "threshold probability",
    yLabel: "net benefit",
    x: [d.thresholds[0], d.thresholds[d.thresholds.length - 1]],
    y: [-top * 0.25, top],
    series: [
      ...Object.entries(d.models).map(([name, nb]) => ({ name, points: d.thresholds.map((t, i) => [t, nb[i]] as [number, number]) })),
      { name: "treat all", color: "#555", dash: "5 3", points: d.thresholds.map((t, i) => [t, d.treatAll[i]] as [number, number]) },
      { name: "treat none", color: "#aaa", dash: "2 3", points: d.thresholds.map((t) => [t, 0] as [number, number]) },
    ],
  });
}

export function plotsFor(report: { heads: HeadReport[] }, labels: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of report.heads) {
    const label = labels[h.head] ?? h.head;
    out[`roc-${h.head}.svg`] = rocPlot(h, label);
    out[`calibration-${h.head}.svg`] = calibrationPlot(h, label);
    out[`decision-${h.head}.svg`] = decisionCurvePlot(h, label);
  }
  return out;
}
