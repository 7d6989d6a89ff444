import { describe, expect, it } from "vitest";
import { personName } from "./names";
import { PatientCreate, PatientUpdate, UserCreate, UserUpdate } from "./index";
import { validateNewUser } from "@/lib/auth/users";

// Issue 10, Low 19: person names are normalised to NFC and refuse characters that render
// invisibly or reorder text (bidi overrides, zero-width, controls), with a 400 naming the field.
const name = personName(100);

describe("personName", () => {
  it("accepts real names of many scripts and normalises them to NFC", () => {
    for (const n of ["O'Brien", "Müller-Lüdenscheidt", "李小龍", "Nguyễn Thị Minh Khai", "ʻIolani", "Søren Kierkegaard", "محمد", "José María", "Zoë"])
      expect(name.parse(n)).toBe(n.normalize("NFC"));
    expect(name.parse("Zoe\u0308")).toBe("Zo\u00eb"); // decomposed diaeresis → one code point
    expect(name.parse("  Ann  ")).toBe("Ann");
  });

  const refused: [string, string][] = [
    ["RIGHT-TO-LEFT OVERRIDE", "Smith\u202Eevil"],
    ["LEFT-TO-RIGHT EMBEDDING", "\u202Aabc"],
    ["RIGHT-TO-LEFT ISOLATE", "ab\u2067c"],
    ["POP DIRECTIONAL ISOLATE", "ab\u2069c"],
    ["RIGHT-TO-LEFT MARK", "ab\u200Fc"],
    ["ARABIC LETTER MARK", "ab\u061Cc"],
    ["ZERO WIDTH SPACE", "Ann\u200Be"],
    ["ZERO WIDTH JOINER", "Ann\u200De"],
    ["ZERO WIDTH NON-JOINER", "Ann\u200Ce"],
    ["WORD JOINER", "Ann\u2060e"],
    ["BYTE ORDER MARK", "An\uFEFFne"], // at either end it is trimmed like a space
    ["SOFT HYPHEN", "An\u00ADne"],
    ["TAB", "An\tne"],
    ["NEW LINE", "An\nne"],
    ["ESCAPE", "An\u001Bne"],
    ["DELETE", "An\u007Fne"],
    ["C1 CONTROL", "An\u0085ne"],
    ["LINE SEPARATOR", "An\u2028ne"],
    ["PRIVATE USE", "An\uE000ne"],
    ["LONE SURROGATE", "An\uD800ne"],
    ["NUL", "An\u0000ne"],
  ];
  for (const [what, v] of refused)
    it(`refuses ${what}`, () => {
      const r = name.safeParse(v);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].message).toMatch(/U\+[0-9A-F]{4}|NUL/);
    });

  it("is what every person-name field uses: patient names, user display names (API and CLI)", () => {
    const p = { mrn: "MRN-1", givenName: "Ann", familyName: "Smith\u202Eevil", birthDate: "1960-01-01", sex: "female" };
    expect(PatientCreate.safeParse(p).error?.issues.map((i) => i.path.join("."))).toEqual(["familyName"]);
    expect(PatientUpdate.safeParse({ givenName: "A\u200Bnn" }).error?.issues.map((i) => i.path.join("."))).toEqual(["givenName"]);
    expect(PatientCreate.parse({ ...p, familyName: "Zoe\u0308" }).familyName).toBe("Zo\u00eb");
    const u = { username: "ann.smith", displayName: "Ann\u202E", role: "clinician", password: "a-long-enough-passphrase-1" };
    expect(UserCreate.safeParse(u).error?.issues.map((i) => i.path.join("."))).toEqual(["displayName"]);
    expect(UserUpdate.safeParse({ displayName: "\u2066Ann" }).error?.issues.map((i) => i.path.join("."))).toEqual(["displayName"]);
    expect(() => validateNewUser({ ...u, role: "clinician" })).toThrow(/displayName/);
    expect(validateNewUser({ ...u, role: "clinician", displayName: "Zoe\u0308" }).displayName).toBe("Zo\u00eb");
  });
});
