"use client";
import dynamic from "next/dynamic";
import type { AssessmentView } from "@/lib/db/assessments";
import type { HistoryPoint } from "./HistoryLineChart";

// recharts (~120 kB compressed) is not needed to show the record: it loads after the page is up,
// into a box of the chart's final height, so nothing moves when it arrives.
const HistoryLineChart = dynamic(() => import("./HistoryLineChart"), { ssr: false, loading: () => <div style={{ height: 180 }} aria-hidden="true" /> });

/** Probability per head over time (done assessments, oldest → newest). */
export function AssessmentHistoryChart({ history }: { history: AssessmentView[] }) {
  const done = history.filter((h) => h.status === "done" && h.scores.length).slice().reverse();
  const heads = [...new Map(done.flatMap((h) => h.scores.map((s) => [s.head, s.label] as const))).entries()];
  const data: HistoryPoint[] = done.map((h) => ({
    t: new Date(h.completedAt ?? h.createdAt).getTime(),
    version: `${h.modelName} ${h.modelVersion}`,
    ...Object.fromEntries(h.scores.map((s) => [s.head, Math.round(s.probability * 1000) / 10])),
  }));
  return (
    <figure className="history-chart" data-testid="history-chart" aria-label={`Risk history: ${data.length} assessments`}>
      <HistoryLineChart data={data} heads={heads} />
      <figcaption className="sr-only" suppressHydrationWarning>
        {data.map((d) => `${new Date(d.t).toLocaleDateString("en-GB")}: ${heads.map(([h, l]) => `${l} ${(d as Record<string, unknown>)[h]}%`).join(", ")}`).join("; ")}
      </figcaption>
    </figure>
  );
}
