/**
 * Pseudonyms for exported rows, keyed by the export secret (`FUSION_EXPORT_SECRET`, or the one the
 * server keeps in its data directory).
 *
 *   patient_pseudonym = hex(HMAC-SHA256(K_p, patient id))[0..32)   (128 bits)
 *   row_key           = hex(AES-256-ECB(K_r, assessment id as 16 bytes))  (one block: a keyed
 *                       permutation, so the server — and only a holder of the secret — can turn it
 *                       back into the assessment id to resume an export after that row)
 *   K_p, K_r          = HKDF-SHA256(secret, salt "fusion-cds/export", info "patient-pseudonym" | "row-key")
 *
 * Same secret → same pseudonyms in every export (researchers can join their files); a different
 * secret → unrelated pseudonyms; without the secret neither value can be linked back to a record.
 * Neither is derived from anything about the person (ids are random UUIDs), as the HIPAA
 * re-identification-code rule (45 CFR 164.514(c)) requires. Where the secret comes from: secret.ts.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from "node:crypto";
import { exportSecret, type ExportSecret } from "./secret";

export { MIN_SECRET_LENGTH, exportNotConfigured } from "./secret";

export type ExportKeys = { patientKey: Buffer; rowKey: Buffer; source: ExportSecret["source"]; path: string | null; created: boolean };

/**
 * The keys from FUSION_EXPORT_SECRET or, when it is unset, from the secret the server keeps in its
 * data directory (secret.ts; made on first use). 503 export_not_configured when neither works.
 */
export function exportKeys(env: NodeJS.ProcessEnv = process.env): ExportKeys {
  const s = exportSecret(env);
  return { ...deriveKeys(s.secret), source: s.source, path: s.path, created: s.created };
}

export function deriveKeys(secret: string): Pick<ExportKeys, "patientKey" | "rowKey"> {
  const ikm = Buffer.from(secret, "utf8");
  const salt = Buffer.from("fusion-cds/export", "utf8");
  return {
    patientKey: Buffer.from(hkdfSync("sha256", ikm, salt, "patient-pseudonym", 32)),
    rowKey: Buffer.from(hkdfSync("sha256", ikm, salt, "row-key", 32)),
  };
}

export function patientPseudonym(keys: Pick<ExportKeys, "patientKey">, patientId: string): string {
  return createHmac("sha256", keys.patientKey).update(patientId.toLowerCase()).digest("hex").slice(0, 32);
}

const uuidBytes = (id: string): Buffer => {
  const hex = id.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${id}`);
  return Buffer.from(hex, "hex");
};

/** Reusable row-key codec: ciphers are created once per export, not once per row. */
export function rowKeyCodec(keys: Pick<ExportKeys, "rowKey">) {
  const enc = createCipheriv("aes-256-ecb", keys.rowKey, null).setAutoPadding(false);
  return {
    // ECB without padding is stateless per 16-byte block: one cipher serves every row.
    encode(assessmentId: string): string {
      return enc.update(uuidBytes(assessmentId)).toString("hex");
    },
    /** The row keys of many ids (a page) in one cipher call — the same values as encode(). */
    encodeMany(assessmentIds: string[]): string[] {
      const blocks = Buffer.allocUnsafe(16 * assessmentIds.length);
      for (let i = 0; i < assessmentIds.length; i++) {
        const hex = assessmentIds[i].replace(/-/g, "");
        // hex decoding stops at the first non-hex character, so 16 bytes written = 32 hex digits
        if (hex.length !== 32 || blocks.write(hex, 16 * i, 16, "hex") !== 16) throw new Error(`not a UUID: ${assessmentIds[i]}`);
      }
      const hex = enc.update(blocks).toString("hex");
      const out: string[] = new Array(assessmentIds.length);
      for (let i = 0; i < out.length; i++) out[i] = hex.slice(32 * i, 32 * i + 32);
      return out;
    },
    /** → assessment id (UUID text); throws on malformed input. */
    decode(rowKey: string): string {
      if (!/^[0-9a-f]{32}$/i.test(rowKey)) throw new Error("not a row key");
      const d = createDecipheriv("aes-256-ecb", keys.rowKey, null).setAutoPadding(false);
      const h = Buffer.concat([d.update(Buffer.from(rowKey, "hex")), d.final()]).toString("hex");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}
