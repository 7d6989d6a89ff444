// Outcome labels and risk-category thresholds have one owner: the model bundle, read through
// readBundleOutcomes / bundleOutcomes. A second copy of a label, a short label or a category rule
// anywhere in app/ or lib/ fails here (the training side in models/ writes the bundle and is
// allowed to hold them).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BundleOutcomesError, bundleOutcomes, readBundleOutcomes } from "./outcomes";

const ROOT = process.cwd();
const bundleDir = path.join(ROOT, "models", "fusion-demo", readFileSync(path.join(ROOT, "models", "fusion-demo", "ACTIVE"), "utf8").trim());

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (name === "generated" || name === "node_modules") continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts|mjs|js|json)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}
const files = [...sources(path.join(ROOT, "app")), ...sources(path.join(ROOT, "lib"))].map((f) => ({ file: path.relative(ROOT, f), text: readFileSync(f, "utf8") }));

describe("the served bundle's outcomes", () => {
  it("every head has a label, a short label and thresholds; card.json says the same", async () => {
    const outcomes = await readBundleOutcomes(bundleDir);
    const meta = JSON.parse(readFileSync(path.join(bundleDir, "inference.json"), "utf8")) as { heads: string[] };
    expect(outcomes.map((o) => o.head)).toEqual(meta.heads);
    const card = JSON.parse(readFileSync(path.join(bundleDir, "card.json"), "utf8")) as { heads: { name: string; label: string; shortLabel: string; categories: object }[] };
    expect(card.heads.map((h) => ({ head: h.name, label: h.label, shortLabel: h.shortLabel, categories: h.categories }))).toEqual(outcomes);
  });

  it("a bundle without a head's label or thresholds is refused, not filled in", () => {
    const meta = { heads: ["a_1y", "b_2y"], headLabels: { a_1y: "A" }, categories: { a_1y: [0.1, 0.2] as [number, number], b_2y: [0.1, 0.2] as [number, number] } };
    expect(() => bundleOutcomes(meta)).toThrow(BundleOutcomesError);
    expect(() => bundleOutcomes({ ...meta, headLabels: { a_1y: "A", b_2y: "B" }, categories: { ...meta.categories, b_2y: [0.3, 0.2] } })).toThrow(/moderateFrom must be below highFrom/);
    expect(bundleOutcomes({ ...meta, headLabels: { a_1y: "A", b_2y: "B" } })[1]).toEqual({ head: "b_2y", label: "B", shortLabel: "B", categories: { moderateFrom: 0.1, highFrom: 0.2 } });
  });
});

describe("labels and thresholds have one owner", () => {
  it("no file in app/ or lib/ spells a head's label or short label", async () => {
    const outcomes = await readBundleOutcomes(bundleDir);
    const words = outcomes.flatMap((o) => [o.label, o.shortLabel]);
    // the labels these files held before the bundle owned them, so they cannot come back either
    words.push("Lung cancer (2 years)", "Major adverse cardiac event");
    const copies = files.flatMap(({ file, text }) => words.filter((w) => text.toLowerCase().includes(w.toLowerCase())).map((w) => `${file}: "${w}"`));
    expect(copies).toEqual([]);
  });

  it("no file keys a table by head id (a label or threshold map of its own)", async () => {
    const heads = (await readBundleOutcomes(bundleDir)).map((o) => o.head);
    const keyed = new RegExp(`["']?\\b(${heads.join("|")})\\b["']?\\s*:`);
    expect(files.filter(({ text }) => keyed.test(text)).map((f) => f.file)).toEqual([]);
  });

  it("probabilities become categories in one place (lib/domain/outcomes.ts categoryFor)", () => {
    // `p >= 0.2 ? "high" : …` or a "moderate" branch written anywhere else is a second copy of the rule
    const rule = /\?\s*["'](high|moderate)["']/;
    expect(files.filter(({ file, text }) => file !== path.join("lib", "domain", "outcomes.ts") && rule.test(text)).map((f) => f.file)).toEqual([]);
  });
});
