import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import { audit } from "@/lib/auth/audit";
import { ModelOutcomes, type ModelOutcome } from "@/lib/domain/outcomes";
import { describeIssues } from "@/lib/domain/assessment";

type Db = PrismaClient | Prisma.TransactionClient;

/** What the model registry (ModelVersion) records of a served model bundle. */
export type ModelRegistryEntry = {
  name: string;
  version: string;
  strategy: FusionStrategy;
  heads: string[];
  inputSpec: Record<string, unknown>;
  card: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** the heads in words and their category thresholds, from the bundle (lib/fusion/outcomes.ts) */
  outcomes: ModelOutcomes;
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
 * only refreshes its card, metrics and outcomes.
 */
export async function registerServedModel(db: PrismaClient, m: ModelRegistryEntry, source: string): Promise<{ activated: boolean }> {
  const outcomes = ModelOutcomes.parse(m.outcomes);
  return db.$transaction(async (tx) => {
    const before = await tx.modelVersion.findUnique({ where: { name_version: { name: m.name, version: m.version } }, select: { active: true, bundleDir: true } });
    const activated = !before?.active;
    const data = {
      ...(activated ? { activatedAt: new Date() } : {}),
      strategy: m.strategy,
      heads: m.heads,
      inputSpec: m.inputSpec as Prisma.InputJsonValue,
      card: m.card as Prisma.InputJsonValue,
      metrics: m.metrics as Prisma.InputJsonValue,
      outcomes: outcomes as Prisma.InputJsonValue,
      active: true,
      status: "active" as const,
    };
    // the previous active version first (one active version per name: a unique index)
    const others = await tx.modelVersion.updateMany({ where: { name: m.name, version: { not: m.version }, active: true }, data: { active: false, status: "retired" } });
    // a trained version keeps the card and metrics its training job registered (the evaluation)
    const update = before?.bundleDir ? { ...data, card: undefined, metrics: undefined } : data;
    const row = await tx.modelVersion.upsert({ where: { name_version: { name: m.name, version: m.version } }, create: { name: m.name, version: m.version, ...data }, update, select: { id: true } });
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

/** `name@version` — how outcome maps are keyed. */
export const modelKey = (name: string, version: string) => `${name}@${version}`;

/**
 * The recorded outcomes (labels, category thresholds) of the given model versions, keyed
 * `name@version` and then by head. A version that is not registered, or was registered without
 * outcomes, is absent: its heads are shown by their ids.
 */
export async function modelOutcomes(db: Db, versions: readonly { modelName: string; modelVersion: string }[]): Promise<Map<string, Map<string, ModelOutcome>>> {
  const wanted = [...new Map(versions.map((v) => [modelKey(v.modelName, v.modelVersion), { name: v.modelName, version: v.modelVersion }])).values()];
  const out = new Map<string, Map<string, ModelOutcome>>();
  if (!wanted.length) return out;
  const rows = await db.modelVersion.findMany({ where: { OR: wanted }, select: { name: true, version: true, outcomes: true } });
  for (const r of rows) {
    const o = parseOutcomes(r);
    if (o) out.set(modelKey(r.name, r.version), new Map(o.map((x) => [x.head, x])));
  }
  return out;
}

/** The outcomes of the active model versions, by head (the first active name wins a shared head). */
export async function activeOutcomes(db: Db): Promise<Map<string, ModelOutcome>> {
  const rows = await db.modelVersion.findMany({ where: { active: true }, select: { name: true, version: true, outcomes: true }, orderBy: { name: "asc" } });
  const out = new Map<string, ModelOutcome>();
  for (const r of rows) for (const x of parseOutcomes(r) ?? []) if (!out.has(x.head)) out.set(x.head, x);
  return out;
}

/** A row's recorded outcomes; null when none were recorded, or (logged) when they do not parse. */
function parseOutcomes(r: { name: string; version: string; outcomes: unknown }): ModelOutcomes | null {
  if (r.outcomes === null) return null;
  const o = ModelOutcomes.safeParse(r.outcomes);
  if (o.success) return o.data;
  console.warn(`[model-registry] ${modelKey(r.name, r.version)}: recorded outcomes do not match the schema (${describeIssues(o.error)}); its heads are shown by id`);
  return null;
}
