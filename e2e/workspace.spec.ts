// Clinician workspace in real Chromium against the production build: the DICOM viewer on real
// files (pydicom's test files + the synthetic CT), its tools, the saliency overlay, the risk
// panel and the record forms. Needs scans + assessments in the database: the e2e seed
// (`scripts/e2e-server.mjs` → scripts/dev/seed-workspace.ts) provides them for DEMO-000000 and
// DEMO-000001; without them the tests fail, saying why.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { PNG } from "pngjs";
import { loginAs } from "./support/login";

type Scan = { id: string; modality: string; contentType: string; frames: number; transferSyntaxUid: string | null; photometricInterpretation: string | null };
type Record_ = { id: string; mrn: string; scans: Scan[]; assessments: { id: string; scanId: string | null; status: string; strategy: string }[] };

const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

const TS_NAMES: Record<string, string> = {
  "1.2.840.10008.1.2": "implicit VR LE",
  "1.2.840.10008.1.2.1": "explicit VR LE",
  "1.2.840.10008.1.2.2": "explicit VR BE",
  "1.2.840.10008.1.2.5": "RLE",
  "1.2.840.10008.1.2.4.80": "JPEG-LS lossless",
  "1.2.840.10008.1.2.4.90": "JPEG 2000 lossless",
  "1.2.840.10008.1.2.4.51": "JPEG extended 12-bit",
  "1.2.840.10008.1.2.4.50": "JPEG baseline",
  "1.2.840.10008.1.2.4.70": "JPEG lossless SV1",
};

async function recordOf(page: Page, mrn: string): Promise<Record_ | null> {
  const list = await page.request.get(`/api/patients?q=${mrn}`);
  expect(list.ok()).toBeTruthy();
  const hit = ((await list.json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === mrn);
  if (!hit) return null;
  return (await (await page.request.get(`/api/patients/${hit.id}`)).json()) as Record_;
}

/** Pixel statistics of what the viewport really shows (a screenshot of the element). */
async function viewportStats(el: Locator) {
  const png = PNG.sync.read(await el.screenshot());
  const levels = new Set<number>();
  let lit = 0, sum = 0, colour = 0;
  const n = png.width * png.height;
  for (let i = 0; i < n; i++) {
    const r = png.data[i * 4], g = png.data[i * 4 + 1], b = png.data[i * 4 + 2];
    const y = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    levels.add(y);
    sum += y;
    if (y > 8) lit++;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) colour++;
  }
  return { litFraction: lit / n, levels: levels.size, mean: sum / n, colourFraction: colour / n };
}

const viewport = (page: Page) => page.getByTestId("viewport");
async function selectScan(page: Page, scanId: string, expected: "ready" | "error" = "ready") {
  await page.getByTestId(`thumb-${scanId}`).click();
  await expect(viewport(page)).toHaveAttribute("data-status", expected, { timeout: 20_000 });
}
const wl = async (page: Page) => ({ ww: Number(await viewport(page).getAttribute("data-ww")), wc: Number(await viewport(page).getAttribute("data-wc")) });

let rec0: Record_ | null = null;
let rec1: Record_ | null = null;

test.beforeEach(async ({ page }) => {
  await loginAs(page, "clinician");
  rec0 ??= await recordOf(page, "DEMO-000000");
  rec1 ??= await recordOf(page, "DEMO-000001");
});
/** The viewer tests need DEMO-000000's seeded scans (synthetic CT + pydicom files). */
const needScans = () =>
  expect(rec0?.scans.length ?? 0, "DEMO-000000 has no seeded workspace scans (scripts/e2e-server.mjs runs scripts/dev/seed-workspace.ts)").toBeGreaterThanOrEqual(5);

/** the synthetic chest CT: a CT the model reads (a real CT unlike its training images is scored on the record alone) */
const ctScan = () => rec0!.scans.find((s) => s.modality === "CT" && s.contentType === "application/dicom" && rec0!.assessments.some((a) => a.scanId === s.id && a.strategy === "joint"))!;

test("record page renders the first image and the risk panel, with screenshots", async ({ page }) => {
  needScans();
  await page.goto(`/patients/${rec0!.id}`);
  await expect(viewport(page)).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  const stats = await viewportStats(viewport(page));
  expect(stats.litFraction).toBeGreaterThan(0.1);
  expect(stats.levels).toBeGreaterThan(16);
  await expect(page.getByTestId("research-label")).toContainText("Synthetic demo model — research use only, not for diagnosis");
  await expect(page.getByTestId("research-label").getByRole("link", { name: "Model card" })).toHaveAttribute("href", /\/models\//);
  await page.screenshot({ path: `${SHOTS}/record-page.png` });
  await page.screenshot({ path: `${SHOTS}/record-page-full.png`, fullPage: true });
});

test("every seeded scan renders: CT, MR in several transfer syntaxes, colour multi-frame, PNG", async ({ page }) => {
  test.setTimeout(180_000); // 13 scans, each decoded and rendered in turn
  needScans();
  await page.goto(`/patients/${rec0!.id}`);
  await expect(viewport(page)).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  const results: string[] = [];
  const syntaxes = new Set<string>();
  for (const s of rec0!.scans) {
    await selectScan(page, s.id);
    const st = await viewportStats(viewport(page));
    const label = `${s.modality} ${s.contentType === "application/dicom" ? TS_NAMES[s.transferSyntaxUid ?? ""] ?? s.transferSyntaxUid : s.contentType} ${s.photometricInterpretation ?? ""}${s.frames > 1 ? ` ${s.frames} frames` : ""}`;
    results.push(`${label}: lit ${(st.litFraction * 100).toFixed(0)}%, ${st.levels} levels${st.colourFraction > 0.01 ? `, colour ${(st.colourFraction * 100).toFixed(0)}%` : ""}`);
    expect(st.litFraction, `${label} shows an image`).toBeGreaterThan(0.02);
    expect(st.levels, `${label} has several grey levels`).toBeGreaterThan(4);
    if (s.photometricInterpretation === "RGB" || s.photometricInterpretation?.startsWith("YBR")) expect(st.colourFraction, `${label} is shown in colour`).toBeGreaterThan(0.01);
    if (s.transferSyntaxUid) syntaxes.add(s.transferSyntaxUid);
    const safe = label.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
    await viewport(page).screenshot({ path: `${SHOTS}/scan-${safe}.png` });
  }
  test.info().annotations.push({ type: "rendered", description: results.join("\n") });
  console.log(results.join("\n"));
  expect(rec0!.scans.some((s) => s.modality === "CT")).toBeTruthy();
  expect(rec0!.scans.filter((s) => s.modality === "MR").length).toBeGreaterThanOrEqual(3);
  expect(syntaxes.size).toBeGreaterThanOrEqual(5);
  expect(rec0!.scans.some((s) => s.frames > 1)).toBeTruthy();
  expect(rec0!.scans.some((s) => s.contentType === "image/png")).toBeTruthy();
});

test("thumbnail strip: every decodable scan shows a picture, none black; an undecodable one is marked", async ({ page }) => {
  needScans();
  expect(rec1?.scans.length ?? 0, "DEMO-000001 has no seeded scans").toBeGreaterThanOrEqual(2);
  const results: string[] = [];
  for (const rec of [rec0!, rec1!]) {
    await page.goto(`/patients/${rec.id}`);
    for (const s of rec.scans) {
      const thumb = page.getByTestId(`thumb-${s.id}`);
      await thumb.scrollIntoViewIfNeeded();
      // settled: the picture has loaded, or the strip has marked the scan as undecodable
      await expect
        .poll(async () => (await thumb.getByTestId("thumb-failed").count()) > 0 || (await thumb.getByTestId("thumb-img").evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0).catch(() => false)), { timeout: 15_000 })
        .toBe(true);
      const label = `${rec.mrn} ${s.modality} ${TS_NAMES[s.transferSyntaxUid ?? ""] ?? s.contentType} ${s.photometricInterpretation ?? ""}`;
      if (await thumb.getByTestId("thumb-failed").count()) {
        results.push(`${label}: marked undecodable`);
        continue;
      }
      const st = await viewportStats(thumb.locator(".thumb-img"));
      results.push(`${label}: lit ${(st.litFraction * 100).toFixed(0)}%, ${st.levels} levels`);
      expect(st.litFraction, `${label} thumbnail is not black`).toBeGreaterThan(0.05);
      expect(st.levels, `${label} thumbnail has several grey levels`).toBeGreaterThan(4);
    }
    await page.locator("nav.thumbs").screenshot({ path: `${SHOTS}/thumbnails-${rec.mrn}.png` });
  }
  console.log(results.join("\n"));
  // the damaged JPEG 2000 copy on DEMO-000001 (Cornerstone drew it as a black square)
  const bad = rec1!.scans.find((s) => s.modality === "MR")!;
  await expect(page.getByTestId(`thumb-${bad.id}`).getByTestId("thumb-failed")).toBeVisible();
  expect(results.filter((r) => r.endsWith("marked undecodable"))).toHaveLength(1);
});

test("the preview holds the viewport's place and matches the viewer's window: nothing moves when Cornerstone takes over", async ({ page }) => {
  needScans();
  // where the viewport box and the strip are in the server-rendered page, before any script ran
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      const box = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().toJSON() ?? null;
      (window as unknown as { __early: unknown }).__early = {
        placeholder: !!document.querySelector('[data-testid="viewer-loading"]'),
        preview: (document.querySelector('[data-testid="viewer-preview"]') as HTMLImageElement | null)?.getAttribute("src") ?? null,
        frame: box(".viewport-frame"),
        thumbs: box("nav.thumbs"),
      };
    });
  });
  const fileRequests: string[] = [];
  page.on("request", (r) => {
    if (/\/api\/scans\/[^/]+\/file$/.test(new URL(r.url()).pathname)) fileRequests.push(r.url());
  });
  await page.goto(`/patients/${rec0!.id}`);
  await expect(viewport(page)).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await expect(page.getByTestId("viewer-loading")).toHaveCount(0); // the viewer has taken over
  // the scan file is fetched once: the <head> preload is what the viewer decodes
  expect(fileRequests, fileRequests.join(", ")).toHaveLength(1);
  type Box = { x: number; y: number; width: number; height: number };
  const early = (await page.evaluate(() => (window as unknown as { __early: unknown }).__early)) as { placeholder: boolean; preview: string | null; frame: Box; thumbs: Box };
  expect(early.placeholder, "the server-rendered page shows the placeholder viewer").toBe(true);
  expect(early.preview).toMatch(/^\/api\/scans\/[0-9a-f-]+\/preview$/);
  const late = await page.evaluate(() => ({
    frame: document.querySelector(".viewport-frame")!.getBoundingClientRect().toJSON(),
    thumbs: document.querySelector("nav.thumbs")!.getBoundingClientRect().toJSON(),
  }));
  for (const k of ["x", "y", "width", "height"] as const) {
    expect(Math.abs(late.frame[k] - early.frame[k]), `viewport box ${k}: ${early.frame[k]} → ${late.frame[k]}`).toBeLessThan(1);
    expect(Math.abs(late.thumbs[k] - early.thumbs[k]), `thumbnail strip ${k}: ${early.thumbs[k]} → ${late.thumbs[k]}`).toBeLessThan(1);
  }

  // the preview is made with the window the viewer opens with, for every grey DICOM scan
  for (const s of rec0!.scans.filter((x) => x.contentType === "application/dicom" && x.photometricInterpretation?.startsWith("MONOCHROME"))) {
    const r = await page.request.get(`/api/scans/${s.id}/preview`);
    expect(r.ok()).toBeTruthy();
    const center = Number(r.headers()["x-window-center"]);
    const width = Number(r.headers()["x-window-width"]);
    await selectScan(page, s.id);
    const shown = await wl(page);
    expect(Math.abs(shown.ww - width), `${s.modality} ${TS_NAMES[s.transferSyntaxUid ?? ""]}: viewer W ${shown.ww}, preview W ${width}`).toBeLessThanOrEqual(1);
    expect(Math.abs(shown.wc - center), `${s.modality} ${TS_NAMES[s.transferSyntaxUid ?? ""]}: viewer L ${shown.wc}, preview L ${center}`).toBeLessThanOrEqual(1);
  }
});

test("window/level by drag, presets, invert, zoom and reset", async ({ page }) => {
  needScans();
  await page.goto(`/patients/${rec0!.id}`);
  await selectScan(page, ctScan().id);
  const vp = viewport(page);
  await page.getByRole("button", { name: "Soft tissue" }).click();
  await expect(vp).toHaveAttribute("data-ww", "400");
  await expect(vp).toHaveAttribute("data-wc", "40");
  await expect(page.getByTestId("viewer-wl")).toHaveText(/W 400 L 40/);
  const soft = await viewportStats(vp);

  const box = (await vp.boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 120, cy + 60, { steps: 8 });
  await page.mouse.up();
  const dragged = await wl(page);
  expect(dragged.ww !== 400 || dragged.wc !== 40).toBeTruthy();
  await expect(page.getByTestId("viewer-wl")).toHaveText(new RegExp(`W ${dragged.ww} L ${dragged.wc}`));

  await page.getByRole("button", { name: "Lung" }).click();
  await expect(vp).toHaveAttribute("data-ww", "1500");
  await expect(vp).toHaveAttribute("data-wc", "-600");
  const lung = await viewportStats(vp);
  expect(Math.abs(lung.mean - soft.mean)).toBeGreaterThan(3); // the picture really changed
  await page.getByRole("button", { name: "Bone" }).click();
  await expect(vp).toHaveAttribute("data-ww", "2500");
  await expect(vp).toHaveAttribute("data-wc", "480");
  // keyboard: presets by number, invert, zoom, reset
  await page.locator(".viewport-frame").focus();
  await page.keyboard.press("4");
  await expect(vp).toHaveAttribute("data-ww", "80");
  await page.keyboard.press("i");
  await expect(vp).toHaveAttribute("data-invert", "1");
  await page.keyboard.press("+");
  await expect(page.getByTestId("viewer-frame")).toContainText("Zoom 125%");
  await page.getByRole("button", { name: "Reset" }).click();
  await expect(vp).toHaveAttribute("data-invert", "0");
  await expect(page.getByTestId("viewer-frame")).toContainText("Zoom 100%");
  await page.screenshot({ path: `${SHOTS}/record-page-ct-bone.png` });
});

test("frame scroll moves through a multi-frame scan", async ({ page }) => {
  needScans();
  const multi = rec0!.scans.find((s) => s.frames > 1)!;
  await page.goto(`/patients/${rec0!.id}`);
  await selectScan(page, multi.id);
  const vp = viewport(page);
  await expect(vp).toHaveAttribute("data-frames", String(multi.frames));
  await expect(vp).toHaveAttribute("data-frame", "0");
  const first = await viewportStats(vp);
  const box = (await vp.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 120);
  await expect(vp).toHaveAttribute("data-frame", "1");
  await expect(page.getByTestId("viewer-frame")).toContainText(`Frame 2 / ${multi.frames}`);
  const second = await viewportStats(vp);
  expect(second.litFraction).toBeGreaterThan(0.02);
  expect(Math.abs(second.mean - first.mean) > 0.5 || second.levels !== first.levels).toBeTruthy();
  await page.locator(".viewport-frame").focus();
  await page.keyboard.press("ArrowUp");
  await expect(vp).toHaveAttribute("data-frame", "0");
  await page.getByTestId("frame-slider").fill(String(multi.frames));
  await expect(vp).toHaveAttribute("data-frame", String(multi.frames - 1));
});

test("risk panel shows the stored assessment and the saliency overlay toggles", async ({ page }) => {
  needScans();
  const ct = ctScan();
  const a = rec0!.assessments.find((x) => x.scanId === ct.id && x.status === "done")!;
  const stored = (await (await page.request.get(`/api/assessments/${a.id}`)).json()) as {
    scores: { head: string; probability: number; category: string }[]; modelName: string; modelVersion: string; strategy: string;
  };
  await page.goto(`/patients/${rec0!.id}`);
  await selectScan(page, ct.id);
  const panel = page.getByTestId("risk-panel");
  for (const s of stored.scores) {
    const row = panel.getByTestId(`head-${s.head}`);
    await expect(row).toContainText(`${(s.probability * 100).toFixed(s.probability < 0.1 ? 1 : 0)}%`);
    await expect(row.locator(`[data-category="${s.category}"]`)).toBeVisible();
  }
  await expect(page.getByTestId("risk-provenance")).toContainText(`${stored.modelName} ${stored.modelVersion}`);
  await expect(page.getByTestId("risk-provenance")).toContainText("joint fusion");
  await expect(page.getByTestId("factors").locator("li").first()).toContainText(/raises this risk|lowers this risk/);
  await expect(page.getByTestId("history-chart").locator(".recharts-line").first()).toBeAttached();

  const before = await viewportStats(viewport(page));
  await expect(page.getByTestId("saliency-overlay")).toHaveCount(0);
  await page.getByTestId("saliency-toggle").check();
  await expect(page.getByTestId("saliency-overlay")).toHaveCount(1);
  await expect.poll(async () => (await viewportStats(page.locator(".viewport-frame"))).colourFraction, { timeout: 10_000 }).toBeGreaterThan(before.colourFraction + 0.003);
  const shown = await viewportStats(page.locator(".viewport-frame"));
  await page.getByTestId("saliency-opacity").fill("1");
  await expect.poll(async () => (await viewportStats(page.locator(".viewport-frame"))).colourFraction).toBeGreaterThanOrEqual(shown.colourFraction);
  await page.screenshot({ path: `${SHOTS}/record-page-saliency.png` });
  await page.locator(".viewport-frame").focus();
  await page.keyboard.press("s");
  await expect(page.getByTestId("saliency-overlay")).toHaveCount(0);
});

test("a scan that cannot be decoded says why; the rest of the page works", async ({ page }) => {
  expect(rec1?.scans.length ?? 0, "DEMO-000001 has no seeded scans (scripts/e2e-server.mjs seeds them)").toBeGreaterThanOrEqual(2);
  await page.goto(`/patients/${rec1!.id}`);
  await expect(viewport(page)).toHaveAttribute("data-status", /ready|error/, { timeout: 30_000 });
  const bad = rec1!.scans.find((s) => s.modality === "MR")!; // the damaged JPEG 2000 copy
  await selectScan(page, bad.id, "error");
  await expect(page.getByTestId("viewer-error")).toContainText(/cannot be shown in the viewer|could not be loaded/);
  const good = rec1!.scans.find((s) => s.id !== bad.id)!;
  await selectScan(page, good.id, "ready");
  // the viewer recovers: the next scan really renders
  const st = await viewportStats(viewport(page));
  expect(st.litFraction).toBeGreaterThan(0.05);
  await expect(page.getByTestId("viewer-frame")).toContainText("Zoom 100%");
  await expect(page.getByRole("heading", { name: "Medical history" })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/record-page-undecodable.png` });
});

test("history form rejects bad input inline, accepts good input and the record updates", async ({ page }) => {
  const rec = (await recordOf(page, "DEMO-000007"))!; // a patient no other spec edits
  await page.goto(`/patients/${rec.id}`);
  await page.getByRole("button", { name: "Add condition" }).click();
  const form = page.getByTestId("condition-form");
  let posted = 0;
  page.on("request", (r) => { if (r.method() === "POST" && r.url().endsWith("/conditions")) posted++; });
  await form.getByLabel("Condition").fill("Chronic obstructive pulmonary disease");
  await form.getByLabel("Code", { exact: true }).fill("XYZ");
  await form.getByLabel("Onset").fill("2999-01-01");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(form.getByText("is not an ICD-10 code")).toBeVisible();
  await expect(form.getByText("cannot be in the future")).toBeVisible();
  await expect(form.getByLabel("Code", { exact: true })).toHaveAttribute("aria-invalid", "true");
  expect(posted).toBe(0); // the same zod schema stopped it in the browser

  await form.getByLabel("Code", { exact: true }).fill("J44.9");
  await form.getByLabel("Onset").fill("2021-03-04");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(page.getByTestId("condition-form")).toHaveCount(0);
  const table = page.getByTestId("conditions-table");
  await expect(table).toContainText("Chronic obstructive pulmonary disease");
  await expect(table).toContainText("ICD-10 J44.9");
  await expect(page.getByTestId("rerun-offer")).toBeVisible();
  expect(posted).toBe(1);
  // the stored record has it too
  const after = (await (await page.request.get(`/api/patients/${rec.id}`)).json()) as { conditions: { code: string }[] };
  expect(after.conditions.some((c) => c.code === "J44.9")).toBeTruthy();

  // diet: out-of-range intake is refused inline
  await page.getByRole("button", { name: "Add diet record" }).click();
  const diet = page.getByTestId("diet-form");
  await diet.getByLabel("Sodium (mg/day)").fill("999999");
  await diet.getByRole("button", { name: "Add" }).click();
  await expect(diet.getByText("must be 20000 mg/day or less")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/record-page-forms.png`, fullPage: true });
});
