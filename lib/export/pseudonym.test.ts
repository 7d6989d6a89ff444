import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveKeys, exportKeys, patientPseudonym, rowKeyCodec } from "./pseudonym";

const id = "5f0c6a1e-8d3b-4e7a-9c1f-2b6d8e0a4c21";

describe("export pseudonyms", () => {
  it("same secret → same pseudonym; different secret → different; not the id", () => {
    const a = patientPseudonym(deriveKeys("x".repeat(32)), id);
    expect(patientPseudonym(deriveKeys("x".repeat(32)), id)).toBe(a);
    expect(patientPseudonym(deriveKeys("y".repeat(32)), id)).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toContain(id.replace(/-/g, "").slice(0, 8));
    expect(patientPseudonym(deriveKeys("x".repeat(32)), id.toUpperCase())).toBe(a);
  });

  it("row keys round-trip with the secret and differ per secret", () => {
    const c = rowKeyCodec(deriveKeys("k".repeat(40)));
    const k = c.encode(id);
    expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(c.encode(id)).toBe(k); // one cipher, many rows: stable
    expect(c.decode(k)).toBe(id);
    expect(rowKeyCodec(deriveKeys("j".repeat(40))).encode(id)).not.toBe(k);
    expect(() => c.decode("zz")).toThrow();
  });

  it("row keys of a whole page in one call equal the row-by-row keys; malformed ids are refused", () => {
    const c = rowKeyCodec(deriveKeys("k".repeat(40)));
    const ids: string[] = Array.from({ length: 37 }, () => randomUUID());
    ids.push(id.toUpperCase());
    const keys = c.encodeMany(ids);
    expect(keys).toEqual(ids.map((i) => c.encode(i)));
    expect(keys.map((k) => c.decode(k))).toEqual(ids.map((i) => i.toLowerCase()));
    expect(c.encodeMany([])).toEqual([]);
    expect(() => c.encodeMany([id, id.replace("5f", "zz")])).toThrow(/not a UUID/);
    expect(() => c.encodeMany([id.slice(0, -2)])).toThrow(/not a UUID/);
    expect(() => c.encode(id.replace("5f", "zz"))).toThrow(/not a UUID/);
  });

  it("FUSION_EXPORT_SECRET: used when set; production refuses one shorter than 32 characters (unset: secret.test.ts)", () => {
    expect(() => exportKeys({ NODE_ENV: "production", FUSION_EXPORT_SECRET: "short" } as NodeJS.ProcessEnv)).toThrow(/shorter than 32/);
    const k = exportKeys({ NODE_ENV: "production", FUSION_EXPORT_SECRET: "s".repeat(32) } as NodeJS.ProcessEnv);
    expect(k.source).toBe("env");
    expect(k.patientKey.equals(deriveKeys("s".repeat(32)).patientKey)).toBe(true);
  });
});
