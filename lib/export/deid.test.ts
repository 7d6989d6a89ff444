import { describe, expect, it } from "vitest";
import { applyBasicProfile, keptByBasicProfile } from "./dicom-profile";
import { encodeFeatures, FEATURES } from "./features";
import { encodeModelFeatures, MODEL_ENCODER_VERSION, MODEL_FEATURE_COLUMNS } from "./model-features";
import { outcomeLabels } from "./labels";
import { buildColumns, makeRowEncoder, type CohortShape } from "./columns";
import { ExportQuery, filtersToParams } from "./query";
import { buildDictionary, dictionaryMarkdown } from "./dictionary";

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
    const d = buildDictionary({ shape, columns: cols, filters: {}, format: "csv", now: new Date("2026-01-01T00:00:00Z") });
    expect(d.columns.length).toBe(cols.length);
    for (const c of d.columns) expect(c.source && c.deid && c.parquetType && c.modality).toBeTruthy();
    const md = dictionaryMarkdown(d);
    expect(md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| #")).length).toBe(cols.length);
  });
});
