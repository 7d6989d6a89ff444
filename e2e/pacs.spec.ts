import { expect, test, type Page } from "@playwright/test";
import { loginAs, logout } from "./support/login";
import { startOrthanc, type OrthancServer } from "../test/support/orthanc";
import { ctInstance, uid } from "../test/support/dicomweb-data";
import { generatePatient, renderScan } from "../models/fusion/cohort";

// A real PACS (Orthanc on a free loopback port, started here) holds a study of a demo patient: two
// CT slices and a 4-frame CT. An admin adds it as a DICOMweb source; a clinician on the record
// finds the study in the PACS panel, imports it (progress bar), sees it in the series browser with
// its score once assessed, and views the multi-frame instance through WADO-RS (wadors: image ids).
const SEED = 42;
const INDEX = 34;
const MRN = `DEMO-${String(INDEX).padStart(6, "0")}`;
const KEY = `e2e-pacs-${Date.now().toString(36)}`;
const STUDY = uid(`${KEY}/study`);
const SLICES = uid(`${KEY}/series/slices`);
const MULTI = uid(`${KEY}/series/multi`);
const MULTI_SOP = uid(`${KEY}/multi/1`);

let pacs: OrthancServer;

test.beforeAll(async () => {
  pacs = await startOrthanc();
  const p = generatePatient(SEED, INDEX);
  const patient = { mrn: MRN, familyName: p.patient.familyName, givenName: p.patient.givenName, birthDate: p.patient.birthDate, sex: p.patient.sex as "female" | "male" };
  const slice = renderScan(p, { size: 256 });
  const common = { patient, study: STUDY, rows: slice.rows, columns: slice.columns, pixelSpacingMm: slice.pixelSpacingMm, studyDate: "2026-06-01", studyDescription: "Chest CT (PACS)" };
  const shifted = (d: number) => Int16Array.from(slice.hu, (v) => v + d);
  await pacs.upload([
    ctInstance({ ...common, series: SLICES, sop: uid(`${KEY}/slice/1`), instanceNumber: 1, seriesNumber: 1, seriesDescription: "Axial slices", frameHu: [slice.hu] }),
    ctInstance({ ...common, series: SLICES, sop: uid(`${KEY}/slice/2`), instanceNumber: 2, seriesNumber: 1, seriesDescription: "Axial slices", frameHu: [shifted(10)] }),
    ctInstance({ ...common, series: MULTI, sop: MULTI_SOP, instanceNumber: 1, seriesNumber: 2, seriesDescription: "Multi-frame", frameHu: [slice.hu, shifted(20), shifted(40), shifted(60)] }),
  ]);
});

test.afterAll(async () => {
  await pacs?.stop();
});

async function csrfHeader(page: Page) {
  const c = (await page.context().cookies()).find((x) => x.name === "fcds_csrf");
  return { "x-csrf-token": decodeURIComponent(c?.value ?? "") };
}

test("a clinician imports a study from the PACS panel and sees it in the series browser with its score; the multi-frame instance is viewed through WADO-RS", async ({ page }) => {
  test.setTimeout(180_000);
  // the admin configures the PACS
  await loginAs(page, "admin");
  const headers = await csrfHeader(page);
  const created = await page.request.post("/api/admin/dicomweb-sources", { headers, data: { name: "E2E PACS", baseUrl: pacs.dicomweb, authType: "none", timeoutMs: 20_000 } });
  if (created.status() === 409) {
    const list = (await (await page.request.get("/api/admin/dicomweb-sources")).json()) as { items: { id: string; name: string }[] };
    const id = list.items.find((s) => s.name === "E2E PACS")!.id;
    expect((await page.request.patch(`/api/admin/dicomweb-sources/${id}`, { headers, data: { baseUrl: pacs.dicomweb, enabled: true } })).status()).toBe(200);
  } else expect(created.status(), await created.text()).toBe(201);
  await page.goto("/admin/dicomweb");
  await expect(page.getByRole("cell", { name: "E2E PACS" })).toBeVisible();
  await logout(page);

  // the clinician, on the record
  await loginAs(page, "clinician");
  const list = await page.request.get(`/api/patients?q=${MRN}`);
  const patient = ((await list.json()) as { items: { id: string; mrn: string }[] }).items.find((x) => x.mrn === MRN)!;
  const frameRequests: string[] = [];
  page.on("request", (r) => {
    if (/\/dicomweb\/studies\/.*\/frames\/\d+$/.test(r.url())) frameRequests.push(r.url());
  });
  await page.goto(`/patients/${patient.id}`);
  const panel = page.getByTestId("pacs-panel");
  await panel.getByRole("button", { name: "Find this patient's studies" }).click();
  const study = page.getByTestId(`pacs-study-${STUDY}`);
  await expect(study).toContainText("2026-06-01");
  await expect(study).toContainText("CT");
  await expect(study).toContainText("Axial slices");
  for (const box of await study.getByRole("checkbox").all()) await box.check();
  await study.getByRole("button", { name: /Import 2 series/ }).click();
  const progress = page.getByTestId("pacs-progress");
  await expect(progress).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(progress).toContainText("3 of 3 images");
  await expect(progress.locator("progress")).toHaveAttribute("value", "100");

  // the series browser groups the new study; each series shows its score once assessed
  const browser = page.getByTestId("series-browser");
  await expect(browser).toContainText("Chest CT (PACS)", { timeout: 20_000 });
  const slices = page.getByTestId(`series-${SLICES}`);
  await expect(slices).toContainText("2 images");
  await expect(slices.getByTestId("series-score")).toBeVisible({ timeout: 90_000 });
  await expect(slices.getByTestId("series-score")).toHaveText(/\d+(\.\d)?% (low|moderate|high)/);
  const multi = page.getByTestId(`series-${MULTI}`);
  await expect(multi.getByTestId("series-score")).toBeVisible({ timeout: 90_000 });
  await page.screenshot({ path: "test-results/screenshots/pacs-imported.png", fullPage: true });

  // the multi-frame instance in the viewer, through WADO-RS frames
  const record = (await (await page.request.get(`/api/patients/${patient.id}`)).json()) as { scans: { id: string; frames: number }[] };
  const mf = record.scans.find((s) => s.frames === 4)!;
  await page.getByTestId(`thumb-${mf.id}`).click();
  const viewport = page.getByTestId("viewport");
  await expect(viewport).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await expect(viewport).toHaveAttribute("data-frames", "4");
  expect(frameRequests.some((u) => u.includes(`/instances/${MULTI_SOP}/frames/`))).toBe(true);
  await page.locator(".viewport-frame").focus();
  await page.keyboard.press("ArrowDown");
  await expect(viewport).not.toHaveAttribute("data-frame", "0");
  await page.screenshot({ path: "test-results/screenshots/pacs-multiframe-wadors.png", fullPage: true });
});
