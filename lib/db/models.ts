import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { NotFoundError, ValidationError } from "@/lib/domain/errors";
import type { ModelDetail, ModelSummary } from "@/lib/domain/responses";

/*
 * Model versions for the model-card pages: ModelVersion rows (registered by the pipeline) merged
 * with the committed bundles on disk (models/<name>/<version>/card.json, report.md, plots/*.svg),
 * plus any name@version that assessments refer to — so every "model card" link resolves.
 */

export type { ModelDetail, ModelSummary };

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const isSafeSegment = (s: string) => SEGMENT.test(s) && !s.includes("..");

export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.FUSION_MODELS_DIR?.trim() || path.join(process.cwd(), "models"));
}

/** Where training jobs write candidate bundles: FUSION_DATA_DIR/models (never the repository's models/). */
export function trainedModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.FUSION_DATA_DIR?.trim() || path.resolve(process.cwd(), "data"), "models");
}

function bundleDir(name: string, version: string): string | null {
  if (!isSafeSegment(name) || !isSafeSegment(version)) return null;
  for (const root of [modelsDir(), trainedModelsDir()]) {
    const dir = path.join(root, name, version);
    if (existsSync(path.join(dir, "card.json"))) return dir;
  }
  return null;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Bundles on disk: every models/<name>/<version>/card.json. */
function diskBundles(): { name: string; version: string; card: Record<string, unknown> | null }[] {
  const root = modelsDir();
  if (!existsSync(root)) return [];
  const out: { name: string; version: string; card: Record<string, unknown> | null }[] = [];
  for (const name of readdirSync(root)) {
    const nd = path.join(root, name);
    if (!isSafeSegment(name) || !statSync(nd).isDirectory()) continue;
    for (const version of readdirSync(nd)) {
      if (!isSafeSegment(version)) continue;
      const card = path.join(nd, version, "card.json");
      if (existsSync(card)) out.push({ name, version, card: readJson(card) });
    }
  }
  return out;
}

const str = (v: unknown) => (typeof v === "string" ? v : null);
const headsOf = (card: Record<string, unknown> | null): string[] =>
  Array.isArray(card?.heads) ? (card!.heads as unknown[]).map((h) => (typeof h === "string" ? h : str((h as { name?: unknown })?.name) ?? "")).filter(Boolean) : [];

export async function listModels(db: PrismaClient): Promise<ModelSummary[]> {
  const [rows, used] = await Promise.all([
    db.modelVersion.findMany({ orderBy: [{ name: "asc" }, { createdAt: "desc" }] }),
    db.assessment.groupBy({ by: ["modelName", "modelVersion"], _count: { _all: true } }),
  ]);
  const byKey = new Map<string, ModelSummary>();
  const key = (n: string, v: string) => `${n}@${v}`;
  for (const r of rows)
    byKey.set(key(r.name, r.version), {
      name: r.name, version: r.version, strategy: r.strategy, heads: r.heads, active: r.active, status: r.status, createdAt: r.createdAt.toISOString(),
      hasCard: !!r.card && Object.keys(r.card as object).length > 0, assessments: 0, sources: ["database"],
    });
  for (const b of diskBundles()) {
    const k = key(b.name, b.version);
    const cur = byKey.get(k);
    if (cur) {
      cur.hasCard = true;
      cur.sources.push("files");
    } else
      byKey.set(k, {
        name: b.name, version: b.version, strategy: str(b.card?.fusionStrategy), heads: headsOf(b.card), active: false, status: null,
        createdAt: str(b.card?.createdAt), hasCard: true, assessments: 0, sources: ["files"],
      });
  }
  for (const u of used) {
    const k = key(u.modelName, u.modelVersion);
    const cur = byKey.get(k);
    if (cur) {
      cur.assessments = u._count._all;
      cur.sources.push("assessments");
    } else
      byKey.set(k, { name: u.modelName, version: u.modelVersion, strategy: null, heads: [], active: false, status: null, createdAt: null, hasCard: false, assessments: u._count._all, sources: ["assessments"] });
  }
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name) || b.version.localeCompare(a.version, undefined, { numeric: true }));
}

export async function getModel(db: PrismaClient, name: string, version: string): Promise<ModelDetail> {
  if (!isSafeSegment(name) || !isSafeSegment(version)) throw ValidationError.field("version", "is not a valid model name/version");
  const summary = (await listModels(db)).find((m) => m.name === name && m.version === version);
  if (!summary) throw new NotFoundError("Model", `${name} ${version}`);
  const row = await db.modelVersion.findUnique({ where: { name_version: { name, version } } });
  const dir = bundleDir(name, version);
  const fileCard = dir ? readJson(path.join(dir, "card.json")) : null;
  const rowCard = row?.card && Object.keys(row.card as object).length ? (row.card as Record<string, unknown>) : null;
  const card = rowCard ?? fileCard;
  const metrics = (row?.metrics && Object.keys(row.metrics as object).length ? (row.metrics as Record<string, unknown>) : null) ?? ((card?.metrics as Record<string, unknown> | null) ?? null);
  const reportMd = dir && existsSync(path.join(dir, "report.md")) ? readFileSync(path.join(dir, "report.md"), "utf8") : null;
  const plotsDir = dir ? path.join(dir, "plots") : null;
  const plots = plotsDir && existsSync(plotsDir) ? readdirSync(plotsDir).filter((f) => /^[A-Za-z0-9._-]+\.(svg|png)$/.test(f)).sort() : [];
  const prev = row?.previousActiveId ? await db.modelVersion.findUnique({ where: { id: row.previousActiveId }, select: { name: true, version: true } }) : null;
  const registry = row
    ? {
        weightsSha256: row.weightsSha256, snapshotSha256: row.snapshotSha256, codeCommit: row.codeCommit, seed: row.seed, trainingJobId: row.trainingJobId,
        statusReason: row.statusReason, statusChangedAt: row.statusChangedAt?.toISOString() ?? null, activatedAt: row.activatedAt?.toISOString() ?? null,
        previousActive: prev ? `${prev.name}@${prev.version}` : null,
      }
    : null;
  return { ...summary, card, metrics, reportMd, plots, registry };
}

/** One plot file of a bundle (SVG or PNG), or null. */
export function readModelPlot(name: string, version: string, file: string): { bytes: Buffer; contentType: string } | null {
  const dir = bundleDir(name, version);
  if (!dir || !/^[A-Za-z0-9._-]+\.(svg|png)$/.test(file) || file.includes("..")) return null;
  const f = path.join(dir, "plots", file);
  if (!existsSync(f)) return null;
  return { bytes: readFileSync(f), contentType: file.endsWith(".svg") ? "image/svg+xml" : "image/png" };
}
