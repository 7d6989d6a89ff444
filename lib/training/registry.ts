/**
 * The model registry's approval steps (README.md "Registry"): an admin moves a version
 * candidate → shadow → active → retired, always with a typed reason, in one transaction with its
 * audit row; exactly one active version per model name (a unique index backs it). Rolling back is
 * one action on the active version: it is retired and the version it replaced is active again.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { AppError, ConflictError, NotFoundError, type ModelStatusChange } from "@/lib/domain";

type Who = { actor: Actor; request: RequestInfo };
export type StatusChangeResult = { name: string; version: string; status: string; active: string | null };

const servable = (metrics: unknown, bundleDir: string | null) => !!bundleDir && (metrics as { servable?: unknown } | null)?.servable === true;

export async function changeModelStatus(db: PrismaClient, name: string, version: string, change: ModelStatusChange, who: Who): Promise<StatusChangeResult> {
  return db.$transaction(async (tx) => {
    const mv = await tx.modelVersion.findUnique({ where: { name_version: { name, version } } });
    if (!mv) throw new NotFoundError("Model version", `${name}@${version}`);
    const now = new Date();
    const by = { statusChangedById: who.actor.userId, statusReason: change.reason, statusChangedAt: now };
    const current = await tx.modelVersion.findFirst({ where: { name, status: "active" } });
    let from = mv.status as string;
    let to: string;
    let target = mv;
    const details: Record<string, unknown> = {};
    switch (change.action) {
      case "shadow": {
        if (mv.status !== "candidate") throw new ConflictError("invalid_transition", `Only a candidate can go into shadow; ${name}@${version} is ${mv.status}.`);
        if (!servable(mv.metrics, mv.bundleDir)) throw new ConflictError("not_servable", "This candidate cannot score assessments (only a joint candidate on the encoder's features is servable).");
        // one shadow per name: an earlier one goes back to candidate
        const demoted = await tx.modelVersion.updateMany({ where: { name, status: "shadow" }, data: { status: "candidate" } });
        details.demotedShadows = demoted.count;
        await tx.modelVersion.update({ where: { id: mv.id }, data: { status: "shadow", ...by } });
        to = "shadow";
        break;
      }
      case "activate": {
        if (mv.status !== "candidate" && mv.status !== "shadow" && mv.status !== "retired") throw new ConflictError("invalid_transition", `${name}@${version} is already active.`);
        if (mv.bundleDir && !servable(mv.metrics, mv.bundleDir)) throw new ConflictError("not_servable", "This candidate cannot score assessments (only a joint candidate on the encoder's features is servable).");
        if (current) await tx.modelVersion.update({ where: { id: current.id }, data: { status: "retired", active: false } });
        await tx.modelVersion.update({ where: { id: mv.id }, data: { status: "active", active: true, activatedAt: now, previousActiveId: current?.id ?? null, ...by } });
        details.replaced = current ? `${current.name}@${current.version}` : null;
        to = "active";
        break;
      }
      case "retire": {
        if (mv.status === "active") throw new ConflictError("invalid_transition", "The active version cannot be retired on its own: activate another version or roll back.");
        if (mv.status === "retired") throw new ConflictError("invalid_transition", `${name}@${version} is already retired.`);
        await tx.modelVersion.update({ where: { id: mv.id }, data: { status: "retired", ...by } });
        to = "retired";
        break;
      }
      case "rollback": {
        if (mv.status !== "active") throw new ConflictError("invalid_transition", `Only the active version can be rolled back; ${name}@${version} is ${mv.status}.`);
        const prev = mv.previousActiveId ? await tx.modelVersion.findUnique({ where: { id: mv.previousActiveId } }) : null;
        if (!prev) throw new ConflictError("no_previous_version", "There is no earlier active version to return to.");
        await tx.modelVersion.update({ where: { id: mv.id }, data: { status: "retired", active: false, ...by } });
        await tx.modelVersion.update({ where: { id: prev.id }, data: { status: "active", active: true, activatedAt: now, ...by } });
        details.reactivated = `${prev.name}@${prev.version}`;
        from = "active";
        to = "retired";
        target = prev;
        break;
      }
      default:
        throw new AppError(400, "validation_failed", "unknown action");
    }
    await audit(tx, {
      actor: who.actor,
      action: `model.${change.action}`,
      entityType: "ModelVersion",
      entityId: mv.id,
      outcome: "success",
      request: who.request,
      details: { model: `${name}@${version}`, from, to, reason: change.reason, ...details },
    });
    const active = await tx.modelVersion.findFirst({ where: { name, status: "active" }, select: { version: true } });
    void target;
    return { name, version, status: to, active: active?.version ?? null };
  });
}
