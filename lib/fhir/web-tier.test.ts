// The web tier never loads the model for the FHIR API (lib/jobs/README.md, "Who loads the model"):
// the import (POST /fhir/R4, npm run fhir:import), the read API and RiskAssessment queue work for the
// workers and read the registry; only the CDS Hooks service scores in-process, and it reaches
// lib/fusion through one dynamic import in lib/fhir/cds/model.ts, on its first call. Walks each
// entry's static import graph (type-only imports and `await import()` are not loaded eagerly).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();

function graph(entry: string): string[] {
  const seen = new Set<string>();
  const ext = ["", ".ts", ".tsx", "/index.ts"];
  const resolve = (from: string, spec: string): string | null => {
    const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
    if (!base) return null;
    for (const e of ext) if (existsSync(base + e) && (base + e).match(/\.tsx?$/)) return base + e;
    return null;
  };
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, "utf8");
    for (const m of src.matchAll(/^\s*(?:import|export)\s(?!type\b)[^;]*?\sfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith("@tensorflow/")) seen.add(`${path.relative(root, file)} → ${spec}`);
      const r = resolve(file, spec);
      if (r) visit(r);
    }
  };
  visit(path.join(root, entry));
  return [...seen].map((f) => (path.isAbsolute(f) ? path.relative(root, f) : f));
}

const routes = (dir: string): string[] =>
  readdirSync(path.join(root, dir)).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(path.join(root, p)).isDirectory() ? routes(p) : name === "route.ts" ? [p] : [];
  });

const modelCode = (f: string) => f.startsWith("lib/fusion/") || f.includes("@tensorflow/") || f === "lib/jobs/fusion-assessor.ts";

describe("no FHIR or CDS Hooks route loads the model eagerly", () => {
  const entries = [...routes("app/fhir"), ...routes("app/cds-services"), "scripts/fhir-import.ts"];
  it("finds the routes", () => {
    expect(entries).toEqual(expect.arrayContaining(["app/fhir/R4/route.ts", "app/fhir/R4/RiskAssessment/route.ts", "app/cds-services/[id]/route.ts"]));
  });
  it.each(entries)("%s", (entry) => {
    const reached = graph(entry);
    expect(reached.length).toBeGreaterThan(3);
    expect(reached.filter(modelCode)).toEqual([]);
  });
  it("the CDS service reaches lib/fusion only through lib/fhir/cds/model.ts's dynamic import", () => {
    const src = readFileSync(path.join(root, "lib/fhir/cds/model.ts"), "utf8");
    expect(src).toMatch(/await import\("@\/lib\/fusion"\)/);
    const files = (dir: string): string[] =>
      readdirSync(path.join(root, dir)).flatMap((n) => (statSync(path.join(root, dir, n)).isDirectory() ? files(path.join(dir, n)) : /\.ts$/.test(n) && !/\.test\.ts$/.test(n) ? [path.join(dir, n)] : []));
    const mention = files("lib/fhir").filter((f) => f !== path.join("lib", "fhir", "cds", "model.ts") && /from\s+"@\/lib\/fusion|import\("@\/lib\/fusion/.test(readFileSync(path.join(root, f), "utf8")));
    expect(mention).toEqual([]);
  });
});
