import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, statSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashRecoveryCode, matchTotp, newRecoveryCodes, normalizeCode, timeStep, totpCode } from "./mfa";
import { decryptSecret, encryptSecret, mfaKey } from "./mfa-crypto";

// RFC 6238 appendix B: the SHA-1 key "12345678901234567890" (base32 below), 8-digit codes; ours are
// the last 6 digits (RFC 4226 truncation is modulo 10^digits).
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP (otpauth, RFC 6238)", () => {
  it("matches the RFC 6238 test vectors", () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe("287082");
    expect(totpCode(RFC_SECRET, 1_111_111_109_000)).toBe("081804");
    expect(totpCode(RFC_SECRET, 1_234_567_890_000)).toBe("005924");
    expect(totpCode(RFC_SECRET, 2_000_000_000_000)).toBe("279037");
  });
  it("accepts the previous, current and next step, nothing further, and says which step matched", () => {
    const t = 1_234_567_890_000;
    const s = timeStep(t);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, t), t)).toBe(s);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, t - 30_000), t)).toBe(s - 1);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, t + 30_000), t)).toBe(s + 1);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, t + 60_000), t)).toBeNull();
    expect(matchTotp(RFC_SECRET, "12345", t)).toBeNull();
    expect(normalizeCode(" 123 456 ")).toBe("123456");
  });
  it("recovery codes: 10 distinct 80-bit codes, hashed regardless of case, spaces and dashes", () => {
    const c = newRecoveryCodes();
    expect(c).toHaveLength(10);
    expect(new Set(c).size).toBe(10);
    expect(hashRecoveryCode(c[0])).toBe(hashRecoveryCode(c[0].toUpperCase().replace(/-/g, " ")));
    expect(hashRecoveryCode(c[0])).not.toBe(hashRecoveryCode(c[1]));
  });
});

describe("secrets at rest", () => {
  let dir: string | null = null;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("without FUSION_MFA_KEY a 32-byte key file is made in the data directory, mode 0600, and kept", () => {
    dir = mkdtempSync(join(tmpdir(), "fcds-mfakey-"));
    const env = { NODE_ENV: "test", FUSION_DATA_DIR: join(dir, "data") } as NodeJS.ProcessEnv;
    const k = mfaKey(env);
    const file = join(dir, "data", "mfa.key");
    expect(k).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "data")).mode & 0o777).toBe(0o700);
    expect(readFileSync(file).equals(k)).toBe(true);
    expect(mfaKey({ ...env }).equals(k)).toBe(true);
  });
  it("FUSION_MFA_KEY (hex or base64, 32 bytes) wins; AES-GCM bound to the user id; a wrong key fails clearly", () => {
    const key = mfaKey({ NODE_ENV: "test", FUSION_MFA_KEY: "ab".repeat(32) } as NodeJS.ProcessEnv);
    expect(key.equals(Buffer.alloc(32, 0xab))).toBe(true);
    expect(() => mfaKey({ NODE_ENV: "test", FUSION_MFA_KEY: "short" } as NodeJS.ProcessEnv)).toThrow(/32 bytes/);
    const ct = encryptSecret("JBSWY3DPEHPK3PXP", "user-1", key);
    expect(ct).toMatch(/^v1\./);
    expect(encryptSecret("JBSWY3DPEHPK3PXP", "user-1", key)).not.toBe(ct); // fresh IV
    expect(decryptSecret(ct, "user-1", key)).toBe("JBSWY3DPEHPK3PXP");
    expect(() => decryptSecret(ct, "user-2", key)).toThrow(/cannot be decrypted/);
    expect(() => decryptSecret(ct, "user-1", Buffer.alloc(32, 1))).toThrow(/cannot be decrypted/);
  });
});
