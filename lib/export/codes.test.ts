import { describe, expect, it } from "vitest";
import { normalizeIcd, parseCodeTerm, termMatches, termsSql } from "./codes";

const m = (term: string, code: string, system = "ICD10") => termMatches(parseCodeTerm(term), system, code);

describe("cohort code terms", () => {
  it("a prefix selects the node and all its descendants, ignoring dots and case", () => {
    expect(m("I25", "I25")).toBe(true);
    expect(m("I25", "I25.10")).toBe(true);
    expect(m("i25.1", "I25.119")).toBe(true);
    expect(m("I25.1", "I25.2")).toBe(false);
    expect(m("I2", "I21.4")).toBe(true);
    expect(m("I2", "I10")).toBe(false);
  });

  it("a range compares each end at its own length: I20-I25 holds I20.0 … I25.9x but not I26 or I19", () => {
    for (const c of ["I20", "I20.0", "I21.4", "I25", "I25.10", "I25.119"]) expect(m("I20-I25", c), c).toBe(true);
    for (const c of ["I19", "I26", "I26.0", "I10", "J20"]) expect(m("I20-I25", c), c).toBe(false);
    expect(m("E10-E11.5", "E11.52")).toBe(true);
    expect(m("E10-E11.5", "E11.65")).toBe(false);
  });

  it("SNOMED terms match exactly and only SNOMED codes", () => {
    expect(m("SNOMED:22298006", "22298006", "SNOMED")).toBe(true);
    expect(m("SNOMED:22298006", "22298006", "ICD10")).toBe(false);
    expect(m("I25", "I25", "SNOMED")).toBe(false);
  });

  it("rejects what is not a code, an empty range, and puts values in parameters, not SQL", () => {
    expect(() => parseCodeTerm("banana")).toThrow(/not an ICD-10 code/);
    expect(() => parseCodeTerm("I25-I20")).toThrow(/empty range/);
    expect(() => parseCodeTerm("")).toThrow(/empty/);
    const params: unknown[] = [];
    const sql = termsSql([parseCodeTerm("I20-I25"), parseCodeTerm("E11")], "c", params);
    expect(params).toEqual(["I20", "I25", "E11%"]);
    expect(sql).not.toMatch(/I20|E11/);
    expect(normalizeIcd(" i25.10 ")).toBe("I2510");
  });
});
