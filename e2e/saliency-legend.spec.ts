// The saliency overlay's legend (issue 16 item 2): shown only with the overlay, it names the
// outcome the map explains — the assessment's headline outcome, as stored — lets the clinician
// switch to another outcome's map, shows the colour ramp with low → high, passes axe, and stays
// off the image centre (also at 1024×768). Needs the e2e seed's synthetic CT of DEMO-000000
// (scripts/e2e-server.mjs → scripts/dev/seed-workspace.ts), assessed by joint fusion.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { loginAs } from "./support/login";

const SHOTS = process.env.SHOTS_DIR ?? "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

type Scan = { id: string; modality: string; contentType: string };
type Record_ = { id: string; scans: Scan[]; assessments: { id: string; scanId: string | null; status: string; strategy: string; createdAt: string }[] };
type OutcomeMap = { head: string; label: string; shortLabel: string; width: number; height: number; data: string; frame: number };
type Detail = {
  explainedHead: string | null;
  scores: { head: string; label: string; shortLabel: string }[];
  saliency: (OutcomeMap & { byOutcome: OutcomeMap[] }) | null;
};

async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let axe = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]);
  if (include) axe = axe.include(include);
  const result = await axe.analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")} ${n.failureSummary?.replace(/\s+/g, " ") ?? ""}`).join(" | ")}`);
}

/** DEMO-000000's record and the synthetic CT's newest finished joint assessment (what the risk panel shows for it). */
async function seededCt(page: Page) {
  const list = await page.request.get("/api/patients?q=DEMO-000000");
  expect(list.ok()).toBeTruthy();
  const hit = ((await list.json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === "DEMO-000000");
  expect(hit, "DEMO-000000 is seeded by scripts/e2e-server.mjs").toBeTruthy();
  const rec = (await (await page.request.get(`/api/patients/${hit!.id}`)).json()) as Record_;
  const ct = rec.scans.find((s) => s.modality === "CT" && s.contentType === "application/dicom" && rec.assessments.some((a) => a.scanId === s.id && a.strategy === "joint"));
  expect(ct, "DEMO-000000 has the seeded synthetic CT with a joint-fusion assessment (scripts/dev/seed-workspace.ts)").toBeTruthy();
  const done = rec.assessments.filter((a) => a.scanId === ct!.id && a.status === "done").sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  const detail = (await (await page.request.get(`/api/assessments/${done.id}`)).json()) as Detail;
  return { rec, ct: ct!, detail };
}

async function openWithOverlay(page: Page, recordId: string, scanId: string) {
  await page.goto(`/patients/${recordId}`);
  await page.getByTestId(`thumb-${scanId}`).click();
  await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await expect(page.getByTestId("saliency-legend")).toHaveCount(0); // no overlay, no legend
  await page.getByTestId("saliency-toggle").check();
  await expect(page.getByTestId("saliency-overlay")).toHaveCount(1);
  await expect(page.getByTestId("saliency-legend")).toBeVisible();
}

/** The legend's box lies clear of the viewport's centre (with a margin around it). */
async function clearOfCentre(page: Page) {
  const frame = (await page.locator(".viewport-frame").boundingBox())!;
  const legend = (await page.getByTestId("saliency-legend").boundingBox())!;
  const cx = frame.x + frame.width / 2, cy = frame.y + frame.height / 2;
  const margin = frame.width * 0.1;
  const coversCentre = legend.x < cx + margin && legend.x + legend.width > cx - margin && legend.y < cy + margin && legend.y + legend.height > cy - margin;
  expect(coversCentre, `legend ${JSON.stringify(legend)} covers the centre of the viewport ${JSON.stringify(frame)}`).toBe(false);
  expect(legend.x + legend.width).toBeLessThanOrEqual(frame.x + frame.width);
  expect(legend.y).toBeGreaterThanOrEqual(frame.y);
}

test.beforeEach(async ({ page }) => {
  await loginAs(page, "clinician");
});

test("the legend names the outcome the stored map explains, switches outcome, shows the ramp and goes with the overlay", async ({ page }) => {
  const { rec, ct, detail } = await seededCt(page);
  // what the API stores: the headline map is the explained head's, in the scores' words, and one map per outcome
  const sal = detail.saliency!;
  expect(sal, "the joint-fusion assessment has a saliency map").toBeTruthy();
  expect(sal.head).toBe(detail.explainedHead);
  expect(sal.label).toBe(detail.scores.find((s) => s.head === sal.head)!.label);
  expect(sal.byOutcome.map((m) => m.head)).toEqual(detail.scores.map((s) => s.head));
  expect(sal.byOutcome.map((m) => [m.label, m.shortLabel])).toEqual(detail.scores.map((s) => [s.label, s.shortLabel]));
  expect(sal.byOutcome.find((m) => m.head === sal.head)!.data).toBe(sal.data);

  await openWithOverlay(page, rec.id, ct.id);
  const legend = page.getByTestId("saliency-legend");
  await expect(legend).toHaveAttribute("data-head", sal.head);
  await expect(page.getByTestId("saliency-overlay")).toHaveAttribute("data-head", sal.head);
  await expect(legend).toContainText("Saliency for:");
  await expect(page.getByTestId("saliency-outcome-label")).toHaveText(sal.label);
  await expect(legend).toContainText("Low");
  await expect(legend).toContainText("High");
  await expect(legend).toContainText("Relative contribution");
  // the ramp is the overlay's own colours (viridis-like: dark blue → yellow)
  const gradient = await page.getByTestId("saliency-legend-bar").evaluate((el) => getComputedStyle(el).backgroundImage);
  expect(gradient).toMatch(/^linear-gradient\(to right, rgb\(/);
  expect(gradient).toContain("rgb(253, 231, 37)");

  const picker = page.getByTestId("saliency-outcome");
  const other = sal.byOutcome.find((m) => m.head !== sal.head);
  if (other) {
    await expect(picker).toHaveValue(sal.head);
    const optionText = (m: OutcomeMap) => (m.head === sal.head ? `${m.shortLabel} (largest image share)` : m.shortLabel);
    await expect(picker.locator("option")).toHaveText(sal.byOutcome.map(optionText));
  } else {
    await expect(picker).toHaveCount(0);
  }
  await clearOfCentre(page);
  expect(await seriousViolations(page, '[data-testid="saliency-legend"]')).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]); // the whole record page with the overlay on
  await page.screenshot({ path: `${SHOTS}/saliency-legend.png` });
  await page.getByTestId("saliency-legend").screenshot({ path: `${SHOTS}/saliency-legend-detail.png` });

  if (other) {
    // the viewer's keys stay with the viewer: working the list neither changes frame nor hides the overlay
    const frameBefore = await page.getByTestId("viewport").getAttribute("data-frame");
    await picker.selectOption(other.head);
    await expect(legend).toHaveAttribute("data-head", other.head);
    await expect(page.getByTestId("saliency-overlay")).toHaveAttribute("data-head", other.head);
    await expect(page.getByTestId("saliency-outcome-label")).toHaveText(other.label);
    await picker.focus();
    await page.keyboard.press("s");
    await expect(page.getByTestId("saliency-overlay")).toHaveCount(1);
    await expect(page.getByTestId("viewport")).toHaveAttribute("data-frame", frameBefore ?? "0");
    await page.screenshot({ path: `${SHOTS}/saliency-legend-other-outcome.png` });
  }

  // off: overlay and legend go together (the checkbox, then the viewer's S key)
  await page.getByTestId("saliency-toggle").uncheck();
  await expect(page.getByTestId("saliency-overlay")).toHaveCount(0);
  await expect(legend).toHaveCount(0);
  await page.getByTestId("saliency-toggle").check();
  await expect(legend).toBeVisible();
  await expect(legend).toHaveAttribute("data-head", other?.head ?? sal.head); // the pick holds for this assessment
  await page.locator(".viewport-frame").focus();
  await page.keyboard.press("s");
  await expect(legend).toHaveCount(0);
});

test("at 1024×768 the legend stays readable and off the image centre", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  const { rec, ct, detail } = await seededCt(page);
  await openWithOverlay(page, rec.id, ct.id);
  await expect(page.getByTestId("saliency-legend")).toHaveAttribute("data-head", detail.saliency!.head);
  await expect(page.getByTestId("saliency-outcome-label")).toHaveText(detail.saliency!.label);
  await clearOfCentre(page);
  expect(await seriousViolations(page, '[data-testid="saliency-legend"]')).toEqual([]);
  await page.locator(".viewport-frame").screenshot({ path: `${SHOTS}/saliency-legend-1024x768.png` });
});
