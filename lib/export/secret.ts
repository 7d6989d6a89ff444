/**
 * The export secret (the key behind patient pseudonyms and row keys, see pseudonym.ts).
 *
 *   FUSION_EXPORT_SECRET set  → that value (at least 32 characters in production).
 *   unset                     → the file `<FUSION_DATA_DIR>/export-secret` (default ./data), created
 *                               on first use with 32 random bytes (64 hex digits), mode 0600, and
 *                               read again on every later use — across restarts, by the web server,
 *                               workers and the export CLI alike, in PostgreSQL mode too.
 *
 * Creation is atomic and never overwrites: the secret is written and fsynced to a private temp
 * file, then hard-linked to its name (link(2) fails if the name exists), so when two processes
 * start at once both end up with the one secret that won. The file is read on every use rather
 * than cached, so processes sharing a data directory never disagree.
 *
 * Rotating: stop the server, delete (or move away) the file — or set a new FUSION_EXPORT_SECRET —
 * and start again. Every pseudonym and row key changes: exports made before can no longer be
 * joined with exports made after, and a row_key from before cannot resume.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { AppError } from "@/lib/domain/errors";

export const MIN_SECRET_LENGTH = 32;
export const SECRET_FILE_NAME = "export-secret";

export type ExportSecret = { secret: string; source: "env" | "file"; path: string | null; created: boolean };

export function exportNotConfigured(why: string): AppError {
  return new AppError(
    503,
    "export_not_configured",
    `Research export is not configured on this server: ${why}. An administrator can set FUSION_EXPORT_SECRET (at least ${MIN_SECRET_LENGTH} random characters, e.g. \`openssl rand -hex 32\`) or let the server keep one in its data directory (FUSION_DATA_DIR).`,
  );
}

/** The data directory, as lib/db/config.ts resolves it: FUSION_DATA_DIR, default ./data. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.FUSION_DATA_DIR?.trim() || resolve(process.cwd(), "data");
}

export function secretFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDirectory(env), SECRET_FILE_NAME);
}

export function exportSecret(env: NodeJS.ProcessEnv = process.env): ExportSecret {
  const fromEnv = env.FUSION_EXPORT_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_SECRET_LENGTH && env.NODE_ENV === "production") throw exportNotConfigured(`FUSION_EXPORT_SECRET is shorter than ${MIN_SECRET_LENGTH} characters`);
    return { secret: fromEnv, source: "env", path: null, created: false };
  }
  const path = secretFilePath(env);
  const existing = readSecretFile(path);
  if (existing !== null) return { secret: existing, source: "file", path, created: false };
  const made = createSecretFile(path);
  return { secret: made.secret, source: "file", path, created: made.created };
}

/** The file's secret, or null when there is no file. Tightens a looser mode to 0600. */
function readSecretFile(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw exportNotConfigured(`the export secret file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH || secret.length > 1024 || /\s/.test(secret))
    throw exportNotConfigured(`the export secret file ${path} does not hold a secret (${MIN_SECRET_LENGTH}–1024 characters, no spaces); restore it from a backup, or delete it to have a new one made (that changes every pseudonym)`);
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      console.warn(`[export] ${path} was readable by other users; its mode is now 0600`);
    }
  } catch (e) {
    throw exportNotConfigured(`the export secret file ${path} is readable by other users and its mode cannot be changed to 0600 (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return secret;
}

function createSecretFile(path: string): { secret: string; created: boolean } {
  const dir = resolve(path, "..");
  const secret = randomBytes(32).toString("hex");
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, `${secret}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600); // whatever the umask
    try {
      linkSync(tmp, path); // atomic, and never replaces a secret another process made meanwhile
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const theirs = readSecretFile(path);
      if (theirs === null) throw e;
      return { secret: theirs, created: false };
    }
    syncDirectory(dir);
    console.warn(`[export] no FUSION_EXPORT_SECRET set: generated a new export secret in ${path} (mode 0600); back it up with the data`);
    return { secret, created: true };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw exportNotConfigured(`FUSION_EXPORT_SECRET is not set and no secret could be created in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already gone
    }
  }
}

/** Makes the new directory entry durable (best effort: not every file system allows it). */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // e.g. a file system without directory fsync
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
