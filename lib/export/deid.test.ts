import { describe, expect, it } from "vitest";
import { applyBasicProfile, keptByBasicProfile } from "./dicom-profile";
import { encodeFeatures, FEATURES } from "./features";
import { encodeModelFeatures, MODEL_ENCODER_VERSION, MODEL_FEATURE_COLUMNS } from "./model-features";
import { outcomeLabels } from "./labels";
import { buildColumns, makeRowEncoder, type CohortShape } from "./columns";
import { ExportQuery, filtersToParams } from "./query";
import { buildDictionary, dictionaryMarkdown } from "./dictionary";
import { columnGroups } from "./query";
import { headName, knownTransferSyntaxName, plainToken } from "./allow-list";

const shape: CohortShape = { rows: 1, patients: 1, models: [{ name: "m", version: "1", strategy: "joint", rows: 1 }], heads: ["h"], dims: { image: 2, tabular: 0, fused: 3 } };

describe("de-identification pieces", () => {
  it("DICOM attributes pass the PS3.15 basic profile and the allow-list", () => {
    expect(keptByBasicProfile("00080060")).toBe(true); // Modality
    expect(keptByBasicProfile("00100010")).toBe(false); // PatientName (Z)
    expect(keptByBasicProfile("0020000D")).toBe(false); // StudyInstanceUID (U)
    expect(keptByBasicProfile("00091001")).toBe(false); // private
    expect(applyBasicProfile({ Modality: "CT", Rows: 512, BodyPartExamined: "" })).toMatchObject({ Modality: "CT", Rows: 512, BodyPartExamined: null, Columns: null });
  });

  it("features are computed as of the assessment date; outcome labels only where known", () => {
    const rec = {
      sex: "male",
      conditions: [
        { codeSystem: "ICD10", code: "F17.210", onsetDate: "1990-01-01", status: "active" },
        { codeSystem: "ICD10", code: "E11.9", onsetDate: "2030-01-01", status: "active" }, // after asOf: ignored
        { codeSystem: "ICD10", code: "C34.1", onsetDate: "2025-06-01", status: "active" },
      ],
      familyHistory: [{ relationship: "father", code: "I25.10", ageAtOnset: 50 }],
      dietRecords: [
        { recordedOn: "2024-01-01", energyKcal: 2000, sodiumMg: 3000, sugarsG: 80, saturatedFatG: 20, fibreG: 20, fruitVegServings: 4, redMeatServings: 1, alcoholUnits: 2 },
        { recordedOn: "2026-01-01", energyKcal: 9999, sodiumMg: 0, sugarsG: 0, saturatedFatG: 0, fibreG: 0, fruitVegServings: 0, redMeatServings: 0, alcoholUnits: 0 },
      ],
    };
    const f = Object.fromEntries(FEATURES.map((s, i) => [s.name, encodeFeatures(rec, "2025-01-01")[i]]));
    expect(f).toMatchObject({ smoking_current: 1, smoking_former: 0, hx_diabetes: 0, fh_premature_cad_first_degree: 1, diet_record_count: 1, diet_energy_kcal: 2000 });
    expect(f.smoking_years).toBeCloseTo(35, 0);
    expect(outcomeLabels(rec.conditions, "2025-01-01", "2026-11-28")).toEqual([1, null]); // lung hit; MACE 5y not elapsed
    expect(outcomeLabels([], "2018-01-01", "2026-11-28")).toEqual([0, 0]);
  });

  it.skipIf(!MODEL_ENCODER_VERSION)("model encoder features use the top-coded age (a 97-year-old enters as 90)", () => {
    const rec = { sex: "female", conditions: [], familyHistory: [{ relationship: "mother", code: "C34.90", ageAtOnset: 95 }], dietRecords: [] };
    const v = encodeModelFeatures(rec, "2025-03-01", 90);
    const f = Object.fromEntries(MODEL_FEATURE_COLUMNS.map((c, i) => [c.name, v[i]]));
    expect(f.tab_hist_age).toBeCloseTo((90 - 62.5) / 13, 5);
    expect(f.tab_fam_lung_early_onset).toBe(0); // a relative's onset at 95 cannot be read back
    expect(v.length).toBe(MODEL_FEATURE_COLUMNS.length);
  });

  it("rows never carry more than the columns declare; ages above 89 become 90", () => {
    const cols = buildColumns(shape, ["scores", "image_embedding", "fused_embedding"]);
    const enc = makeRowEncoder(shape, ["scores", "image_embedding", "fused_embedding"]);
    const row = enc(
      { id: "i", patientId: "p", modelName: "m", modelVersion: "1", strategy: "joint", year: 2025, age: 97, asOf: "2025-01-01", sex: "female", modality: null, bodyPart: null, rows: null, columns: null, frames: null, photometric: null, transferSyntax: null, scores: { h: { probability: 0.3, interval: [0.2, 0.4], category: "high" } }, embImage: null, embTabular: null, embFused: "[1, 2, 3]" },
      { rowKey: () => "K", pseudonym: () => "P", record: () => undefined, today: "2026-01-01" },
    );
    expect(row.length).toBe(cols.length);
    expect(Object.fromEntries(cols.map((c, i) => [c.name, row[i]]))).toMatchObject({ row_key: "K", patient_pseudonym: "P", age_years: 90, score_h_lower: 0.2, score_h_category: "high", image_emb_000: null, fused_emb_002: 3 });
  });

  it("query: lists from repeats or commas, unknown keys refused, filters round-trip through the URL", () => {
    const q = ExportQuery.parse({ format: "parquet", sex: ["male", "female"], condition: "I20-I25,E11", ageMin: "50" });
    expect(q).toMatchObject({ format: "parquet", filters: { sex: ["male", "female"], condition: ["I20-I25", "E11"], ageMin: 50 } });
    expect(q.columns.length).toBe(8);
    expect(ExportQuery.safeParse({ sexx: "male" }).success).toBe(false);
    expect(ExportQuery.safeParse({ ageMin: "70", ageMax: "60" }).success).toBe(false);
    const p = filtersToParams(q.filters);
    expect(ExportQuery.parse(Object.fromEntries(p)).filters).toEqual(q.filters);
  });

  it("the dictionary names every column with type, unit, source and de-identification", () => {
    const cols = buildColumns(shape, ["scores", "fused_embedding", "features", "labels", "scan"]);
    const d = buildDictionary({ shape, columns: cols, filters: {}, format: "csv", minCellSize: 1, now: new Date("2026-01-01T00:00:00Z") });
    expect(d.columns.length).toBe(cols.length);
    for (const c of d.columns) expect(c.source && c.deid && c.parquetType && c.modality).toBeTruthy();
    const md = dictionaryMarkdown(d);
    expect(md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| #")).length).toBe(cols.length);
  });

  it("every column of every group says why it cannot carry an identifier (dictionary JSON and Markdown)", () => {
    const wide: CohortShape = { ...shape, heads: ["lung_cancer_2y", "mace_5y"], dims: { image: 3, tabular: 2, fused: 4 } };
    const cols = buildColumns(wide, columnGroups);
    expect(new Set(cols.map((c) => c.group))).toEqual(new Set(["row", "demographics", ...columnGroups]));
    const missing = cols.filter((c) => typeof c.whyNoIdentifier !== "string" || c.whyNoIdentifier.trim().length < 30).map((c) => c.name);
    expect(missing, "columns without a reason").toEqual([]);
    const d = buildDictionary({ shape: wide, columns: cols, filters: {}, format: "parquet", minCellSize: 1, now: new Date("2026-01-01T00:00:00Z") });
    for (const c of d.columns) expect(c.whyNoIdentifier, c.name).toBe(cols.find((x) => x.name === c.name)!.whyNoIdentifier);
    const md = dictionaryMarkdown(d);
    expect(md).toContain("| why it cannot carry an identifier |");
    const body = md.split("\n").filter((l) => /^\| \d+ \| `/.test(l));
    expect(body.length).toBe(cols.length);
    for (const l of body) expect(l.split(" | ").at(-1)!.replace(/ \|$/, "").length, l).toBeGreaterThan(30);
  });

  it("the row encoder lets no free text through any text column", () => {
    const FREE = "ZEBEDEE QUASIMODO DOB 1931-02-03";
    const groups = columnGroups;
    const cols = buildColumns(shape, groups);
    const enc = makeRowEncoder(shape, groups);
    const row = enc(
      { id: "i", patientId: "p", modelName: FREE, modelVersion: `1.0 ${FREE}`, strategy: FREE, year: 2025, age: 50, asOf: "2025-01-01", sex: FREE, modality: FREE, bodyPart: FREE, rows: 512, columns: 512, frames: 1, photometric: FREE, transferSyntax: `1.2.840.10008.${FREE}`, scores: { h: { probability: 0.3, interval: [0.2, 0.4], category: FREE } }, embImage: null, embTabular: null, embFused: null },
      { rowKey: () => "K", pseudonym: () => "P", record: () => undefined, today: "2026-01-01" },
    );
    expect(row.length).toBe(cols.length);
    const text = cols.map((c, i) => [c.name, row[i]] as const).filter(([, v]) => typeof v === "string");
    expect(text).toEqual([["row_key", "K"], ["patient_pseudonym", "P"]]);
    // and the same row with real values keeps them
    const ok = enc(
      { id: "i", patientId: "p", modelName: "fusion-joint", modelVersion: "1.0.0", strategy: "joint", year: 2025, age: 50, asOf: "2025-01-01", sex: "female", modality: "CT", bodyPart: "Chest", rows: 512, columns: 512, frames: 1, photometric: "MONOCHROME2", transferSyntax: "1.2.840.10008.1.2.1", scores: { h: { probability: 0.3, interval: [0.2, 0.4], category: "high" } }, embImage: null, embTabular: null, embFused: null },
      { rowKey: () => "K", pseudonym: () => "P", record: () => undefined, today: "2026-01-01" },
    );
    expect(Object.fromEntries(cols.map((c, i) => [c.name, ok[i]]))).toMatchObject({ model_name: "fusion-joint", model_version: "1.0.0", fusion_strategy: "joint", sex: "female", scan_modality: "CT", scan_body_part: "CHEST", scan_body_part_snomed: "43799004", scan_photometric: "MONOCHROME2", scan_transfer_syntax: "Explicit VR Little Endian", score_h_category: "high" });
  });

  it("allow-lists: plain tokens, head names, known transfer syntaxes", () => {
    expect(plainToken("fusion-joint")).toBe("fusion-joint");
    expect(plainToken("1.0.0+build.7")).toBe("1.0.0+build.7");
    for (const v of ["two words", "", "-lead", "x".repeat(65), "a/b", 3]) expect(plainToken(v), String(v)).toBeNull();
    expect(headName("lung_cancer_2y")).toBe("lung_cancer_2y");
    for (const v of ["Lung", "lung cancer", "2y", "a-b"]) expect(headName(v), v).toBeNull();
    expect(knownTransferSyntaxName("1.2.840.10008.1.2.5")).toBe("RLE Lossless");
    expect(knownTransferSyntaxName("1.2.3.4")).toBeNull(); // transferSyntaxInfo would say "Unknown transfer syntax 1.2.3.4"
    expect(knownTransferSyntaxName(null)).toBeNull();
  });
});
