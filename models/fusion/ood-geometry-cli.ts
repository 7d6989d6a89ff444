/**
 * npm run ood:geometry -- --dir <bundle> [--dir <bundle> …] [--n 600] [--seed 20261128]
 *                         [--offset 12500] [--write-to <bundle> …]
 *
 * Flag rates of the image out-of-distribution check (and AUROC as deployed) for mirrored, shifted
 * (28–40 mm), rotated (10–20°) and rescaled synthetic test slices, with the header describing the
 * new geometry or left unchanged (models/fusion/ood-geometry.ts). Default patients: the served
 * model's test range of the 1.1.0 cohort (seed 20261128, from 12500), which no model here trained on.
 * --write-to puts the tables on that bundle's card (card.json `imageGeometry`, report.md section).
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { initBackend } from "@/lib/fusion/runtime";
import { geometryMarkdown, type CardExtras } from "./card";
import { measureGeometry } from "./ood-geometry";
import { rewriteCard } from "./train-snapshot";

const argv = process.argv.slice(2);
const get = (k: string, d: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const dirs = argv.flatMap((a, i) => (a === "--dir" && argv[i + 1] ? [argv[i + 1]] : []));
export const GEOMETRY_SECTION = "## Image geometry: out-of-distribution flag rates";

async function main() {
  if (!dirs.length) throw new Error("give at least one --dir <bundle>");
  await initBackend();
  const tables: NonNullable<CardExtras["geometry"]> = [];
  for (const dir of dirs) {
    const t0 = performance.now();
    tables.push(await measureGeometry(dir, { n: Number(get("n", "600")), seed: Number(get("seed", "20261128")), offset: Number(get("offset", "12500")), onCase: (c) => console.error(`[geometry] ${dir}: ${c} (${((performance.now() - t0) / 1000).toFixed(0)} s)`) }));
  }
  const md = geometryMarkdown(tables).join("\n");
  console.log(md);
  for (const target of argv.flatMap((a, i) => (a === "--write-to" && argv[i + 1] ? [argv[i + 1]] : []))) await writeTo(target, tables, md);
}

async function writeTo(target: string, tables: NonNullable<CardExtras["geometry"]>, md: string) {
  if (existsSync(path.join(target, "candidate.json"))) await rewriteCard(target, { geometry: tables });
  else {
    // a served bundle of the earlier format: card.json entry + a report.md section (kept by later rewrites)
    const cardFile = path.join(target, "card.json");
    const card = JSON.parse(await readFile(cardFile, "utf8"));
    card.imageGeometry = tables;
    await writeFile(cardFile, JSON.stringify(card, null, 2));
    const reportFile = path.join(target, "report.md");
    const old = await readFile(reportFile, "utf8");
    const section = `${GEOMETRY_SECTION}\n\nSynthetic test slices (${tables[0].rows[0].n} patients of the 1.1.0 test range) mirrored, shifted, rotated or rescaled (npm run ood:geometry, models/fusion/ood-geometry.ts). "flagged" = the image is not used and the record-only network scores the assessment; AUROC is of the scores as deployed.\n\n${md}\n`;
    const start = old.indexOf(GEOMETRY_SECTION);
    let next = start >= 0 ? old.indexOf("\n## ", start + GEOMETRY_SECTION.length) : -1;
    if (start < 0) {
      const bench = old.indexOf("## Runtime benchmarks");
      await writeFile(reportFile, bench >= 0 ? `${old.slice(0, bench)}${section}\n${old.slice(bench)}` : `${old.trimEnd()}\n\n${section}`);
    } else {
      if (next >= 0) next += 1;
      await writeFile(reportFile, `${old.slice(0, start)}${section}${next >= 0 ? "\n" + old.slice(next) : ""}`);
    }
  }
  console.error(`wrote the geometry tables to ${target}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
