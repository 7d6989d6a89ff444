// Issue 12 items 3–5 in real Chromium against the production build: a deflated and a big-endian
// scan (WindowWidth 0) render non-black with a sane default window, Reset returns to it, a CT
// without window tags opens in soft tissue, MONOCHROME1 has the preview's polarity and Invert
// inverts it; the risk panel explains one outcome at a time, in clinical words, with thresholds
// and the uncertainty method in plain view, and flags inputs the model never saw in training.
// Each test creates its own patient (never assumes what else is in the database).
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import { loginAs } from "./support/login";

const SHOTS = process.env.SAFETY_SHOTS ?? "test-results/screenshots/safety-image";
mkdirSync(SHOTS, { recursive: true });
const PYDICOM = path.join(process.cwd(), ".cache", "pydicom", "test_files");
const pydicom = (name: string) => readFileSync(path.join(PYDICOM, name));

/** MR_small_bigendian.dcm with its Window Width set to 0, as a real big-endian MR that opened black. */
function bigEndianWidthZero(): Buffer {
  const b = Buffer.from(pydicom("MR_small_bigendian.dcm"));
  const at = b.indexOf(Buffer.from([0x00, 0x28, 0x10, 0x51, 0x44, 0x53])); // (0028,1051) DS, big endian
  if (at < 0) throw new Error("MR_small_bigendian.dcm has no Window Width");
  const len = b.readUInt16BE(at + 6);
  b.write("0".padEnd(len, " "), at + 8, "latin1");
  return b;
}

/** MR_small.dcm relabelled MONOCHROME1 (same pixels; low values are to be shown white). */
function monochrome1(): Buffer {
  const b = Buffer.from(pydicom("MR_small.dcm"));
  const at = b.indexOf("MONOCHROME2");
  if (at < 0) throw new Error("MR_small.dcm is not MONOCHROME2");
  b.write("MONOCHROME1", at, "latin1");
  return b;
}

async function csrf(page: Page) {
  const c = (await page.context().cookies()).find((x) => x.name === "fcds_csrf");
  return { "x-csrf-token": decodeURIComponent(c?.value ?? "") };
}

async function createPatient(page: Page, over: Record<string, string> = {}): Promise<string> {
  const mrn = `S12B-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const r = await page.request.post("/api/patients", { headers: await csrf(page), data: { mrn, givenName: "Safety", familyName: "Image", birthDate: "1961-04-02", sex: "female", ...over } });
  expect(r.status(), await r.text()).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

/** Uploads through the API (the header names another patient: pydicom's files) and waits for the assessment. */
async function upload(page: Page, patientId: string, name: string, bytes: Buffer): Promise<{ scanId: string; assessmentId: string }> {
  const r = await page.request.post(`/api/patients/${patientId}/scans`, {
    headers: await csrf(page),
    multipart: { file: { name, mimeType: "application/dicom", buffer: bytes }, confirmPatientMismatch: "true", identityReason: "pydicom test file, attached on purpose by the safety spec" },
  });
  expect(r.status(), await r.text()).toBe(201);
  const body = (await r.json()) as { scan: { id: string }; assessment: { id: string } };
  await expect
    .poll(async () => ((await (await page.request.get(`/api/assessments/${body.assessment.id}`)).json()) as { status: string }).status, { timeout: 60_000 })
    .toMatch(/done|failed/);
  return { scanId: body.scan.id, assessmentId: body.assessment.id };
}

const viewport = (page: Page) => page.getByTestId("viewport");
async function select(page: Page, scanId: string) {
  await page.getByTestId(`thumb-${scanId}`).click();
  await expect(viewport(page)).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await page.waitForTimeout(300); // the rendering engine draws on the next animation frame
}
const wl = async (page: Page) => ({ ww: Number(await viewport(page).getAttribute("data-ww")), wc: Number(await viewport(page).getAttribute("data-wc")) });

/**
 * What the viewer's canvas really shows: grey-level statistics and a 24×24 grid of samples over
 * the (square, centred) image, read with getImageData from Cornerstone's canvas.
 */
async function canvasPixels(page: Page) {
  const r = await viewport(page).evaluate((el) => {
    const c = el.querySelector("canvas") as HTMLCanvasElement | null;
    const ctx = c?.getContext("2d", { willReadFrequently: true });
    if (!c || !ctx) return null;
    const { width: w, height: h } = c;
    const d = ctx.getImageData(0, 0, w, h).data;
    const grey = (x: number, y: number) => {
      const i = (Math.floor(y) * w + Math.floor(x)) * 4;
      return 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
    };
    const side = Math.min(w, h);
    const x0 = (w - side) / 2, y0 = (h - side) / 2;
    let lit = 0, n = 0, sum = 0;
    const levels = new Set<number>();
    for (let y = y0; y < y0 + side; y += 2)
      for (let x = x0; x < x0 + side; x += 2) {
        const g = grey(x, y);
        levels.add(Math.round(g));
        sum += g;
        if (g > 8) lit++;
        n++;
      }
    const grid: number[] = [];
    for (let j = 0; j < 24; j++) for (let i = 0; i < 24; i++) grid.push(grey(x0 + side * (0.05 + (0.9 * (i + 0.5)) / 24), y0 + side * (0.05 + (0.9 * (j + 0.5)) / 24)));
    return { lit: lit / n, levels: levels.size, mean: sum / n, grid };
  });
  expect(r, "the viewport has a 2-D canvas").not.toBeNull();
  return r!;
}

/** The same grid over the server preview PNG (what the record page shows first). */
async function previewGrid(page: Page, scanId: string): Promise<number[]> {
  const res = await page.request.get(`/api/scans/${scanId}/preview`);
  expect(res.ok()).toBeTruthy();
  const png = PNG.sync.read(Buffer.from(await res.body()));
  const grid: number[] = [];
  for (let j = 0; j < 24; j++)
    for (let i = 0; i < 24; i++) {
      const x = Math.floor(png.width * (0.05 + (0.9 * (i + 0.5)) / 24));
      const y = Math.floor(png.height * (0.05 + (0.9 * (j + 0.5)) / 24));
      grid.push(png.data[(y * png.width + x) * 4]);
    }
  return grid;
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb || 1);
}

/** Drags with the window/level tool (the primary button's default). */
async function dragWindow(page: Page) {
  const box = (await viewport(page).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 8 });
  await page.mouse.up();
}

test.beforeEach(async ({ page }) => loginAs(page, "clinician"));

test("deflated and big-endian (WindowWidth 0) scans render non-black with a sane window; Reset returns to it; a CT without window tags opens in soft tissue", async ({ page }) => {
  test.setTimeout(240_000);
  const patientId = await createPatient(page);
  const dfl = await upload(page, patientId, "image_dfl.dcm", pydicom("image_dfl.dcm"));
  const be = await upload(page, patientId, "MR_small_bigendian_ww0.dcm", bigEndianWidthZero());
  const ct = await upload(page, patientId, "CT_small.dcm", pydicom("CT_small.dcm"));
  await page.goto(`/patients/${patientId}`);
  await expect(viewport(page)).toHaveAttribute("data-status", "ready", { timeout: 30_000 });

  const measured: string[] = [];
  for (const [label, s] of [["deflated explicit VR LE (image_dfl)", dfl], ["explicit VR big endian, WindowWidth 0 (MR_small_bigendian)", be]] as const) {
    await select(page, s.scanId);
    await expect(page.getByTestId("viewer-error")).toHaveCount(0);
    const w = await wl(page);
    const px = await canvasPixels(page);
    measured.push(`${label}: W ${w.ww} / L ${w.wc}, lit ${(px.lit * 100).toFixed(0)}%, ${px.levels} grey levels, mean ${px.mean.toFixed(0)}`);
    expect(w.ww, `${label}: a sane window width`).toBeGreaterThan(1);
    expect(px.lit, `${label}: not black`).toBeGreaterThan(0.2);
    expect(px.levels, `${label}: a picture with contrast`).toBeGreaterThan(24);
    expect(px.mean, `${label}: not washed out`).toBeLessThan(235);
    // the viewer and the preview agree (one default window, lib/dicom/voi.ts)
    expect(correlation(px.grid, await previewGrid(page, s.scanId)), `${label}: viewer matches the preview`).toBeGreaterThan(0.8);
    await viewport(page).screenshot({ path: `${SHOTS}/${s === dfl ? "deflated" : "bigendian-ww0"}-default.png` });

    // window/level by dragging, then Reset returns to the same default
    await dragWindow(page);
    await expect.poll(async () => (await wl(page)).ww).not.toBe(w.ww);
    await page.getByRole("button", { name: "Reset" }).click();
    await expect.poll(async () => wl(page)).toEqual(w);
    const after = await canvasPixels(page);
    expect(after.lit).toBeGreaterThan(0.2);
    expect(Math.abs(after.mean - px.mean)).toBeLessThan(3);
  }
  await page.screenshot({ path: `${SHOTS}/record-bigendian-ww0.png` });

  // CT without window tags: soft tissue 400/40, not the full range's washed-out grey
  await select(page, ct.scanId);
  expect(await wl(page)).toEqual({ ww: 400, wc: 40 });
  const ctPx = await canvasPixels(page);
  measured.push(`CT_small (no window tags): W 400 / L 40, lit ${(ctPx.lit * 100).toFixed(0)}%, ${ctPx.levels} levels, mean ${ctPx.mean.toFixed(0)}`);
  expect(ctPx.levels).toBeGreaterThan(24);
  await dragWindow(page);
  await page.getByRole("button", { name: "Reset" }).click();
  await expect.poll(async () => wl(page)).toEqual({ ww: 400, wc: 40 });
  await viewport(page).screenshot({ path: `${SHOTS}/ct-small-soft-tissue.png` });
  test.info().annotations.push({ type: "measured", description: measured.join("\n") });
  console.log(measured.join("\n"));
});

test("MONOCHROME1 has the preview's polarity in the viewer, and Invert inverts it", async ({ page }) => {
  test.setTimeout(120_000);
  const patientId = await createPatient(page);
  const m1 = await upload(page, patientId, "MR_small_monochrome1.dcm", monochrome1());
  await page.goto(`/patients/${patientId}`);
  await select(page, m1.scanId);
  const preview = await previewGrid(page, m1.scanId);
  const shown = await canvasPixels(page);
  const r = correlation(shown.grid, preview);
  expect(r, "viewer and preview have the same polarity").toBeGreaterThan(0.8);
  await expect(viewport(page)).toHaveAttribute("data-invert", "0");
  await viewport(page).screenshot({ path: `${SHOTS}/monochrome1-default.png` });
  await page.getByRole("button", { name: "Invert" }).click();
  await expect(viewport(page)).toHaveAttribute("data-invert", "1");
  await page.waitForTimeout(300);
  const inverted = await canvasPixels(page);
  const ri = correlation(inverted.grid, preview);
  expect(ri, "Invert inverts it").toBeLessThan(-0.8);
  await viewport(page).screenshot({ path: `${SHOTS}/monochrome1-inverted.png` });
  // Reset brings back the file's polarity
  await page.getByRole("button", { name: "Reset" }).click();
  await expect(viewport(page)).toHaveAttribute("data-invert", "0");
  await page.waitForTimeout(300);
  expect(correlation((await canvasPixels(page)).grid, preview)).toBeGreaterThan(0.8);
  test.info().annotations.push({ type: "measured", description: `MONOCHROME1 viewer vs preview r = ${r.toFixed(3)}, after Invert r = ${ri.toFixed(3)}` });
});

test("the risk panel explains one outcome at a time in clinical words, shows thresholds and the uncertainty method, and flags inputs never seen in training", async ({ page }) => {
  test.setTimeout(120_000);
  // sex "other" and 100 years old: outside what the demo model saw in training
  const patientId = await createPatient(page, { sex: "other", birthDate: "1925-03-01" });
  const s = await upload(page, patientId, "MR_small_bigendian_ww0.dcm", bigEndianWidthZero());
  await page.goto(`/patients/${patientId}`);
  await select(page, s.scanId);
  const panel = page.getByTestId("risk-panel");
  await expect(panel).toContainText("research use only");
  await expect(panel.getByTestId("thresholds-lung_cancer_2y")).toContainText(/Categories: low below 3\.0%, moderate 3\.0%–10%, high from 10%/);
  await expect(panel.getByTestId("thresholds-mace_5y")).toContainText(/low below 7\.5%/);
  await expect(panel.getByTestId("uncertainty-method")).toContainText(/Monte-Carlo dropout/);
  await expect(panel.getByTestId("uncertainty-method")).toBeVisible();

  const notice = panel.locator('[data-flag="input_outside_training_range"]');
  await expect(notice).toContainText(/Sex "other": none of the 10,000 training patients had it/);
  await expect(notice).toContainText(/Age 10\d years is outside the range of the training patients \(40–85 years\)/);
  await panel.screenshot({ path: `${SHOTS}/risk-panel-inputs-outside-training.png` });

  const explanation = panel.getByTestId("outcome-explanation");
  const factors = panel.getByTestId("factors");
  for (const head of ["lung_cancer_2y", "mace_5y"]) {
    await panel.getByTestId(`explain-${head}`).check();
    await expect(explanation).toHaveAttribute("data-head", head);
    const label = (await panel.getByTestId(`head-${head}`).locator(".head-label").textContent())!;
    // the same outcome name in the scores and in the explanation
    await expect(explanation.locator("h4").first()).toContainText(label);
    const texts = await factors.locator("li").allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).not.toMatch(/Male sex|Diet records|Family history recorded|decades|z-score|— (Lung|Major)/);
    await panel.screenshot({ path: `${SHOTS}/risk-panel-explain-${head}.png` });
  }
  // the two outcomes' explanations differ (not one outcome's bar beside a mixed list)
  await panel.getByTestId("explain-lung_cancer_2y").check();
  const lung = await factors.locator("li").allTextContents();
  await panel.getByTestId("explain-mace_5y").check();
  await expect.poll(async () => (await factors.locator("li").allTextContents()).join("|")).not.toBe(lung.join("|"));
  await page.screenshot({ path: `${SHOTS}/record-risk-panel.png`, fullPage: true });
});

test("a learned direction against clinical knowledge is said to be an association from synthetic data, not a cause", async ({ page }) => {
  test.setTimeout(120_000);
  // a current smoker for 50 years with hypertension: this demo model learned that smoking duration
  // "lowers" cardiac risk (its synthetic cohort's confounding), which clinical knowledge contradicts
  const patientId = await createPatient(page, { sex: "male", birthDate: "1955-10-02" });
  for (const c of [
    { codeSystem: "ICD10", code: "F17.210", display: "Nicotine dependence, cigarettes", onsetDate: "1975-01-01", status: "active" },
    { codeSystem: "ICD10", code: "I10", display: "Essential hypertension", onsetDate: "2015-01-01", status: "active" },
  ]) {
    const r = await page.request.post(`/api/patients/${patientId}/conditions`, { headers: await csrf(page), data: c });
    expect(r.status(), await r.text()).toBe(201);
  }
  const s = await upload(page, patientId, "MR_small_bigendian_ww0.dcm", bigEndianWidthZero());
  await page.goto(`/patients/${patientId}`);
  await select(page, s.scanId);
  const panel = page.getByTestId("risk-panel");
  await panel.getByTestId("explain-mace_5y").check();
  await expect(panel.getByTestId("factors").locator('li[data-against="1"]')).toContainText(/Smoking duration: \d+(\.\d)? years — lowers this risk/);
  await expect(panel.getByTestId("against-clinical-knowledge")).toContainText(/Smoking duration: \d+(\.\d)? years \(clinically expected to raise this risk\).*association the model learned from synthetic training data, not a cause/);
  await panel.getByTestId("outcome-explanation").screenshot({ path: `${SHOTS}/risk-panel-against-clinical-knowledge.png` });
});

test("a scan that cannot be displayed: the record opens on the newest scan that can, and the message is for clinicians", async ({ page }) => {
  test.setTimeout(120_000);
  const patientId = await createPatient(page);
  const ct = await upload(page, patientId, "CT_small.dcm", pydicom("CT_small.dcm"));
  const mr = await upload(page, patientId, "MR_small_bigendian_ww0.dcm", bigEndianWidthZero()); // the newest
  // the browser receives damaged bytes for the newest scan (as if its format could not be decoded)
  await page.route(`**/api/scans/${mr.scanId}/file**`, (r) => r.fulfill({ status: 200, contentType: "application/dicom", body: Buffer.from("DICM? no: damaged bytes ".repeat(20)) }));
  await page.goto(`/patients/${patientId}`);
  await expect(page.getByTestId("viewer-skipped")).toContainText(/MR scan of 2004-08-26 cannot be shown in the viewer; showing the newest scan that can/);
  await expect(viewport(page)).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  expect(await wl(page)).toEqual({ ww: 400, wc: 40 }); // the CT is on screen
  await page.screenshot({ path: `${SHOTS}/fallback-newest-displayable.png` });
  // chosen explicitly, the undisplayable scan says so in plain words: no URL, no code, no stack
  await page.getByTestId(`thumb-${mr.scanId}`).click();
  const error = page.getByTestId("viewer-error");
  await expect(error).toContainText("This image cannot be shown in the viewer. The scan is kept in the record and its risk scores are not affected.");
  const text = (await error.textContent()) ?? "";
  expect(text).not.toMatch(/\/api\/|https?:|Error:|at \w+ \(|1\.2\.840|dicomParser|wadouri/);
  await page.screenshot({ path: `${SHOTS}/undisplayable-message.png` });
  expect(ct.scanId).not.toBe(mr.scanId);
});
