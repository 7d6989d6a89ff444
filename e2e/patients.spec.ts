import { expect, test } from "@playwright/test";
import { login } from "./support/login";

// Foundation: a clinician finds a patient in the server-rendered list and opens the record.
test.describe("patient list and record", () => {
  test.beforeEach(async ({ page }) => {
    await login(page, "dr.demo", "demo-clinician-2026");
  });

  test("lists the demo cohort with paging", async ({ page }) => {
    await page.goto("/patients");
    await expect(page.getByRole("heading", { name: "Patients" })).toBeVisible();
    const rows = page.getByRole("table", { name: "Patients" }).locator("tbody tr");
    await expect(rows).toHaveCount(25);
    // the seeded cohort has 60 patients; other specs may have added some since
    const summary = page.getByText(/[\d,]+ patients · page 1 of \d+/);
    await expect(summary).toBeVisible();
    const [, total, pages] = /([\d,]+) patients · page 1 of (\d+)/.exec((await summary.textContent())!)!;
    expect(Number(total.replace(/,/g, ""))).toBeGreaterThanOrEqual(60);
    expect(Number(pages)).toBe(Math.ceil(Number(total.replace(/,/g, "")) / 25));
    await page.getByRole("link", { name: "Next →" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(rows).toHaveCount(25);
  });

  test("searches by MRN and by name, then opens the record", async ({ page }) => {
    await page.goto("/patients");
    const search = page.getByRole("searchbox", { name: "Search by name or MRN" });
    await search.fill("DEMO-000007");
    await search.press("Enter");
    await expect(page).toHaveURL(/q=DEMO-000007/);
    const rows = page.getByRole("table", { name: "Patients" }).locator("tbody tr");
    await expect(rows).toHaveCount(1);
    const link = rows.first().getByRole("link");
    const name = (await link.textContent())!.trim();
    const family = name.split(",")[0];

    // the same patient is found by family name too
    await search.fill(family);
    await search.press("Enter");
    // (other patients may share the name: other specs add patients) — the row with this MRN
    const row = rows.filter({ hasText: "DEMO-000007" });
    await expect(row.getByRole("link", { name })).toBeVisible();
    await row.getByRole("link", { name }).click();

    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
    await expect(page.getByLabel("Demographics")).toContainText("DEMO-000007");
    await expect(page.getByRole("heading", { name: "Medical history" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Family history" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Diet records" })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/patient-record.png", fullPage: true });
  });

  test("a search with no match says so", async ({ page }) => {
    await page.goto("/patients?q=no-such-patient-xyz");
    await expect(page.getByText("No patients match “no-such-patient-xyz”.")).toBeVisible();
  });
});
