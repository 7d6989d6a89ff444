// Accessibility (issue 16 item 4): axe-core on every page, as each role that can see it, with zero
// serious or critical violations; skip links on the record page; a title per page; focus on the
// first invalid field after a failed submit; Escape closes dialogs; the record page at 1024×768
// keeps image and scores side by side without horizontal scrolling; a favicon.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loginAs, type DEMO } from "./support/login";

const SHOTS = process.env.SHOTS_DIR ?? "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });
const activeVersion = readFileSync(path.join("models", "fusion-demo", "ACTIVE"), "utf8").trim();

/** Serious and critical axe violations on the page as it is now, described for the failure message. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")} ${n.failureSummary?.replace(/\s+/g, " ") ?? ""}`).join(" | ")}`);
}

async function patientIdOf(page: Page, mrn: string): Promise<string> {
  const r = await page.request.get(`/api/patients?q=${mrn}`);
  expect(r.ok()).toBeTruthy();
  const hit = ((await r.json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === mrn);
  expect(hit, `${mrn} is seeded by scripts/e2e-server.mjs`).toBeTruthy();
  return hit!.id;
}

type Role = keyof typeof DEMO;
type PageCase = { name: string; roles: Role[]; path: (page: Page) => Promise<string>; ready?: (page: Page) => Promise<void>; title: RegExp };

const PAGES: PageCase[] = [
  { name: "patient list", roles: ["clinician"], path: async () => "/patients", title: /^Patients · Fusion CDS$/ },
  {
    name: "record (viewer, risk panel, upload, forms)", roles: ["clinician"], title: /^Patient record · Fusion CDS$/,
    path: async (page) => `/patients/${await patientIdOf(page, "DEMO-000000")}`,
    ready: async (page) => { await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 30_000 }); },
  },
  { name: "research export", roles: ["researcher"], path: async () => "/research/export", title: /^Research export · Fusion CDS$/ },
  { name: "model list", roles: ["clinician", "researcher", "admin"], path: async () => "/models", title: /^Models · Fusion CDS$/ },
  {
    name: "model card", roles: ["clinician", "researcher"], path: async () => `/models/fusion-demo/${activeVersion}`, title: new RegExp(`^fusion-demo ${activeVersion.replace(/\./g, "\\.")} · Fusion CDS$`),
    ready: async (page) => { await expect(page.getByRole("heading", { name: "Intended use" })).toBeVisible(); },
  },
  { name: "account", roles: ["clinician", "researcher", "admin"], path: async () => "/account", title: /^Account · Fusion CDS$/ },
  { name: "two-factor authentication", roles: ["clinician", "admin"], path: async () => "/account/mfa", title: /^Two-factor authentication · Fusion CDS$/ },
  { name: "administration", roles: ["admin"], path: async () => "/admin", title: /^Administration · Fusion CDS$/ },
  { name: "admin users", roles: ["admin"], path: async () => "/admin/users", title: /^Users · Fusion CDS$/ },
  { name: "admin audit", roles: ["admin"], path: async () => "/admin/audit", title: /^Audit log · Fusion CDS$/ },
  { name: "admin trusted EHRs", roles: ["admin"], path: async () => "/admin/ehrs", title: /^Trusted EHRs · Fusion CDS$/ },
  { name: "admin DICOMweb sources", roles: ["admin"], path: async () => "/admin/dicomweb", title: /^DICOMweb sources · Fusion CDS$/ },
  { name: "access denied", roles: ["researcher"], path: async () => "/patients", title: /^Access denied · Fusion CDS$/ },
];

test("the sign-in page has no serious or critical axe violations, its own title and a favicon", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByLabel("Username")).toBeVisible();
  expect.soft(await seriousViolations(page)).toEqual([]);
  await expect.soft(page).toHaveTitle(/^Sign in · Fusion CDS$/);
  const icon = await page.locator('link[rel~="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  const r = await page.request.get(icon!);
  expect(r.status()).toBe(200);
  expect(r.headers()["content-type"]).toMatch(/^image\//);
});

for (const pc of PAGES) {
  for (const role of pc.roles) {
    test(`${pc.name} as ${role}: zero serious or critical axe violations and its own title`, async ({ page }) => {
      await loginAs(page, role);
      await page.goto(await pc.path(page));
      await page.waitForLoadState("networkidle");
      await pc.ready?.(page);
      expect.soft(await seriousViolations(page)).toEqual([]);
      await expect.soft(page).toHaveTitle(pc.title);
    });
  }
}

test("record page: skip links reach the viewer and the risk panel; HIGH badge and active tool pass contrast", async ({ page }) => {
  await loginAs(page, "clinician");
  await page.goto(`/patients/${await patientIdOf(page, "DEMO-000000")}`);
  await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  // the first Tab lands on the skip links (visible when focused)
  await page.keyboard.press("Tab");
  const toViewer = page.getByRole("link", { name: "Skip to image viewer" });
  await expect(toViewer).toBeFocused();
  await expect(toViewer).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/a11y-skip-link.png` });
  await page.keyboard.press("Enter");
  await expect(page.locator("#viewer")).toBeFocused();
  await page.goto(page.url().replace(/#.*$/, ""));
  await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const toRisk = page.getByRole("link", { name: "Skip to risk scores" });
  await expect(toRisk).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#risk-panel")).toBeFocused();
  // the keyboard-shortcut dialog closes with Escape and gives focus back to the image
  await page.getByTestId("viewport").focus();
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
});

test("record page at 1024×768: image and scores side by side, no horizontal scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await loginAs(page, "clinician");
  await page.goto(`/patients/${await patientIdOf(page, "DEMO-000000")}`);
  await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  const image = await page.getByTestId("viewport").boundingBox();
  const risk = await page.locator("#risk-panel").boundingBox();
  expect(image && risk).toBeTruthy();
  // side by side: the risk panel starts right of the image and their vertical extents overlap
  expect(risk!.x).toBeGreaterThanOrEqual(image!.x + image!.width - 1);
  expect(risk!.y).toBeLessThan(image!.y + image!.height);
  expect(risk!.x + risk!.width).toBeLessThanOrEqual(1024);
  expect(image!.width).toBeGreaterThanOrEqual(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/a11y-record-1024x768.png` });
});

test("a failed submit moves focus to the first invalid field (record forms, sign-in, admin users)", async ({ page }) => {
  // sign-in with nothing filled
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Username")).toBeFocused();

  await loginAs(page, "clinician");
  await page.goto(`/patients/${await patientIdOf(page, "DEMO-000001")}`);
  await page.getByRole("button", { name: "Add condition" }).click();
  const form = page.getByTestId("condition-form");
  // the name is filled, the code is not: submitting from the button leaves focus on the code field
  await form.getByLabel("Condition", { exact: true }).fill("Asthma");
  const add = form.getByRole("button", { name: "Add", exact: true });
  await add.focus();
  await page.keyboard.press("Enter");
  const code = form.getByLabel("Code", { exact: true });
  await expect(code).toHaveAttribute("aria-invalid", "true");
  await expect(code).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/a11y-invalid-focus.png` });
});
