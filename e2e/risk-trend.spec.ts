// The risk trend on the record page (issue 16 item 3): per outcome its own chart with one line,
// category bands behind it, every point marked by the scan's modality and by whether the image was
// used (joint) or the score rests on the record alone, ISO dates on the axis, the same data as a
// table. DEMO-000000 has assessed scans of several modalities (scripts/dev/seed-workspace.ts).
import { expect, test } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { loginAs } from "./support/login";

const SHOTS = process.env.SHOTS_DIR ?? "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

type Rec = { id: string; scans: { id: string; modality: string }[]; assessments: { id: string; scanId: string | null; status: string; strategy: string; scores: Record<string, unknown> | null; resultError: string | null }[] };

test("risk trend: one line per outcome, modality and joint/record-only markers, ISO dates, category bands", async ({ page }) => {
  await loginAs(page, "clinician");
  const hit = ((await (await page.request.get("/api/patients?q=DEMO-000000")).json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === "DEMO-000000")!;
  const rec = (await (await page.request.get(`/api/patients/${hit.id}`)).json()) as Rec;
  const done = rec.assessments.filter((a) => a.status === "done" && a.scores && Object.keys(a.scores).length && !a.resultError);
  const headsOf = (a: Rec["assessments"][number]) => Object.keys(a.scores ?? {});
  expect(done.length, "the e2e seed assesses DEMO-000000's scans").toBeGreaterThanOrEqual(3);
  const heads = [...new Set(done.flatMap(headsOf))];
  expect(heads.length).toBeGreaterThanOrEqual(1);

  await page.goto(`/patients/${hit.id}`);
  const trend = page.getByTestId("history-chart");
  await trend.scrollIntoViewIfNeeded();
  for (const head of heads) {
    const chart = trend.getByTestId(`risk-trend-${head}`);
    await expect(chart).toBeVisible();
    // exactly one line, a point per finished assessment
    await expect(chart.locator(".recharts-line")).toHaveCount(1);
    const points = chart.locator(".trend-point");
    await expect(points).toHaveCount(Number(await chart.getAttribute("data-points")));
    expect(await points.count()).toBeGreaterThanOrEqual(3);
    // the three category bands
    for (const band of ["low", "moderate", "high"]) await expect(chart.locator(`.band-${band}`)).toHaveCount(1);
    // ISO dates on the axis and on every point
    // (recharts 3 draws tick labels in their own layer: the x-axis ones are those without a % unit)
    const xTicks = async () => (await chart.locator(".recharts-cartesian-axis-tick-value").allTextContents()).map((t) => t.trim()).filter((t) => t && !t.endsWith("%"));
    await expect.poll(async () => (await xTicks()).length).toBeGreaterThanOrEqual(1);
    const ticks = await xTicks();
    for (const t of ticks) expect(t).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const d of await points.evaluateAll((els) => els.map((e) => e.getAttribute("data-date")))) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // markers: modality and basis of every point match the assessments
    const marks = await points.evaluateAll((els) => els.map((e) => `${e.getAttribute("data-modality")}/${e.getAttribute("data-basis")}`));
    const modalityOf = new Map(rec.scans.map((s) => [s.id, s.modality]));
    const want = done
      .filter((a) => headsOf(a).includes(head))
      .map((a) => `${a.scanId ? modalityOf.get(a.scanId) : "none"}/${a.scanId && a.strategy !== "tabular_only" ? "joint" : "record-only"}`)
      .sort();
    expect(marks.slice().sort()).toEqual(want);
    expect(marks.some((m) => m.endsWith("/joint"))).toBe(true);
    expect(marks.some((m) => m.endsWith("/record-only"))).toBe(true);
  }
  // legend and research label
  await expect(trend).toContainText("hollow: record only");
  await expect(trend).toContainText("Research use only — not for diagnosis.");
  // the table: the same points with ISO dates
  await trend.getByText("Trend as a table").click();
  const rows = trend.getByTestId("trend-table").locator("tbody tr");
  expect(await rows.count()).toBe(done.reduce((n, a) => n + headsOf(a).length, 0));
  await expect(rows.first().locator("td").first()).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await trend.getByText("Trend as a table").click();
  await trend.screenshot({ path: `${SHOTS}/risk-trend.png` });
});
