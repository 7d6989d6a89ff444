import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * TOTP secrets at rest: AES-256-GCM, a fresh 96-bit IV per secret, the user's id as associated
 * data (a ciphertext copied onto another user's row does not decrypt). Stored as
 * "v1.<iv>.<ciphertext>.<tag>" (base64url).
 *
 * The key: FUSION_MFA_KEY (32 bytes as 64 hex characters or base64), else the file
 * `mfa.key` in the data directory (FUSION_DATA_DIR, default ./data), created on first use with 32
 * random bytes, mode 0600 (the folder 0700 when we create it). Several web processes on different
 * hosts must share one key: set FUSION_MFA_KEY there. Lose the key and every enrolled user has to
 * sign in with a recovery code (they are hashed, not encrypted) or be reset by an admin.
 */
export const MFA_KEY_FILE = "mfa.key";

export class MfaKeyError extends Error {}

let cached: { source: string; key: Buffer } | null = null;

function parseKey(raw: string): Buffer {
  const t = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
  if (key.length !== 32) throw new MfaKeyError("FUSION_MFA_KEY must be 32 bytes: 64 hex characters or base64 (e.g. `openssl rand -hex 32`).");
  return key;
}

/** The key file's path for this environment (when FUSION_MFA_KEY is not set). */
export function mfaKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.FUSION_DATA_DIR ?? "data"), MFA_KEY_FILE);
}

export function mfaKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.FUSION_MFA_KEY?.trim()) {
    const source = `env:${env.FUSION_MFA_KEY}`;
    if (cached?.source !== source) cached = { source, key: parseKey(env.FUSION_MFA_KEY) };
    return cached.key;
  }
  const path = mfaKeyPath(env);
  if (cached?.source === path) return cached.key;
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, randomBytes(32), { mode: 0o600, flag: "wx" });
    } catch (w) {
      // another process created it first: use theirs
      if ((w as NodeJS.ErrnoException).code !== "EEXIST") throw w;
    }
    key = readFileSync(path);
  }
  if (key.length !== 32) throw new MfaKeyError(`${path} must hold exactly 32 bytes (it has ${key.length}).`);
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  cached = { source: path, key };
  return key;
}

const b64 = (b: Buffer) => b.toString("base64url");

export function encryptSecret(plain: string, userId: string, key: Buffer = mfaKey()): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(`fusion-cds:mfa:${userId}`));
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return `v1.${b64(iv)}.${b64(ct)}.${b64(c.getAuthTag())}`;
}

export function decryptSecret(stored: string, userId: string, key: Buffer = mfaKey()): string {
  const [v, iv, ct, tag] = stored.split(".");
  if (v !== "v1" || !iv || !ct || !tag) throw new MfaKeyError("Unknown MFA secret format.");
  try {
    const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    d.setAAD(Buffer.from(`fusion-cds:mfa:${userId}`));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
  } catch {
    throw new MfaKeyError("The MFA secret cannot be decrypted with this key (FUSION_MFA_KEY or data/mfa.key changed?).");
  }
}
