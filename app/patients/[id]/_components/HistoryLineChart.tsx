"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; dashes too.
const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
const DASH = ["", "6 3", "2 2", "8 2 2 2", "4 4"];

export type HistoryPoint = { t: number; version: string } & Record<string, number | string>;

/** The recharts line chart of the risk history (loaded on its own: recharts is ~120 kB of script). */
export default function HistoryLineChart({ data, heads }: { data: HistoryPoint[]; heads: [string, string][] }) {
  const fmt = (t: number) => new Date(t).toLocaleDateString("en-GB", { month: "short", year: "2-digit" });
  return (
    <ResponsiveContainer width="100%" height={180}>
      <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#d9dee4" />
        <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={fmt} fontSize={11} />
        <YAxis unit="%" fontSize={11} domain={[0, "auto"]} />
        <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleDateString("en-GB")} formatter={(v) => `${v}%`} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {heads.map(([head, label], i) => (
          <Line key={head} type="monotone" dataKey={head} name={label} stroke={COLORS[i % COLORS.length]} strokeDasharray={DASH[i % DASH.length]} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
