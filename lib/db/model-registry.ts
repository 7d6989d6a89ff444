import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import { audit } from "@/lib/auth/audit";

/** What the model registry (ModelVersion) records of a served model bundle. */
export type ModelRegistryEntry = {
  name: string;
  version: string;
  strategy: FusionStrategy;
  heads: string[];
  inputSpec: Record<string, unknown>;
  card: Record<string, unknown>;
  metrics: Record<string, unknown>;
};

/** The model new assessments are queued for. */
export type ActiveModel = { name: string; version: string; strategy: FusionStrategy };

/**
 * The active model version as the registry records it — what the web tier queues assessments for,
 * without loading any weights. Several names may each have an active version; the one activated
 * last wins. Null while no worker has registered a model yet.
 */
export async function activeModel(db: Pick<PrismaClient, "modelVersion">): Promise<ActiveModel | null> {
  return db.modelVersion.findFirst({
    where: { active: true },
    orderBy: [{ activatedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    select: { name: true, version: true, strategy: true },
  });
}

/**
 * Records the model this process serves in ModelVersion and makes it the one active version of
 * its name, in one transaction. Run by workers when they load the model (the web server's
 * in-process worker, `npm run worker`, the demo seed); the web tier only reads it (`activeModel`).
 * A change of the active version is audited (`model.activate`); re-registering the same version
 * only refreshes its card and metrics.
 */
export async function registerServedModel(db: PrismaClient, m: ModelRegistryEntry, source: string): Promise<{ activated: boolean }> {
  return db.$transaction(async (tx) => {
    const before = await tx.modelVersion.findUnique({ where: { name_version: { name: m.name, version: m.version } }, select: { active: true } });
    const activated = !before?.active;
    const data = {
      ...(activated ? { activatedAt: new Date() } : {}),
      strategy: m.strategy,
      heads: m.heads,
      inputSpec: m.inputSpec as Prisma.InputJsonValue,
      card: m.card as Prisma.InputJsonValue,
      metrics: m.metrics as Prisma.InputJsonValue,
      active: true,
    };
    const row = await tx.modelVersion.upsert({ where: { name_version: { name: m.name, version: m.version } }, create: { name: m.name, version: m.version, ...data }, update: data, select: { id: true } });
    const others = await tx.modelVersion.updateMany({ where: { name: m.name, version: { not: m.version }, active: true }, data: { active: false } });
    if (activated)
      await audit(tx, {
        actor: null,
        action: "model.activate",
        entityType: "ModelVersion",
        entityId: row.id,
        outcome: "success",
        request: { clientAddress: null, userAgent: null, source },
        details: { model: `${m.name}@${m.version}`, strategy: m.strategy, deactivated: others.count },
      });
    return { activated };
  });
}
