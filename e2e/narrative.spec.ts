// The assessment in words (issue 17): the risk panel's narrative for a joint-fusion assessment (a
// synthetic chest CT the model reads) and a record-only one, checked against the stored scores;
// and the read-aloud control, with the browser's speech synthesis replaced at the Web Speech API
// boundary (window.speechSynthesis, SpeechSynthesisUtterance) — including a browser without an
// English voice. Creates its own patients: no global counts are assumed.
import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import { loginAs } from "./support/login";
import { renderScan, scanToDicom } from "../models/fusion/cohort";
import { createCohortPatient, csrf } from "./support/cohort-patient";

const SHOTS = "/tmp/shots-narrative17";
mkdirSync(SHOTS, { recursive: true });

type Score = { probability: number; interval: [number, number]; category: string };
type Rec = { id: string; scans: { id: string }[]; assessments: { id: string; scanId: string | null; status: string; strategy: string; modelName: string; modelVersion: string; scores: Record<string, Score> }[] };
type Words = { assessmentId: string; lang: string; sections: { kind: string; head: string | null; text: string }[]; text: string };

const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
const createPatient = (page: Page, index: number) => createCohortPatient(page, index, "N17");

async function record(page: Page, id: string): Promise<Rec> {
  return (await (await page.request.get(`/api/patients/${id}`)).json()) as Rec;
}

async function finished(page: Page, id: string, which: (a: Rec["assessments"][number]) => boolean) {
  await expect.poll(async () => (await record(page, id)).assessments.find(which)?.status, { timeout: 60_000 }).toBe("done");
  return (await record(page, id)).assessments.find(which)!;
}

/** Replaces the Web Speech API with a recorder: voices as given; speak/pause/resume/cancel logged. */
async function stubSpeech(page: Page, voices: { name: string; lang: string; default?: boolean }[]) {
  await page.addInitScript((voices) => {
    type U = { text: string; lang: string; voice: { name: string } | null; onend: (() => void) | null; onerror: ((e: { error: string }) => void) | null };
    const log: { calls: string[]; spoken: { text: string; lang: string; voice: string | null }[]; queue: U[] } = { calls: [], spoken: [], queue: [] };
    class Utterance {
      text: string;
      lang = "";
      voice: { name: string } | null = null;
      onend: (() => void) | null = null;
      onerror: ((e: { error: string }) => void) | null = null;
      constructor(text: string) {
        this.text = text;
      }
    }
    const synth = {
      getVoices: () => voices.map((v) => ({ ...v, default: !!v.default, localService: true, voiceURI: v.name })),
      speak(u: U) {
        log.calls.push("speak");
        log.spoken.push({ text: u.text, lang: u.lang, voice: u.voice?.name ?? null });
        log.queue.push(u);
      },
      pause: () => log.calls.push("pause"),
      resume: () => log.calls.push("resume"),
      cancel() {
        log.calls.push("cancel");
        log.queue = [];
      },
      addEventListener() {},
      removeEventListener() {},
      speaking: false,
      paused: false,
      pending: false,
    };
    Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
    Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true, writable: true });
    const w = window as unknown as { __speech: typeof log; __finishSpeech: () => void };
    w.__speech = log;
    // the browser finishes speaking: every queued utterance ends, in order
    w.__finishSpeech = () => {
      const q = log.queue;
      log.queue = [];
      for (const u of q) u.onend?.();
    };
  }, voices);
}

/** WCAG 2 A/AA violations inside the narrative section (axe-core). */
async function axeNarrative(page: Page) {
  const r = await new AxeBuilder({ page }).include('[data-testid="narrative"]').withTags(["wcag2a", "wcag2aa"]).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const speech = (page: Page) => page.evaluate(() => (window as unknown as { __speech: { calls: string[]; spoken: { text: string; lang: string; voice: string | null }[] } }).__speech);

test.beforeEach(async ({ page }) => loginAs(page, "clinician"));

test("joint fusion: the narrative states each outcome's risk, interval and category, the image's part and where the saliency concentrates; read aloud with pause, resume and stop from the keyboard", async ({ page }) => {
  await stubSpeech(page, [{ name: "Stub Korean", lang: "ko-KR" }, { name: "Stub English", lang: "en-US", default: true }]);
  const { id, p } = await createPatient(page, 7);
  const dicom = Buffer.from(scanToDicom(p, renderScan(p, { size: 256 })));
  const up = await page.request.post(`/api/patients/${id}/scans`, { headers: await csrf(page), multipart: { file: { name: "chest.dcm", mimeType: "application/dicom", buffer: dicom } } });
  expect(up.status(), await up.text()).toBe(201);
  const scanId = ((await up.json()) as { scan: { id: string } }).scan.id;
  const a = await finished(page, id, (x) => x.scanId === scanId);
  expect(a.strategy).toBe("joint");

  const api = (await (await page.request.get(`/api/assessments/${a.id}/narrative`)).json()) as Words;
  expect(api.assessmentId).toBe(a.id);
  expect(api.lang).toBe("en");

  await page.goto(`/patients/${id}`);
  await page.getByTestId(`thumb-${scanId}`).click();
  const n = page.getByTestId("narrative");
  await expect(n).toHaveAttribute("data-state", "ready");
  const text = n.getByTestId("narrative-text");
  for (const [head, s] of Object.entries(a.scores)) {
    const para = text.locator(`p[data-head="${head}"]`);
    await expect(para).toContainText(`estimated risk ${pct(s.probability)} (uncertainty interval ${pct(s.interval[0])} to ${pct(s.interval[1])}). That is ${s.category} risk:`);
    await expect(para).toContainText(/The record factors that moved it most from an average record: .+ \((raises|lowers) it\)/);
    await expect(para).toContainText(/The image accounted for \d+% of what moved this estimate, (raising|lowering) it\./);
  }
  await expect(text.locator('p[data-kind="image"]')).toContainText(/The saliency map \(Grad-CAM, for .+\) (concentrates in|is spread over the image without a clear focus; its strongest ninth is) the (centre of the image|(upper|middle|lower) (left|middle|right) part of the image) as displayed \(frame \d+\)/);
  await expect(text.locator('p[data-kind="model"]')).toHaveText(`Scored by the model ${a.modelName} ${a.modelVersion} with joint fusion of the image and the record.`);
  await expect(text.locator('p[data-kind="notice"]')).toContainText("Research use only — not for diagnosis.");
  // what the panel shows is what the API wrote, paragraph for paragraph
  expect(await text.locator("p").allInnerTexts()).toEqual(api.sections.map((s) => s.text));
  await n.screenshot({ path: `${SHOTS}/narrative-joint.png` });
  expect(await axeNarrative(page)).toEqual([]);

  // read aloud: reachable and worked by the keyboard alone
  const read = n.getByTestId("read-aloud");
  await expect(read).toHaveText(/Read aloud/);
  await read.focus();
  await page.keyboard.press("Enter");
  await expect(n.getByTestId("read-aloud-status")).toHaveText("Reading aloud…");
  const s1 = await speech(page);
  expect(s1.spoken.map((u) => u.text)).toEqual(api.sections.map((s) => s.text));
  expect(new Set(s1.spoken.map((u) => `${u.lang} ${u.voice}`))).toEqual(new Set(["en Stub English"]));
  await page.getByTestId("risk-panel").screenshot({ path: `${SHOTS}/risk-panel-reading-aloud.png` });

  await n.getByTestId("read-aloud-pause").focus();
  await page.keyboard.press("Space");
  await expect(n.getByTestId("read-aloud-status")).toHaveText("Paused");
  await n.getByTestId("read-aloud-resume").focus();
  await page.keyboard.press("Enter");
  await expect(n.getByTestId("read-aloud-status")).toHaveText("Reading aloud…");
  await n.getByTestId("read-aloud-stop").focus();
  await page.keyboard.press("Enter");
  await expect(read).toBeVisible();
  expect((await speech(page)).calls.slice(-3)).toEqual(["pause", "resume", "cancel"]);

  // read to the end: the control comes back by itself
  await read.click();
  await expect(n.getByTestId("read-aloud-pause")).toBeVisible();
  await page.evaluate(() => (window as unknown as { __finishSpeech: () => void }).__finishSpeech());
  await expect(read).toBeVisible();
  await expect(n.getByTestId("read-aloud-status")).toHaveText("");
});

test("record only: the narrative says no image was used and why, and names no saliency; without an English voice the button says so", async ({ page }) => {
  await stubSpeech(page, [{ name: "Stub Korean", lang: "ko-KR" }]);
  const { id } = await createPatient(page, 8);
  const req = await page.request.post(`/api/patients/${id}/assessments`, { data: { scanId: null }, headers: await csrf(page) });
  expect(req.status(), await req.text()).toBe(202);
  const a = await finished(page, id, (x) => x.scanId === null);
  expect(a.strategy).toBe("tabular_only");

  await page.goto(`/patients/${id}`);
  const n = page.getByTestId("narrative");
  await expect(n).toHaveAttribute("data-state", "ready");
  const text = n.getByTestId("narrative-text");
  for (const [head, s] of Object.entries(a.scores))
    await expect(text.locator(`p[data-head="${head}"]`)).toContainText(`estimated risk ${pct(s.probability)} (uncertainty interval ${pct(s.interval[0])} to ${pct(s.interval[1])}). That is ${s.category} risk:`);
  await expect(text).not.toContainText("The image accounted for");
  await expect(text.locator('p[data-kind="image"]')).toHaveCount(0);
  await expect(text.locator('p[data-kind="notes"]')).toContainText("Read with care: No scan was used: the scores rest on the medical history, family history and diet alone.");
  await expect(text.locator('p[data-kind="model"]')).toHaveText(`Scored by the model ${a.modelName} ${a.modelVersion} on the record alone (medical history, family history and diet); no image was used.`);
  await expect(text.locator('p[data-kind="notice"]')).toContainText("Research use only — not for diagnosis.");

  // no English voice: the button says so, stays focusable, and speaks nothing
  const read = n.getByTestId("read-aloud");
  await expect(read).toHaveText("Read aloud is not available: this browser has no English voice");
  await expect(read).toHaveAttribute("aria-disabled", "true");
  await read.focus();
  await expect(read).toBeFocused();
  await page.keyboard.press("Enter");
  expect((await speech(page)).calls).toEqual([]);
  await n.screenshot({ path: `${SHOTS}/narrative-record-only-no-voice.png` });
  expect(await axeNarrative(page)).toEqual([]);
});

test("a browser whose voices never load: after a short wait the button says there is no English voice", async ({ page }) => {
  await stubSpeech(page, []);
  const { id } = await createPatient(page, 9);
  const req = await page.request.post(`/api/patients/${id}/assessments`, { data: { scanId: null }, headers: await csrf(page) });
  expect(req.status(), await req.text()).toBe(202);
  await finished(page, id, (x) => x.scanId === null);
  await page.goto(`/patients/${id}`);
  await expect(page.getByTestId("read-aloud")).toHaveText("Read aloud is not available: this browser has no English voice");
});
