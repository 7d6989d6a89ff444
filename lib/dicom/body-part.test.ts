import { describe, expect, it } from "vitest";
import { BODY_PARTS, bodyPartOf } from "./body-part";

// SNOMED CT identifiers end in a Verhoeff check digit, after a two-digit partition identifier
// ("00" = a concept of the international release): a mistyped code fails one or the other.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const verhoeffValid = (s: string) => [...s].reverse().reduce((c, ch, i) => D[c][P[i % 8][Number(ch)]], 0) === 0;

describe("body part vocabulary (CID 4031 / PS3.16 Table L-1)", () => {
  it("holds the 97 CID 4031 defined terms, each a valid DICOM CS value with a well-formed SNOMED CT concept id", () => {
    expect(BODY_PARTS.length).toBe(97);
    expect(new Set(BODY_PARTS.map((p) => p.term)).size).toBe(97);
    expect(new Set(BODY_PARTS.map((p) => p.snomed)).size).toBe(97);
    for (const p of BODY_PARTS) {
      expect(p.term, p.term).toMatch(/^[A-Z0-9]{1,16}$/);
      expect(p.snomed, p.term).toMatch(/^[1-9]\d{5,17}$/);
      expect(p.snomed.slice(-3, -1), `${p.term} partition`).toBe("00");
      expect(verhoeffValid(p.snomed), `${p.term} ${p.snomed} check digit`).toBe(true);
    }
    expect(verhoeffValid("43799005")).toBe(false); // the check itself can fail
  });

  it("maps terms, meanings and THORAX in any case and spacing", () => {
    expect(bodyPartOf("CHEST")).toEqual({ term: "CHEST", snomed: "43799004", meaning: "Chest" });
    for (const v of ["chest", " Chest ", "THORAX", "thorax"]) expect(bodyPartOf(v)?.term, v).toBe("CHEST");
    expect(bodyPartOf("Head and Neck")?.term).toBe("HEADNECK");
    expect(bodyPartOf("whole body")?.term).toBe("WHOLEBODY");
    expect(bodyPartOf("Entire body")?.snomed).toBe("38266002");
    expect(bodyPartOf("c-spine")?.term).toBe("CSPINE");
    expect(bodyPartOf("Sacrum")?.term).toBe("SSPINE");
    expect(bodyPartOf("abdomen")?.snomed).toBe("818981001");
    for (const p of BODY_PARTS) {
      expect(bodyPartOf(p.term)).toBe(p);
      expect(bodyPartOf(p.meaning)).toBe(p);
    }
  });

  it("anything else is null: free text, names, dates, partial matches, empty, overlong", () => {
    for (const v of ["ZEBEDEE QUASIMODO DOB 1931-02-03", "ZEBEDEE QUASIMOD", "CHEST ZEBEDEE", "CHEST 1931", "chest x-ray", "LUNG", "LEFT KNEE", "", "   ", null, undefined, "CHEST".padEnd(80, " ") + "X"])
      expect(bodyPartOf(v as string | null), String(v)).toBeNull();
  });
});
