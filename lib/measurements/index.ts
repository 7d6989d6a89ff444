// Saved measurements (issue 16): the use cases behind /api/scans/{id}/measurements. A clinician's
// finished annotation is stored with its author; every reader of the scan sees it; only its author
// may delete it (a soft delete: deletedAt / deletedById, the audit trail keeps who and when).
// Reads, creations and deletions are audited like every other access to patient data.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { AuthError, ConflictError, NotFoundError } from "@/lib/domain/errors";
import type { MeasurementCreate, MeasurementDeleted, MeasurementList, MeasurementView } from "@/lib/domain/measurement";

type Ctx = { actor: Actor; request: RequestInfo };

const select = {
  id: true, scanId: true, frameIndex: true, sopInstanceUid: true, toolType: true, geometry: true, stats: true, label: true, createdAt: true,
  author: { select: { id: true, displayName: true } },
} satisfies Prisma.MeasurementSelect;
type Row = Prisma.MeasurementGetPayload<{ select: typeof select }>;

function view(r: Row, actor: Actor): MeasurementView {
  return {
    id: r.id,
    scanId: r.scanId,
    frameIndex: r.frameIndex,
    sopInstanceUid: r.sopInstanceUid,
    toolType: r.toolType as MeasurementView["toolType"],
    geometry: r.geometry as MeasurementView["geometry"],
    stats: r.stats as MeasurementView["stats"],
    label: r.label,
    author: r.author,
    createdAt: r.createdAt.toISOString(),
    mine: r.author.id === actor.userId,
  };
}

async function scanOf(db: Pick<Db, "scan">, scanId: string) {
  const scan = await db.scan.findUnique({ where: { id: scanId }, select: { id: true, patientId: true, frames: true, enteredInErrorAt: true } });
  if (!scan) throw new NotFoundError("Scan", scanId);
  return scan;
}

/**
 * The scan's measurements in force (not deleted), oldest first. A scan entered in error keeps its
 * measurements readable (nothing about it is deleted; lib/db/in-force.ts), but takes no new ones.
 */
export async function listMeasurements(db: Db, scanId: string, { actor, request }: Ctx): Promise<MeasurementList> {
  const scan = await scanOf(db, scanId);
  const rows = await db.measurement.findMany({ where: { scanId, deletedAt: null }, select, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  await audit(db, { actor, action: "measurement.list", entityType: "Scan", entityId: scanId, patientId: scan.patientId, outcome: "success", request, details: { count: rows.length } });
  return { scanId, items: rows.map((r) => view(r, actor)) };
}

/** Stores one finished annotation, with its audit row, in one transaction. */
export async function createMeasurement(db: Db, scanId: string, input: MeasurementCreate, { actor, request }: Ctx): Promise<MeasurementView> {
  return db.$transaction(async (tx) => {
    const scan = await scanOf(tx, scanId);
    if (scan.enteredInErrorAt) throw new ConflictError("scan_entered_in_error", "This scan was entered in error; it takes no new measurements.");
    if (input.frameIndex >= Math.max(1, scan.frames)) {
      throw new ConflictError("frame_out_of_range", `This scan has ${scan.frames} frame${scan.frames === 1 ? "" : "s"}; frame index ${input.frameIndex} does not exist.`);
    }
    const row = await tx.measurement.create({
      data: {
        scanId,
        frameIndex: input.frameIndex,
        sopInstanceUid: input.sopInstanceUid ?? null,
        toolType: input.toolType,
        geometry: input.geometry as Prisma.InputJsonValue,
        stats: input.stats as Prisma.InputJsonValue,
        label: input.label || null,
        authorId: actor.userId,
      },
      select,
    });
    await audit(tx, { actor, action: "measurement.create", entityType: "Measurement", entityId: row.id, patientId: scan.patientId, outcome: "success", request, details: { scanId, toolType: input.toolType, frameIndex: input.frameIndex } });
    return view(row, actor);
  });
}

/** Its author deletes a measurement (soft delete, audited); anyone else is refused (403). */
export async function deleteMeasurement(db: Db, scanId: string, measurementId: string, { actor, request }: Ctx): Promise<MeasurementDeleted> {
  return db.$transaction(async (tx) => {
    const scan = await scanOf(tx, scanId);
    const m = await tx.measurement.findFirst({ where: { id: measurementId, scanId, deletedAt: null }, select: { id: true, authorId: true, toolType: true } });
    if (!m) throw new NotFoundError("Measurement", measurementId);
    if (m.authorId !== actor.userId) throw AuthError.forbidden("Only the clinician who drew a measurement may delete it.");
    const deletedAt = new Date();
    await tx.measurement.update({ where: { id: m.id }, data: { deletedAt, deletedById: actor.userId } });
    await audit(tx, { actor, action: "measurement.delete", entityType: "Measurement", entityId: m.id, patientId: scan.patientId, outcome: "success", request, details: { scanId, toolType: m.toolType } });
    return { id: m.id, deletedAt: deletedAt.toISOString() };
  });
}
