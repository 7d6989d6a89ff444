import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "@/lib/domain/errors";
import { mfaKey } from "@/lib/auth/mfa-crypto";

/**
 * The password or token the app sends to a PACS (basic / bearer) is needed in clear to make each
 * request, so it cannot be hashed: it is stored encrypted — AES-256-GCM, a fresh IV each, the
 * source's id as associated data (a ciphertext copied to another source does not decrypt) — under
 * the application's secrets key, the same key as TOTP secrets (FUSION_MFA_KEY, else
 * `<FUSION_DATA_DIR>/mfa.key`; lib/auth/mfa-crypto.ts). Or an admin names an environment variable
 * (`secretEnv`) and the secret never enters the database (a secrets manager, a Kubernetes secret).
 */
const aad = (sourceId: string) => Buffer.from(`fusion-cds:dicomweb-source:${sourceId}`);
const b64 = (b: Buffer) => b.toString("base64url");

export function encryptSourceSecret(plain: string, sourceId: string, key: Buffer = mfaKey()): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(aad(sourceId));
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return `v1.${b64(iv)}.${b64(ct)}.${b64(c.getAuthTag())}`;
}

export function decryptSourceSecret(stored: string, sourceId: string, key: Buffer = mfaKey()): string {
  const [v, iv, ct, tag] = stored.split(".");
  try {
    if (v !== "v1" || !iv || !ct || !tag) throw new Error("format");
    const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    d.setAAD(aad(sourceId));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
  } catch {
    throw new AppError(500, "source_secret_unreadable", "The PACS password or token cannot be decrypted with this server's key (FUSION_MFA_KEY or data/mfa.key changed?). An admin must enter it again.");
  }
}

/** The secret to send: decrypted, or read from the named environment variable; null when none. */
export function sourceSecret(s: { id: string; secretCiphertext: string | null; secretEnv: string | null }, env: NodeJS.ProcessEnv = process.env): string | null {
  if (s.secretEnv) {
    const v = env[s.secretEnv];
    if (!v) throw new AppError(502, "source_secret_missing", `The PACS secret is to be read from the environment variable ${s.secretEnv}, which is not set on this server.`);
    return v;
  }
  return s.secretCiphertext ? decryptSourceSecret(s.secretCiphertext, s.id) : null;
}
