import { describe, expect, it } from "vitest";
import * as dcmjsModule from "dcmjs";
import { PatientCreate } from "@/lib/domain/patient";
import { ConditionCreate } from "@/lib/domain/condition";
import { FamilyHistoryCreate } from "@/lib/domain/family-history";
import { DietRecordCreate } from "@/lib/domain/diet";
import { generateCohort, generatePatient, renderScan, scanToDicom, HEADS } from "./cohort";

type Dcm = { data: { DicomMessage: { readFile(b: ArrayBufferLike): { dict: unknown } }; DicomMetaDictionary: { naturalizeDataset(d: unknown): Record<string, any> } } }; // eslint-disable-line @typescript-eslint/no-explicit-any
const dcmjs = ((dcmjsModule as unknown as { default?: Dcm }).default ?? dcmjsModule) as unknown as Dcm;

describe("synthetic cohort", () => {
  it("is deterministic: patient i is the same whatever n is", () => {
    const a = generateCohort({ n: 5, seed: 7 });
    const b = generateCohort({ n: 50, seed: 7 });
    expect(b.slice(0, 5)).toEqual(a);
    expect(generatePatient(7, 3)).toEqual(a[3]);
    expect(generateCohort({ n: 5, seed: 8 })[0]).not.toEqual(a[0]);
  });

  it("produces records that pass the domain schemas", () => {
    for (const p of generateCohort({ n: 200, seed: 1 })) {
      expect(PatientCreate.safeParse(p.patient).success).toBe(true);
      for (const c of p.conditions) expect(ConditionCreate.safeParse(c).success, JSON.stringify(c)).toBe(true);
      for (const f of p.familyHistory) expect(FamilyHistoryCreate.safeParse(f).success, JSON.stringify(f)).toBe(true);
      expect(p.dietRecords.length).toBeGreaterThanOrEqual(1);
      expect(p.dietRecords.length).toBeLessThanOrEqual(3);
      for (const d of p.dietRecords) expect(DietRecordCreate.safeParse(d).success, JSON.stringify(d)).toBe(true);
      for (const h of HEADS) {
        expect(p.trueRisk[h]).toBeGreaterThan(0);
        expect(p.trueRisk[h]).toBeLessThan(1);
        expect([0, 1]).toContain(p.labels[h]);
      }
    }
  });

  it("has unique MRNs and plausible prevalence", () => {
    const c = generateCohort({ n: 3000, seed: 2 });
    expect(new Set(c.map((p) => p.patient.mrn)).size).toBe(c.length);
    for (const h of HEADS) {
      const prev = c.reduce((s, p) => s + p.labels[h], 0) / c.length;
      expect(prev).toBeGreaterThan(0.03);
      expect(prev).toBeLessThan(0.3);
    }
  });

  it("renders a 512² slice and writes a readable DICOM CT", () => {
    const p = generatePatient(1, 45);
    const scan = renderScan(p);
    expect(scan.rows).toBe(512);
    expect(scan.hu.length).toBe(512 * 512);
    const bytes = scanToDicom(p, scan);
    expect(Buffer.from(bytes.subarray(128, 132)).toString("latin1")).toBe("DICM");
    const msg = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(msg.dict);
    expect(ds.Modality).toBe("CT");
    expect(ds.PatientID).toBe(p.patient.mrn);
    expect(ds.RescaleIntercept).toBe(-1024);
    expect(ds.BitsAllocated).toBe(16);
    expect(ds.SOPInstanceUID).toMatch(/^2\.25\.\d+$/);
    const px = new Int16Array(ds.PixelData[0]);
    const i = 256 * 512 + 10;
    expect(px[i] - 1024).toBe(scan.hu[i]);
    // deterministic UIDs
    const again = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(scanToDicom(p, scan).buffer).dict);
    expect(again.SOPInstanceUID).toBe(ds.SOPInstanceUID);
  });
});
