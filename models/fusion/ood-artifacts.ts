/**
 * Writes a fitted out-of-distribution reference into a model bundle: ood.json (read by the runtime),
 * an `outOfDistributionCheck` entry and a limitation in card.json, and a section in report.md.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { OodReference } from "@/lib/fusion/ood";

const SECTION = "## Image out-of-distribution check";

export function oodMarkdown(ref: OodReference): string {
  const rows = Object.entries(ref.evaluation).map(([name, v]) => {
    const e = v as { n: number; flagged: number; medianDistance?: number; distance?: number };
    return `| ${name} | ${e.n} | ${(e.flagged * 100).toFixed(1)}% | ${(e.medianDistance ?? e.distance ?? NaN).toFixed(1)} |`;
  });
  return [
    SECTION,
    "",
    `Before the image branch is used, the image's pooled last-conv features (\`${ref.layer}\`, ${ref.dim} values) are compared with the training images' by Mahalanobis distance (covariance from ${ref.fittedOn.n} training-split images, shrinkage ${ref.shrinkage}). Above ${ref.threshold.toFixed(2)} — the ${(ref.thresholdQuantile * 100).toFixed(1)}th percentile of ${ref.thresholdFrom.n} validation-split images — the image is not used: the assessment is made on the record alone and flagged \`image_out_of_distribution\`. Fitted by \`npm run ood:fit\` (models/fusion/ood-fit.ts).`,
    "",
    "| images | n | flagged | median distance |",
    "|---|---|---|---|",
    ...rows,
    "",
    "Real CT of other body parts is the case that matters: the model has only seen synthetic chest phantoms, so every real CT is expected to be flagged until the model is trained on real images.",
    "",
  ].join("\n");
}

export async function writeOodArtifacts(dir: string, ref: OodReference): Promise<void> {
  await writeFile(path.join(dir, "ood.json"), JSON.stringify(ref, null, 2) + "\n");

  const cardFile = path.join(dir, "card.json");
  const card = JSON.parse(await readFile(cardFile, "utf8")) as Record<string, unknown> & { limitations?: string[] };
  card.outOfDistributionCheck = {
    method: `Mahalanobis distance of the pooled image features (${ref.layer}, ${ref.dim}-d) to the training images`,
    threshold: ref.threshold,
    thresholdQuantileOnValidation: ref.thresholdQuantile,
    action: "image not used; scored on the record alone; flagged image_out_of_distribution",
    evaluation: ref.evaluation,
  };
  const note = "The out-of-distribution check compares one layer's features with synthetic training images; it catches images unlike the phantom, not subtle shifts, and its false-alarm rate was set on synthetic validation images.";
  card.limitations = [...(card.limitations ?? []).filter((l) => !l.startsWith("The out-of-distribution check")), note];
  await writeFile(cardFile, JSON.stringify(card, null, 2));

  const reportFile = path.join(dir, "report.md");
  const md = await readFile(reportFile, "utf8").catch(() => "");
  const start = md.indexOf(SECTION);
  const bench = md.indexOf("## Runtime benchmarks");
  let before: string, after: string;
  if (start >= 0) {
    const next = md.indexOf("\n## ", start + SECTION.length);
    before = md.slice(0, start);
    after = next >= 0 ? md.slice(next + 1) : "";
  } else if (bench >= 0) {
    before = md.slice(0, bench);
    after = md.slice(bench);
  } else {
    before = md.trimEnd() + "\n\n";
    after = "";
  }
  await writeFile(reportFile, `${before}${oodMarkdown(ref)}${after ? "\n" + after : ""}`);
}
