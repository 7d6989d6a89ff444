import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { NotFoundError, ConflictError } from "@/lib/domain/errors";
import type { DicomwebSourceCreate, DicomwebSourceUpdate, DicomwebSourceUpdated, DicomwebSourceView } from "@/lib/domain/dicomweb";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { newPushToken } from "@/lib/auth/source-token";
import { encryptSourceSecret, sourceSecret } from "./secrets";
import { DicomwebClient } from "./client";

/**
 * DICOMweb sources (PACS) an admin configures: list, create, update (incl. issuing or revoking the
 * push token), delete — each write with its audit row in one transaction. Secrets are stored
 * encrypted (secrets.ts) and never returned.
 */
type Row = Awaited<ReturnType<PrismaClient["dicomwebSource"]["findUniqueOrThrow"]>>;

export function toSourceView(r: Row): DicomwebSourceView {
  return {
    id: r.id,
    name: r.name,
    baseUrl: r.baseUrl,
    authType: r.authType,
    username: r.username,
    hasSecret: !!(r.secretCiphertext || r.secretEnv),
    secretEnv: r.secretEnv,
    timeoutMs: r.timeoutMs,
    enabled: r.enabled,
    pushEnabled: !!r.pushTokenHash,
    pushTokenCreatedAt: r.pushTokenCreatedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function listSources(db: PrismaClient, opts: { enabledOnly?: boolean } = {}): Promise<DicomwebSourceView[]> {
  const rows = await db.dicomwebSource.findMany({ where: opts.enabledOnly ? { enabled: true } : {}, orderBy: { name: "asc" } });
  return rows.map(toSourceView);
}

type Who = { actor: Actor; request: RequestInfo };

const uniqueName = (e: unknown, name: string | undefined) => {
  if ((e as { code?: string }).code === "P2002") return new ConflictError("source_name_taken", `A DICOMweb source named “${name}” exists already.`);
  return e;
};

export async function createSource(db: PrismaClient, input: DicomwebSourceCreate, who: Who): Promise<DicomwebSourceView> {
  const id = randomUUID();
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.dicomwebSource.create({
        data: {
          id,
          name: input.name,
          baseUrl: input.baseUrl,
          authType: input.authType,
          username: input.username ?? null,
          secretCiphertext: input.secret ? encryptSourceSecret(input.secret, id) : null,
          secretEnv: input.secretEnv ?? null,
          timeoutMs: input.timeoutMs,
          enabled: input.enabled,
        },
      });
      await audit(tx, { actor: who.actor, action: "dicomweb_source.create", entityType: "DicomwebSource", entityId: id, outcome: "success", request: who.request, details: { name: input.name, baseUrl: input.baseUrl, authType: input.authType } });
      return toSourceView(row);
    });
  } catch (e) {
    throw uniqueName(e, input.name);
  }
}

/** Updates a source; `pushToken: true` returns the new token once (only its hash is kept). */
export async function updateSource(db: PrismaClient, id: string, patch: DicomwebSourceUpdate, who: Who): Promise<DicomwebSourceUpdated> {
  try {
    return await db.$transaction(async (tx) => {
      const cur = await tx.dicomwebSource.findUnique({ where: { id } });
      if (!cur) throw new NotFoundError("DICOMweb source", id);
      const token = patch.pushToken === true ? newPushToken() : null;
      const secretChanged = patch.secret !== undefined || patch.secretEnv !== undefined;
      const row = await tx.dicomwebSource.update({
        where: { id },
        data: {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.baseUrl !== undefined ? { baseUrl: patch.baseUrl } : {}),
          ...(patch.authType !== undefined ? { authType: patch.authType } : {}),
          ...(patch.username !== undefined ? { username: patch.username } : {}),
          ...(patch.secret !== undefined ? { secretCiphertext: patch.secret ? encryptSourceSecret(patch.secret, id) : null, ...(patch.secret ? { secretEnv: null } : {}) } : {}),
          ...(patch.secretEnv !== undefined ? { secretEnv: patch.secretEnv, ...(patch.secretEnv ? { secretCiphertext: null } : {}) } : {}),
          ...(patch.timeoutMs !== undefined ? { timeoutMs: patch.timeoutMs } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          ...(token ? { pushTokenHash: token.hash, pushTokenCreatedAt: new Date() } : patch.pushToken === false ? { pushTokenHash: null, pushTokenCreatedAt: null } : {}),
        },
      });
      const changed = Object.keys(patch).filter((k) => k !== "secret" && k !== "pushToken");
      await audit(tx, {
        actor: who.actor,
        action: "dicomweb_source.update",
        entityType: "DicomwebSource",
        entityId: id,
        outcome: "success",
        request: who.request,
        details: { changedFields: changed, secretChanged, pushToken: patch.pushToken === true ? "issued" : patch.pushToken === false ? "revoked" : undefined },
      });
      return { ...toSourceView(row), ...(token ? { pushToken: token.token } : {}) };
    });
  } catch (e) {
    throw uniqueName(e, patch.name);
  }
}

export async function deleteSource(db: PrismaClient, id: string, who: Who): Promise<void> {
  await db.$transaction(async (tx) => {
    const cur = await tx.dicomwebSource.findUnique({ where: { id }, select: { name: true } });
    if (!cur) throw new NotFoundError("DICOMweb source", id);
    await tx.dicomwebSource.delete({ where: { id } });
    await audit(tx, { actor: who.actor, action: "dicomweb_source.delete", entityType: "DicomwebSource", entityId: id, outcome: "success", request: who.request, details: { name: cur.name } });
  });
}

/** A client for an enabled source (404 when unknown or disabled). */
export async function sourceClient(db: PrismaClient, id: string): Promise<{ client: DicomwebClient; source: { id: string; name: string } }> {
  const s = await db.dicomwebSource.findUnique({ where: { id } });
  if (!s || !s.enabled) throw new NotFoundError("DICOMweb source", id);
  const secret = s.authType === "none" ? null : sourceSecret(s);
  const client = new DicomwebClient({
    name: s.name,
    baseUrl: s.baseUrl,
    timeoutMs: s.timeoutMs,
    auth: s.authType === "basic" ? { kind: "basic", username: s.username ?? "", password: secret ?? "" } : s.authType === "bearer" ? { kind: "bearer", token: secret ?? "" } : { kind: "none" },
  });
  return { client, source: { id: s.id, name: s.name } };
}
