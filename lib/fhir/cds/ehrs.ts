import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { ConflictError, NotFoundError, type TrustedEhrCreate, type TrustedEhrUpdate, type TrustedEhrView } from "@/lib/domain";

/** Trusted EHRs (CDS Hooks clients), kept by admins; every change audited in its transaction. Answers: `TrustedEhrView` (lib/domain/responses.ts). */
export type { TrustedEhrView };

const view = (r: { id: string; name: string; issuer: string; jwksUrl: string | null; jwks: unknown; clientId: string | null; enabled: boolean; createdAt: Date; updatedAt: Date }): TrustedEhrView => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function listTrustedEhrs(db: PrismaClient): Promise<TrustedEhrView[]> {
  return (await db.trustedEhr.findMany({ orderBy: { name: "asc" } })).map(view);
}

type Who = { actor: Actor; request: RequestInfo };
const log = (tx: Prisma.TransactionClient, who: Who, action: string, id: string, details: Record<string, unknown>) =>
  audit(tx, { actor: who.actor, action, entityType: "TrustedEhr", entityId: id, outcome: "success", request: who.request, details });

export async function createTrustedEhr(db: PrismaClient, input: TrustedEhrCreate, who: Who): Promise<TrustedEhrView> {
  try {
    return await db.$transaction(async (tx) => {
      const r = await tx.trustedEhr.create({ data: { ...input, jwks: (input.jwks ?? undefined) as Prisma.InputJsonValue | undefined } });
      await log(tx, who, "ehr.create", r.id, { issuer: r.issuer, name: r.name });
      return view(r);
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new ConflictError("issuer_taken", `An EHR with issuer ${input.issuer} is already trusted`, { issues: [{ path: "issuer", message: "is already registered" }] });
    throw e;
  }
}

export async function updateTrustedEhr(db: PrismaClient, id: string, patch: TrustedEhrUpdate, who: Who): Promise<TrustedEhrView> {
  return db.$transaction(async (tx) => {
    const cur = await tx.trustedEhr.findUnique({ where: { id } });
    if (!cur) throw new NotFoundError("Trusted EHR", id);
    const jwksUrl = patch.jwksUrl === undefined ? cur.jwksUrl : patch.jwksUrl;
    const jwks = patch.jwks === undefined ? cur.jwks : patch.jwks;
    if (!jwksUrl && !jwks) throw new ConflictError("keys_required", "An EHR needs a JWKS URL or an inline JWKS", { issues: [{ path: "jwksUrl", message: "give jwksUrl or jwks" }] });
    const { jwks: _j, ...rest } = patch;
    const r = await tx.trustedEhr.update({
      where: { id },
      data: { ...rest, ...(patch.jwks !== undefined ? { jwks: (patch.jwks ?? null) as Prisma.InputJsonValue } : {}) },
    });
    await log(tx, who, "ehr.update", id, { changedFields: Object.keys(patch) });
    return view(r);
  });
}

export async function deleteTrustedEhr(db: PrismaClient, id: string, who: Who): Promise<void> {
  await db.$transaction(async (tx) => {
    const r = await tx.trustedEhr.deleteMany({ where: { id } });
    if (!r.count) throw new NotFoundError("Trusted EHR", id);
    await log(tx, who, "ehr.delete", id, {});
  });
}
