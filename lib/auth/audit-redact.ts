import { createHmac, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { processGlobals } from "@/lib/platform/process-globals";

/**
 * Patient search text never goes into the audit trail (issue 10, Low 16): admins read the trail
 * and may not see patients, and a search is usually a surname or an MRN. What is kept instead:
 *
 *   { kind: "name" | "identifier" | "other" | "empty", length, hmac }
 *
 * `kind` — letters only (name), contains a digit (MRN, id), anything else; `length` in characters;
 * `hmac` — the first 64 bits of HMAC-SHA256(server key, the text trimmed, NFC, lower-case): equal
 * for the same text, so an admin can see one user repeating a lookup or two users looking up the
 * same thing, and cannot get the text back (nor test guesses: the key is not in the database and
 * the app offers no way to hash a chosen text).
 *
 * The key: FUSION_AUDIT_HMAC_KEY (at least 32 characters; set the same value on every web process
 * when there are several), else `<FUSION_DATA_DIR>/audit-hmac.key`, 32 random bytes generated on
 * first use (mode 0600, folder 0700). A new key makes new hashes incomparable with old ones.
 */
export type RedactedSearch = { kind: "name" | "identifier" | "other" | "empty"; length: number; hmac?: string };

const KEY_FILE = "audit-hmac.key";
const g = processGlobals<{ __fcdsAuditKey?: { source: string; key: Buffer } }>();

function dataDir(env: NodeJS.ProcessEnv): string {
  return env.FUSION_DATA_DIR?.trim() || resolve(process.cwd(), "data");
}

export function auditHmacKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const configured = env.FUSION_AUDIT_HMAC_KEY?.trim();
  const source = configured ? "env" : join(dataDir(env), KEY_FILE);
  if (g.__fcdsAuditKey?.source === source) return g.__fcdsAuditKey.key;
  let key: Buffer;
  if (configured) {
    if (configured.length < 32) throw new Error("FUSION_AUDIT_HMAC_KEY must be at least 32 characters");
    key = Buffer.from(configured, "utf8");
  } else {
    mkdirSync(dataDir(env), { recursive: true, mode: 0o700 });
    try {
      // wx: of two processes starting at once, one creates the key and the other reads it
      writeFileSync(source, randomBytes(32).toString("base64url") + "\n", { flag: "wx", mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    chmodSync(source, 0o600);
    key = Buffer.from(readFileSync(source, "utf8").trim(), "utf8");
    if (key.length < 32) throw new Error(`${source} holds no usable key (delete it to generate a new one)`);
  }
  g.__fcdsAuditKey = { source, key };
  return key;
}

export function searchKind(text: string): RedactedSearch["kind"] {
  if (!text) return "empty";
  if (/\d/.test(text)) return "identifier";
  if (/^[\p{L}\p{M}\s'’.-]+$/u.test(text)) return "name";
  return "other";
}

/** The audit form of a search text (see above). */
export function redactSearchText(q: string, key: Buffer = auditHmacKey()): RedactedSearch {
  const text = q.normalize("NFC").trim();
  const kind = searchKind(text);
  if (kind === "empty") return { kind, length: 0 };
  const hmac = createHmac("sha256", key).update(text.toLowerCase()).digest("hex").slice(0, 16);
  return { kind, length: [...text].length, hmac };
}

/**
 * Rows written before this change hold the text itself (and cannot be rewritten: the trail is
 * append-only and hash-chained). Readers show them in the redacted form too.
 */
export function redactLegacyDetails(action: string, details: unknown): unknown {
  if (action !== "patient.search" || !details || typeof details !== "object" || Array.isArray(details)) return details;
  const d = details as Record<string, unknown>;
  return typeof d.q === "string" ? { ...d, q: redactSearchText(d.q) } : details;
}
