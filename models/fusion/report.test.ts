/**
 * report.md is written by three tools: training / `npm run evaluate` (the evaluation), `npm run
 * ood:fit` (the out-of-distribution section) and `npm run bench:fusion -- --write-report` (runtime
 * benchmarks). Rewriting the evaluation must keep the sections the other two wrote.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { writeReport } from "./report";
import type { InferenceMeta } from "@/lib/fusion/bundle";
import { DEFAULT_ARCH } from "@/lib/fusion/architecture";

const meta = {
  name: "fusion-demo",
  version: "9.9.9",
  createdAt: "2026-12-01T00:00:00.000Z",
  heads: ["lung_cancer_2y"],
  headLabels: { lung_cancer_2y: "Lung cancer" },
  arch: { ...DEFAULT_ARCH, strategy: "joint", imageSize: 32, tabularDim: 4, heads: ["lung_cancer_2y"] },
  tabularArch: null,
  calibration: { main: { temperature: [1] }, tabular: null },
  categories: { lung_cancer_2y: [0.03, 0.1] },
  baseline: { tabular: [0, 0, 0, 0], imageBase64: "" },
  interval: { method: "mc-dropout", samples: 32, rate: 0.2, lowerQuantile: 0.05, upperQuantile: 0.95, widen: 1.5 },
} as unknown as InferenceMeta;
const training = {
  backend: "cpu",
  machine: "test",
  cohort: { seed: 1, splits: { test: { offset: 0, n: 10 } } },
  dataSeconds: 1,
  options: { epochs: 1 },
  strategies: {},
  interval: { widen: 1.5, coverage: 0.9, testCoverage: 0.9, meanWidth: 0.1 },
  bayesLarge: { n: 10, auroc: { lung_cancer_2y: 0.9 } },
  totalSeconds: 1,
};

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("writeReport", () => {
  it("keeps the out-of-distribution and benchmark sections other tools wrote", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fusion-report-"));
    const ood = "## Image out-of-distribution check\n\nthreshold 10.44; rotated 90° flagged 98.5%\n";
    const bench = "## Runtime benchmarks\n\n| backend | forward |\n|---|---|\n| wasm | 0.92 ms |\n";
    await writeFile(path.join(dir, "report.md"), `# old report\n\n## Test-set results\n\nold numbers\n\n${ood}\n${bench}`);
    await writeReport(dir, { meta, evaluation: null, training, evaluationMd: "NEW EVALUATION" });
    const md = await readFile(path.join(dir, "report.md"), "utf8");
    expect(md).toContain("NEW EVALUATION");
    expect(md).not.toContain("old numbers");
    expect(md).toContain("rotated 90° flagged 98.5%");
    expect(md).toContain("| wasm | 0.92 ms |");
    // one copy of each, in the order: evaluation, out-of-distribution check, benchmarks
    expect(md.split("## Image out-of-distribution check").length).toBe(2);
    expect(md.indexOf("NEW EVALUATION")).toBeLessThan(md.indexOf("## Image out-of-distribution check"));
    expect(md.indexOf("## Image out-of-distribution check")).toBeLessThan(md.indexOf("## Runtime benchmarks"));
  });

  it("keeps the out-of-distribution section when there is no benchmark section", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fusion-report-"));
    await writeFile(path.join(dir, "report.md"), "# old\n\n## Image out-of-distribution check\n\nflag rates here\n");
    await writeReport(dir, { meta, evaluation: null, training, evaluationMd: "NEW" });
    expect(await readFile(path.join(dir, "report.md"), "utf8")).toContain("flag rates here");
  });
});
