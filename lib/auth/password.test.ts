import { describe, expect, it } from "vitest";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "./password";
import { DEMO_USERS, validateNewUser } from "./users";

const codes = (p: string, ctx = {}) => checkPasswordPolicy(p, ctx).map((i) => i.code);

describe("password policy", () => {
  it("accepts a long passphrase without composition rules", () => {
    expect(codes("correct horse battery")).toEqual([]);
    expect(codes("ünïcødé pässwörd ✓")).toEqual([]);
  });
  it("requires 12 characters (counted as characters, not bytes) and at most 128", () => {
    expect(codes("short-pass1")).toContain("too_short");
    expect(codes("x".repeat(11) + "y")).toEqual([]);
    expect(codes("ab".repeat(65))).toContain("too_long");
  });
  it("rejects the username, the display name and common passwords", () => {
    expect(codes("dr.welby.2026x", { username: "dr.welby" })).toContain("contains_username");
    expect(codes("marcuswelby123", { username: "mw", displayName: "Marcus Welby" })).toContain("contains_name");
    expect(codes("password1234")).toContain("too_common");
    expect(codes("Password1234")).toContain("too_common");
    expect(codes("qwertyuiop12")).toContain("too_common");
    expect(codes("aaaaaaaaaaaaaaa")).toContain("too_common");
  });
  it("common and breached passwords, however decorated, are refused (zxcvbn-ts list, normalised)", () => {
    for (const p of ["Password123!", "P@ssw0rd2024!", "Welcome2026!!", "iloveyou1234", "Sunshine2025", "qwerty123456!", "Football#2024", "letmein-letmein", "2024!Summer!!", "PASS WORD 1234", "monkey123456", "Hospital2026!"])
      expect(codes(p), p).toContain("too_common");
  });
  it("…but not passphrases that merely contain a common word, or carry a long random tail", () => {
    for (const p of ["correct horse battery", "sensible tide pool 77", "football-kettle-oboe", "monkey83741920485", "test-pass-clinician-long-enough", "a brand new passphrase"])
      expect(codes(p), p).toEqual([]);
  });
  it("the forms looked up", async () => {
    const { commonPasswordForms } = await import("./common-passwords");
    expect(commonPasswordForms("P@ssw0rd2024!")).toEqual(expect.arrayContaining(["p@ssw0rd2024!", "p@ssw0rd", "password"]));
    expect(commonPasswordForms("letmein-letmein")).toContain("letmein");
  });
  it("the published demo passwords meet the policy", () => {
    for (const d of DEMO_USERS) expect(() => validateNewUser(d)).not.toThrow();
  });
  it("validateNewUser reports every problem with its field", () => {
    try {
      validateNewUser({ username: "A", displayName: "", role: "nurse" as never, password: "a" });
      expect.unreachable();
    } catch (e) {
      const paths = ((e as { details: { issues: { path: string }[] } }).details.issues).map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(["username", "displayName", "role", "password"]));
    }
  });
});

describe("argon2id hashing", () => {
  it("hashes with argon2id and verifies only the right password", async () => {
    const h = await hashPassword("a long enough passphrase");
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, "a long enough passphrase")).toBe(true);
    expect(await verifyPassword(h, "a long enough passphrasE")).toBe(false);
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
  });
});
