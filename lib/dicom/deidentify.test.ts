import { describe, expect, it } from "vitest";
import { decodeFrame } from "./decode";
import { deidentifyDicom, deidentifyTags, hashedUid } from "./deidentify";
import { parseDicom } from "./parse";
import { BASIC_PROFILE } from "./ps3-15-basic-profile";
import { maxAbsDiff, readTestFile } from "./test-helpers";

const files = [
  "CT_small.dcm", // explicit LE
  "MR_small_implicit.dcm", // implicit LE
  "MR_small_bigendian.dcm", // explicit BE
  "MR_small_jp2klossless.dcm", // JPEG 2000
  "SC_rgb_rle.dcm", // RLE colour
  "rtdose.dcm", // multi-frame
  "image_dfl.dcm", // deflated
  "JPGExtended.dcm", // 12-bit JPEG
];

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, "latin1"));
}

describe("deidentifyDicom (PS3.15 basic profile)", () => {
  it.each(files)("%s: identifiers gone, image intact", async (name) => {
    const original = readTestFile(name);
    const before = parseDicom(original);
    const ds = before.dataSet;
    const rawName = ds.string("x00100010");
    const rawId = ds.string("x00100020");
    const uids = [before.metadata.studyInstanceUid, before.metadata.seriesInstanceUid, before.metadata.sopInstanceUid].filter((u): u is string => !!u);

    const out = deidentifyDicom(original, { pseudonym: "FCDS-0001" });
    const after = parseDicom(out);
    expect(after.metadata).toMatchObject({ patientName: "FCDS-0001", patientId: "FCDS-0001", patientBirthDate: null, studyDate: null });
    for (const needle of [rawName, rawId, ...uids]) if (needle && needle.length >= 4) expect(contains(out, needle), `still contains ${needle}`).toBe(false);
    for (const uid of uids) expect([after.metadata.studyInstanceUid, after.metadata.seriesInstanceUid, after.metadata.sopInstanceUid]).toContain(hashedUid(uid, "FCDS-0001"));
    expect(after.dataSet.string("x00120062")).toBe("YES");
    expect(after.dataSet.string("x00120063")).toContain("PS3.15");
    expect(after.dataSet.string("x00020003")).toBe(after.metadata.sopInstanceUid);
    expect(after.tags.some((t) => t.keyword === "Private")).toBe(false);
    expect(after.tags.some((t) => t.vr === "PN" && t.tag !== "(0010,0010)" && t.value !== "")).toBe(false);

    const a = await decodeFrame(before, 0);
    const b = await decodeFrame(after, 0);
    expect(maxAbsDiff(a.data, b.data)).toBe(0);
  });

  it("gives consistent UIDs: same study in two files maps to the same new Study Instance UID", () => {
    const a = parseDicom(deidentifyDicom(readTestFile("MR_small.dcm"), { pseudonym: "P1", uidSecret: "project-secret" }));
    const b = parseDicom(deidentifyDicom(readTestFile("MR_small_RLE.dcm"), { pseudonym: "P1", uidSecret: "project-secret" }));
    const c = parseDicom(deidentifyDicom(readTestFile("MR_small.dcm"), { pseudonym: "P1", uidSecret: "other-secret" }));
    expect(a.metadata.studyInstanceUid).toBe(b.metadata.studyInstanceUid);
    expect(a.metadata.studyInstanceUid).not.toBe(c.metadata.studyInstanceUid);
    expect(a.metadata.studyInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(a.metadata.studyInstanceUid!.length).toBeLessThanOrEqual(64);
  });

  it("shifts dates instead of removing them when dateShiftDays is given", () => {
    const out = parseDicom(deidentifyDicom(readTestFile("CT_small.dcm"), { pseudonym: "P2", dateShiftDays: -30 }));
    expect(out.metadata.studyDate).toBe("2003-12-20"); // 2004-01-19 − 30 days
    expect(out.metadata.patientBirthDate).toBeNull();
    expect(out.dataSet.string("x00280303")).toBe("MODIFIED");
  });

  it("removes private tags and nested person names (rtplan)", () => {
    const src = readTestFile("rtplan.dcm");
    const rawName = parseDicom(src).dataSet.string("x00100010")!;
    expect(contains(src, rawName)).toBe(true);
    const out = deidentifyDicom(src, { pseudonym: "P3" });
    const after = parseDicom(out);
    expect(after.tags.find((t) => t.tag === "(0010,0010)")?.value).toBe("P3");
    expect(contains(out, rawName)).toBe(false);
    expect(after.tags.filter((t) => t.vr === "PN" && t.tag !== "(0010,0010)" && t.value !== "")).toEqual([]);
    expect(after.metadata.modality).toBe("RTPLAN");
  });

  it("rejects a missing pseudonym", () => {
    expect(() => deidentifyDicom(readTestFile("CT_small.dcm"), { pseudonym: " " })).toThrow(TypeError);
  });

  it("the action table covers the core identifiers", () => {
    const byKeyword = new Map(BASIC_PROFILE.map((r) => [r.keyword, r.action]));
    expect(byKeyword.get("PatientName")).toBe("D");
    expect(byKeyword.get("StudyInstanceUID")).toBe("U");
    expect(byKeyword.get("InstitutionName")).toBe("X");
    expect(byKeyword.get("StudyDate")).toBe("Z");
    expect(new Set(BASIC_PROFILE.map((r) => r.tag)).size).toBe(BASIC_PROFILE.length);
  });
});

describe("deidentifyTags", () => {
  it("applies the same profile to the tag summary", () => {
    const parsed = parseDicom(readTestFile("CT_small.dcm"));
    const tags = deidentifyTags(parsed.tags, { pseudonym: "FCDS-9" });
    const get = (tag: string) => tags.find((t) => t.tag === tag)?.value;
    expect(get("(0010,0010)")).toBe("FCDS-9");
    expect(get("(0010,0020)")).toBe("FCDS-9");
    expect(get("(0008,0020)")).toBe("");
    expect(get("(0008,0080)")).toBeUndefined(); // Institution Name removed
    expect(get("(0020,000D)")).toBe(hashedUid(parsed.metadata.studyInstanceUid!, "FCDS-9"));
    expect(get("(0012,0062)")).toBe("YES");
    expect(JSON.stringify(tags)).not.toContain("CompressedSamples^CT1");
    expect(tags.some((t) => t.keyword === "Private")).toBe(false);
  });
});
