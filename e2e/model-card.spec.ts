// The model card page as a researcher (no identified data) and a clinician reach it: the served
// demo model's intended use, metrics with bootstrap CIs for every strategy, the ROC and
// calibration plots from its report, and the image out-of-distribution check.
import { expect, test } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loginAs } from "./support/login";

const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });
const activeVersion = readFileSync(path.join("models", "fusion-demo", "ACTIVE"), "utf8").trim();

for (const role of ["researcher", "clinician"] as const) {
  test(`a ${role} opens the served model's card from the model list`, async ({ page }) => {
    await loginAs(page, role, { next: "/models" });
    await expect(page.getByRole("heading", { name: "Models" })).toBeVisible();
    await page.getByRole("row", { name: new RegExp(activeVersion.replace(/\./g, "\\.")) }).getByRole("link", { name: "fusion-demo" }).click();
    await expect(page).toHaveURL(new RegExp(`/models/fusion-demo/${activeVersion}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`fusion-demo ${activeVersion}`);
    await expect(page.getByText("Synthetic demo model — research use only, not for diagnosis.")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Intended use" })).toBeVisible();

    for (const head of ["lung_cancer_2y", "mace_5y"]) {
      const table = page.getByTestId(`metrics-${head}`);
      await expect(table).toBeVisible();
      // every strategy measured on the same test set, each with a 95% CI: "0.932 (0.920–0.945)"
      for (const s of ["joint", "early", "late", "image_only", "tabular_only"]) await expect(table.getByRole("row", { name: new RegExp(`^${s}`) })).toContainText(/0\.\d{3} \(0\.\d{3}–0\.\d{3}\)/);
      await expect(table.getByRole("row", { name: /Bayes-optimal/ })).toBeVisible();
    }

    const plots = page.locator(".plots img");
    expect(await plots.count()).toBeGreaterThanOrEqual(2);
    for (const img of await plots.all()) {
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    }

    const ood = page.getByTestId("ood-table");
    await expect(ood).toContainText("in distribution: synthetic test split (false alarms)");
    await expect(ood.getByRole("row", { name: /real CT CT_small\.dcm/ })).toContainText("100.0%");
    if (role === "researcher") await page.screenshot({ path: `${SHOTS}/model-card.png`, fullPage: true });
  });
}
