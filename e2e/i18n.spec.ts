// Korean beside English (issue 17 item 3): the main clinician flow — sign in, patient list, a
// record, its risk panel with scores and the narrative, read-aloud in the interface language —
// in ko-KR from the browser's language, in Korean chosen in the top bar (saved on the user, kept
// after signing out), and in English. Screenshots under test-results/i18n. Creates its own
// patients under fresh MRNs: no global counts are assumed.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { DEMO, loginAs } from "./support/login";
import { renderScan, scanToDicom } from "../models/fusion/cohort";
import { createCohortPatient, csrf } from "./support/cohort-patient";

const SHOTS = "test-results/i18n";
mkdirSync(SHOTS, { recursive: true });

type Score = { probability: number; interval: [number, number]; category: "low" | "moderate" | "high" };
type Rec = { id: string; assessments: { id: string; scanId: string | null; status: string; strategy: string; modelName: string; modelVersion: string; scores: Record<string, Score> }[] };

const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
const KO_CATEGORY = { low: "낮음", moderate: "중간", high: "높음" } as const;

async function record(page: Page, id: string): Promise<Rec> {
  return (await (await page.request.get(`/api/patients/${id}`)).json()) as Rec;
}

async function finished(page: Page, id: string, which: (a: Rec["assessments"][number]) => boolean) {
  await expect.poll(async () => (await record(page, id)).assessments.find(which)?.status, { timeout: 90_000 }).toBe("done");
  return (await record(page, id)).assessments.find(which)!;
}

/** A synthetic cohort patient under a fresh MRN, with a chest CT the model reads (joint fusion). */
async function patientWithScan(page: Page, index: number) {
  const { id, p } = await createCohortPatient(page, index, "I18N");
  const dicom = Buffer.from(scanToDicom(p, renderScan(p, { size: 256 })));
  const up = await page.request.post(`/api/patients/${id}/scans`, { headers: await csrf(page), multipart: { file: { name: "chest.dcm", mimeType: "application/dicom", buffer: dicom } } });
  expect(up.status(), await up.text()).toBe(201);
  const scanId = ((await up.json()) as { scan: { id: string } }).scan.id;
  const a = await finished(page, id, (x) => x.scanId === scanId);
  return { id, mrn: p.patient.mrn, name: `${p.patient.familyName}, ${p.patient.givenName}`, scanId, a };
}

/** Replaces the Web Speech API at its boundary: one Korean and one English voice; what is spoken is logged. */
async function stubSpeech(page: Page) {
  await page.addInitScript(() => {
    const log: { spoken: { text: string; lang: string; voice: string | null }[] } = { spoken: [] };
    class Utterance {
      lang = "";
      voice: { name: string } | null = null;
      onend: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(public text: string) {}
    }
    const voices = [{ name: "Stub Korean", lang: "ko-KR" }, { name: "Stub English", lang: "en-US", default: true }];
    const synth = {
      getVoices: () => voices.map((v) => ({ ...v, default: !!v.default, localService: true, voiceURI: v.name })),
      speak: (u: Utterance) => log.spoken.push({ text: u.text, lang: u.lang, voice: u.voice?.name ?? null }),
      pause() {}, resume() {}, cancel() {}, addEventListener() {}, removeEventListener() {},
      speaking: false, paused: false, pending: false,
    };
    Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
    Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true, writable: true });
    (window as unknown as { __speech: typeof log }).__speech = log;
  });
}
const spoken = (page: Page) => page.evaluate(() => (window as unknown as { __speech: { spoken: { text: string; lang: string; voice: string | null }[] } }).__speech.spoken);

/**
 * Latin words left in Korean text, minus proper nouns, codes and units a Korean clinician reads
 * as they are (model names, CT/MR, MACE, COPD, ICD codes, Grad-CAM, DICOM, PACS, MRN …).
 */
function englishLeft(text: string, allowed: string[] = []): string[] {
  const keep = new Set(["Fusion", "CDS", "CT", "MR", "OT", "MC", "MACE", "COPD", "Grad", "CAM", "DICOM", "SR", "PACS", "MRN", "ID", "ICD", "SNOMED", "FHIR", "joint", "fusion", "early", "late", "kcal", "mg", "demo", "Stub", "Korean", "English", "Monte", "Carlo", ...allowed]);
  return [...new Set(text.match(/[A-Za-z][A-Za-z]+/g) ?? [])].filter((w) => !keep.has(w) && !/^[A-Z]\d|^fusion|^[a-z]+_[a-z0-9_]+$/.test(w));
}

/** The record page in Korean: heads, scores, categories, the narrative in Korean read aloud in ko-KR. */
async function checkKoreanRecord(page: Page, s: Awaited<ReturnType<typeof patientWithScan>>, shot: string) {
  await page.goto(`/patients?q=${encodeURIComponent(s.mrn)}`);
  await expect(page.locator("html")).toHaveAttribute("lang", "ko-KR");
  await expect(page.getByRole("heading", { level: 1, name: "환자" })).toBeVisible();
  await expect(page).toHaveTitle("환자 · Fusion CDS");
  const list = page.getByTestId("patient-list");
  await expect(list.getByRole("columnheader", { name: "이름" })).toBeVisible();
  await expect(page.getByText(/환자 1명 · 1페이지/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/${shot}-patients.png`, fullPage: true });
  expect(englishLeft((await page.locator("main").innerText()).replaceAll(s.mrn, ""), s.name.split(/[ ,]+/))).toEqual([]);

  await list.getByRole("row").filter({ hasText: s.mrn }).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/patients/${s.id}$`));
  await expect(page).toHaveTitle("환자 기록 · Fusion CDS");
  // the viewer's tools in Korean too
  const toolbar = page.getByRole("toolbar", { name: "뷰어 도구" });
  await expect(toolbar.getByRole("radio", { name: "창 너비/중심" })).toBeVisible();
  await expect(toolbar.getByRole("button", { name: "폐", exact: true })).toBeVisible();
  await expect(page.getByTestId("measurements")).toContainText("측정");
  const panel = page.getByTestId("risk-panel");
  await expect(panel.getByRole("heading", { name: "위험도 평가" })).toBeVisible();
  await expect(panel.getByTestId("research-label")).toContainText("연구용이며 진단용이 아닙니다");
  for (const [head, sc] of Object.entries(s.a.scores)) {
    const row = panel.getByTestId(`head-${head}`);
    await expect(row.locator(".prob")).toHaveText(pct(sc.probability));
    await expect(row.locator(".risk-badge")).toContainText(KO_CATEGORY[sc.category]);
  }
  await expect(panel.getByTestId(`head-lung_cancer_2y`).locator(".head-label")).toHaveText("2년 내 폐암 진단");
  await expect(panel.getByTestId(`head-mace_5y`).locator(".head-label")).toHaveText("5년 내 주요 심혈관 사건(MACE)");

  const n = page.getByTestId("narrative");
  await expect(n).toHaveAttribute("data-state", "ready");
  await expect(n.getByRole("heading", { name: "요약" })).toBeVisible();
  const text = n.getByTestId("narrative-text");
  await expect(text).toHaveAttribute("lang", "ko");
  for (const [head, sc] of Object.entries(s.a.scores)) {
    await expect(text.locator(`p[data-head="${head}"]`)).toContainText(`추정 위험도 ${pct(sc.probability)} (불확실성 구간 ${pct(sc.interval[0])}~${pct(sc.interval[1])}). 위험도 ${KO_CATEGORY[sc.category]}:`);
  }
  await expect(text.locator('p[data-kind="model"]')).toHaveText(`모델 ${s.a.modelName} ${s.a.modelVersion}이(가) 영상과 기록의 결합 융합(joint fusion)으로 점수를 산출했습니다.`);
  await expect(text.locator('p[data-kind="notice"]')).toContainText("연구용 — 진단용 아님.");

  // read aloud in the interface language, with the Korean voice
  await n.getByTestId("read-aloud").click();
  await expect(n.getByTestId("read-aloud-status")).toHaveText("읽는 중…");
  const said = await spoken(page);
  expect(said.length).toBeGreaterThan(2);
  expect(new Set(said.map((u) => `${u.lang} ${u.voice}`))).toEqual(new Set(["ko-KR Stub Korean"]));
  await n.getByTestId("read-aloud-stop").click();

  await page.screenshot({ path: `${SHOTS}/${shot}-record.png`, fullPage: true });
  await panel.screenshot({ path: `${SHOTS}/${shot}-risk-panel.png` });
  expect(englishLeft(await panel.innerText(), [s.a.modelName])).toEqual([]);
  // nothing wider than the panel (long Korean words do not overflow)
  expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
}

test.describe("ko-KR from the browser's language", () => {
  test.use({ locale: "ko-KR" });

  test("sign-in page, patient list, record, risk panel and narrative in Korean; read aloud in Korean", async ({ page }) => {
    await stubSpeech(page);
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "ko-KR");
    await expect(page.getByRole("heading", { level: 1, name: "Fusion CDS 로그인" })).toBeVisible();
    await expect(page.getByText("연구용 — 진단용 아님. 모든 접근은 기록됩니다.")).toBeVisible();
    await expect(page).toHaveTitle("로그인 · Fusion CDS");
    await page.screenshot({ path: `${SHOTS}/ko-login.png`, fullPage: true });
    // a wrong password: the API's error in Korean (translated by its code)
    await page.getByLabel("사용자 이름").first().fill(DEMO.clinician.username);
    await page.getByLabel("비밀번호").first().fill("not-the-password");
    await page.getByRole("button", { name: "로그인" }).click();
    await expect(page.locator(".error-box[role=alert]")).toHaveText("사용자 이름 또는 비밀번호가 올바르지 않습니다.");
    await page.getByLabel("비밀번호").first().fill(DEMO.clinician.password);
    await page.getByRole("button", { name: "로그인" }).click();
    await expect(page).not.toHaveURL(/\/login(\?|$)/);
    await expect(page.getByRole("navigation", { name: "주 메뉴" }).getByRole("link", { name: "환자" })).toBeVisible();

    const s = await patientWithScan(page, 11);
    // the API speaks the browser's language too
    const words = (await (await page.request.get(`/api/assessments/${s.a.id}/narrative`, { headers: { "accept-language": "ko-KR,ko;q=0.9" } })).json()) as { lang: string };
    expect(words.lang).toBe("ko");
    await checkKoreanRecord(page, s, "ko-browser");
  });
});

test("Korean chosen in the top bar: saved on the user, kept after signing out; English again", async ({ page }) => {
  await stubSpeech(page);
  await loginAs(page, "clinician");
  try {
    const s = await patientWithScan(page, 12);
    await page.goto("/patients");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    const select = page.getByRole("combobox", { name: "Language" });
    await expect(select).toHaveValue("en");
    await select.selectOption("ko");
    await expect(page.getByRole("heading", { level: 1, name: "환자" })).toBeVisible();
    await expect(page.getByRole("combobox", { name: "언어" })).toHaveValue("ko");
    await checkKoreanRecord(page, s, "ko-setting");

    // the account page in Korean, with its dates in the locale's format
    await page.goto("/account");
    await expect(page.getByRole("heading", { level: 1, name: "내 계정" })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/ko-setting-account.png`, fullPage: true });

    // signed out: the sign-in page remembers the language (cookie); signed in again: the user's choice
    await page.getByRole("button", { name: "로그아웃", exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { level: 1, name: "Fusion CDS 로그인" })).toBeVisible();
    await page.context().clearCookies();
    await page.goto("/login");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in to Fusion CDS" })).toBeVisible();
    await loginAs(page, "clinician");
    await page.goto("/patients");
    await expect(page.getByRole("heading", { level: 1, name: "환자" })).toBeVisible();

    // back to English from the selector
    await page.getByRole("combobox", { name: "언어" }).selectOption("en");
    await expect(page.getByRole("heading", { level: 1, name: "Patients" })).toBeVisible();
  } finally {
    // leave dr.demo as other specs expect: no saved choice
    await page.request.patch("/api/auth/preferences", { data: { locale: null }, headers: await csrf(page) });
  }
});

test("English: the same flow, as before", async ({ page }) => {
  await stubSpeech(page);
  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page).toHaveTitle("Sign in · Fusion CDS");
  await page.screenshot({ path: `${SHOTS}/en-login.png`, fullPage: true });
  await loginAs(page, "clinician");
  const s = await patientWithScan(page, 13);
  await page.goto(`/patients?q=${encodeURIComponent(s.mrn)}`);
  await expect(page.getByRole("heading", { level: 1, name: "Patients" })).toBeVisible();
  await expect(page.getByText(/1 patient · page 1 of 1/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/en-patients.png`, fullPage: true });
  await page.getByTestId("patient-list").getByRole("row").filter({ hasText: s.mrn }).getByRole("link").click();
  const panel = page.getByTestId("risk-panel");
  await expect(panel.getByRole("heading", { name: "Risk assessment" })).toBeVisible();
  for (const [head, sc] of Object.entries(s.a.scores)) await expect(panel.getByTestId(`head-${head}`).locator(".risk-badge")).toContainText(sc.category);
  const text = page.getByTestId("narrative-text");
  await expect(text).toHaveAttribute("lang", "en");
  for (const [head, sc] of Object.entries(s.a.scores))
    await expect(text.locator(`p[data-head="${head}"]`)).toContainText(`estimated risk ${pct(sc.probability)} (uncertainty interval ${pct(sc.interval[0])} to ${pct(sc.interval[1])}). That is ${sc.category} risk:`);
  await page.getByTestId("read-aloud").click();
  expect(new Set((await spoken(page)).map((u) => `${u.lang} ${u.voice}`))).toEqual(new Set(["en Stub English"]));
  await page.screenshot({ path: `${SHOTS}/en-record.png`, fullPage: true });
});
