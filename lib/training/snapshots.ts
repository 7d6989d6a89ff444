/**
 * The "build a training snapshot" use case: the file (snapshot.ts) under
 * FUSION_DATA_DIR/training/snapshots/<sha256>.parquet, its TrainingSnapshot row and the audit row.
 * The same data and export secret give the same file: building it again finds the existing row.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { DbHandle } from "@/lib/db/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { activeModel } from "@/lib/db/model-registry";
import { dataDirectory } from "@/lib/export/secret";
import { fromIsoDate, toIsoDate, ValidationError, type SnapshotCreate, type TrainingSnapshotView } from "@/lib/domain";
import { writeTrainingSnapshot } from "./snapshot";

export const snapshotsDir = (env: NodeJS.ProcessEnv = process.env) => path.join(dataDirectory(env), "training", "snapshots");

type Row = { id: string; sha256: string; indexDate: Date; heads: string[]; imageSize: number | null; rows: number; imageRows: number; bytes: number; labels: unknown; createdAt: Date };
export const toSnapshotView = (r: Row): TrainingSnapshotView => ({
  id: r.id, sha256: r.sha256, indexDate: toIsoDate(r.indexDate), heads: r.heads, imageSize: r.imageSize, rows: r.rows, imageRows: r.imageRows, bytes: r.bytes,
  labels: r.labels as TrainingSnapshotView["labels"], createdAt: r.createdAt.toISOString(),
});

/** The heads and image input of the active model (what a snapshot carries by default). */
async function activeDefaults(h: DbHandle): Promise<{ heads: string[]; imageSize: number; resize: "area" | "physical" }> {
  const a = await activeModel(h.prisma);
  const row = a ? await h.prisma.modelVersion.findUnique({ where: { name_version: { name: a.name, version: a.version } }, select: { heads: true, inputSpec: true } }) : null;
  const image = (row?.inputSpec as { image?: { size?: number; resize?: string } } | undefined)?.image;
  return { heads: row?.heads ?? ["lung_cancer_2y", "mace_5y"], imageSize: image?.size ?? 64, resize: image?.resize === "area" ? "area" : "physical" };
}

export async function buildSnapshot(h: DbHandle, input: SnapshotCreate, who: { actor: Actor | null; username?: string; request: RequestInfo }, env: NodeJS.ProcessEnv = process.env): Promise<TrainingSnapshotView & { existing: boolean }> {
  const d = await activeDefaults(h);
  const heads = input.heads ?? d.heads;
  const imageSize = input.imageSize ?? d.imageSize;
  if (imageSize !== 0 && imageSize < 16) throw ValidationError.field("imageSize", "must be 0 (no image) or at least 16");
  const dir = snapshotsDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `building-${randomUUID()}.parquet`);
  let file;
  try {
    file = await writeTrainingSnapshot(h, { indexDate: input.indexDate, heads, image: imageSize ? { size: imageSize, resize: d.resize } : null }, tmp, { env });
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const final = path.join(dir, `${file.sha256}.parquet`);
  await rename(tmp, final);
  const existing = await h.prisma.trainingSnapshot.findUnique({ where: { sha256: file.sha256 } });
  if (existing) return { ...toSnapshotView(existing), existing: true };
  const row = await h.prisma.$transaction(async (tx) => {
    const r = await tx.trainingSnapshot.create({
      data: {
        sha256: file.sha256, path: final, indexDate: fromIsoDate(input.indexDate), heads, imageSize: imageSize || null, imageResize: imageSize ? d.resize : null,
        rows: file.rows, imageRows: file.imageRows, bytes: file.bytes, labels: file.labels, createdById: who.actor?.userId ?? null,
      },
    });
    await audit(tx, { ...who, action: "training.snapshot.create", entityType: "TrainingSnapshot", entityId: r.id, outcome: "success", details: { sha256: file.sha256, indexDate: input.indexDate, heads, rows: file.rows, imageRows: file.imageRows } });
    return r;
  });
  return { ...toSnapshotView(row), existing: false };
}

export async function listSnapshots(h: DbHandle): Promise<TrainingSnapshotView[]> {
  return (await h.prisma.trainingSnapshot.findMany({ orderBy: { createdAt: "desc" }, take: 50 })).map(toSnapshotView);
}
