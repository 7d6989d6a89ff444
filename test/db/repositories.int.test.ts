// The same repository suite on both engines: a real PostgreSQL server and embedded PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { createPatient, getPatient, getPatientRecord, searchPatients, updatePatient } from "@/lib/db/patients";
import { addCondition, addDietRecord, addFamilyHistory, deleteEntry, updateCondition, updateDietRecord, updateFamilyHistory } from "@/lib/db/history";
import { AppError, PatientSearch, ConditionCreate, DietRecordCreate, FamilyHistoryCreate } from "@/lib/domain";

const diet = (over: Partial<DietRecordCreate> = {}): DietRecordCreate =>
  DietRecordCreate.parse({
    recordedOn: "2024-03-01", method: "ffq", energyKcal: 2100, sodiumMg: 3200, sugarsG: 70, saturatedFatG: 28,
    fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5, ...over,
  });

describe.each(engines)("repositories on %s", (_name, open) => {
  let e: TestEngine;
  beforeAll(async () => {
    e = await open();
  });
  afterAll(async () => {
    await e?.drop();
  });

  it("creates, reads and updates a patient", async () => {
    const p = await createPatient(e.prisma, { mrn: "MRN-0001", givenName: "Ada", familyName: "Lovelace", birthDate: "1960-12-10", sex: "female" });
    expect(p.birthDate).toBe("1960-12-10");
    expect((await getPatient(e.prisma, p.id)).familyName).toBe("Lovelace");
    const u = await updatePatient(e.prisma, p.id, { familyName: "King" });
    expect(u.familyName).toBe("King");
    expect(u.birthDate).toBe("1960-12-10");
  });

  it("rejects a duplicate MRN with 409 and writes nothing", async () => {
    await createPatient(e.prisma, { mrn: "MRN-DUP", givenName: "A", familyName: "B", birthDate: "1970-01-01", sex: "male" });
    const before = await e.prisma.patient.count();
    const err = await createPatient(e.prisma, { mrn: "MRN-DUP", givenName: "C", familyName: "D", birthDate: "1971-01-01", sex: "male" }).catch((x) => x);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(409);
    expect(err.code).toBe("duplicate_mrn");
    expect(err.message).toContain("MRN-DUP");
    expect(await e.prisma.patient.count()).toBe(before);
  });

  it("adds history, family history and diet and returns the whole record", async () => {
    const p = await createPatient(e.prisma, { mrn: "MRN-REC", givenName: "Grace", familyName: "Hopper", birthDate: "1950-05-01", sex: "female" });
    const c = await addCondition(e.prisma, p.id, ConditionCreate.parse({ code: "i10", display: "Essential hypertension", onsetDate: "2010-02-03" }));
    expect(c.code).toBe("I10");
    await addFamilyHistory(e.prisma, p.id, FamilyHistoryCreate.parse({ relationship: "mother", code: "C34.9", display: "Lung cancer", ageAtOnset: 61 }));
    await addDietRecord(e.prisma, p.id, diet());
    const r = await getPatientRecord(e.prisma, p.id);
    expect(r.conditions.map((x) => x.code)).toEqual(["I10"]);
    expect(r.familyHistory[0]).toMatchObject({ relationship: "mother", code: "C34.9", ageAtOnset: 61, deceased: false });
    expect(r.dietRecords[0]).toMatchObject({ recordedOn: "2024-03-01", sodiumMg: 3200, method: "ffq" });
    const u = await updateCondition(e.prisma, p.id, c.id, { status: "resolved" });
    expect(u.status).toBe("resolved");
    await deleteEntry(e.prisma, "dietRecord", p.id, r.dietRecords[0].id);
    expect((await getPatientRecord(e.prisma, p.id)).dietRecords).toHaveLength(0);
  });

  it("updates family history and diet entries of their own patient only, reporting what changed", async () => {
    const p = await createPatient(e.prisma, { mrn: "MRN-UPD", givenName: "Rosalind", familyName: "Franklin", birthDate: "1950-07-25", sex: "female" });
    const q = await createPatient(e.prisma, { mrn: "MRN-UPD2", givenName: "Other", familyName: "Patient", birthDate: "1950-07-25", sex: "male" });
    const fh = await addFamilyHistory(e.prisma, p.id, FamilyHistoryCreate.parse({ relationship: "mother", code: "C50.9", display: "Breast cancer" }));
    const d = await addDietRecord(e.prisma, p.id, diet());
    const seen: string[][] = [];
    const after = async (_tx: unknown, _r: unknown, change?: { fields: string[] }) => void seen.push(change!.fields);
    const u = await updateFamilyHistory(e.prisma, p.id, fh.id, { ageAtOnset: 44, display: "Breast cancer" }, after);
    expect(u).toMatchObject({ relationship: "mother", code: "C50.9", ageAtOnset: 44 });
    const v = await updateDietRecord(e.prisma, p.id, d.id, { recordedOn: "2024-02-01", fibreG: 25 }, after);
    expect(v).toMatchObject({ recordedOn: "2024-02-01", fibreG: 25, sodiumMg: 3200 });
    expect(seen).toEqual([["ageAtOnset"], ["recordedOn", "fibreG"]]);
    // addressed under another patient: 404, untouched
    expect((await updateFamilyHistory(e.prisma, q.id, fh.id, { ageAtOnset: 1 }).catch((x) => x)).status).toBe(404);
    expect((await updateDietRecord(e.prisma, q.id, d.id, { fibreG: 1 }).catch((x) => x)).status).toBe(404);
    // a diet record moved before birth is refused
    expect((await updateDietRecord(e.prisma, p.id, d.id, { recordedOn: "1949-01-01" }).catch((x) => x)).details.issues[0].path).toBe("recordedOn");
    const r = await getPatientRecord(e.prisma, p.id);
    expect(r.familyHistory[0].ageAtOnset).toBe(44);
    expect(r.dietRecords[0]).toMatchObject({ recordedOn: "2024-02-01", fibreG: 25 });
  });

  it("refuses an onset before birth and a diet record before birth, writing nothing", async () => {
    const p = await createPatient(e.prisma, { mrn: "MRN-BIRTH", givenName: "Alan", familyName: "Turing", birthDate: "1990-06-23", sex: "male" });
    const err = await addCondition(e.prisma, p.id, ConditionCreate.parse({ code: "E11.9", display: "Type 2 diabetes", onsetDate: "1980-01-01" })).catch((x) => x);
    expect(err.status).toBe(400);
    expect(err.details.issues[0].path).toBe("onsetDate");
    const err2 = await addDietRecord(e.prisma, p.id, diet({ recordedOn: "1985-01-01" })).catch((x) => x);
    expect(err2.details.issues[0].path).toBe("recordedOn");
    const r = await getPatientRecord(e.prisma, p.id);
    expect(r.conditions).toHaveLength(0);
    expect(r.dietRecords).toHaveLength(0);
    // moving the birth date after an existing onset is refused too
    await addCondition(e.prisma, p.id, ConditionCreate.parse({ code: "E11.9", display: "Type 2 diabetes", onsetDate: "2015-01-01" }));
    const err3 = await updatePatient(e.prisma, p.id, { birthDate: "2016-01-01" }).catch((x) => x);
    expect(err3.details.issues[0].path).toBe("birthDate");
    expect((await getPatient(e.prisma, p.id)).birthDate).toBe("1990-06-23");
  });

  it("returns 404 for unknown patients", async () => {
    const err = await getPatientRecord(e.prisma, "00000000-0000-4000-8000-000000000000").catch((x) => x);
    expect(err.status).toBe(404);
    const err2 = await addCondition(e.prisma, "00000000-0000-4000-8000-000000000000", ConditionCreate.parse({ code: "I10", display: "x" })).catch((x) => x);
    expect(err2.status).toBe(404);
  });

  it("searches by name words and MRN, case-insensitively, with paging and sorting", async () => {
    const names = [["Maria", "Garcia"], ["Mario", "Rossi"], ["Anna", "Garcia-Lopez"], ["John", "Smith"], ["Joan", "Smithers"]];
    for (const [i, [g, f]] of names.entries())
      await createPatient(e.prisma, { mrn: `SRCH-${i}`, givenName: g, familyName: f, birthDate: `19${60 + i}-01-01`, sex: "female" });
    const s = (q: string, extra: object = {}) => searchPatients(e.prisma, PatientSearch.parse({ q, ...extra }));
    expect((await s("garcia")).items.map((p) => p.givenName).sort()).toEqual(["Anna", "Maria"]);
    expect((await s("MARIA GARCIA")).items.map((p) => p.mrn)).toEqual(["SRCH-0"]);
    expect((await s("srch-3")).items.map((p) => p.familyName)).toEqual(["Smith"]);
    // an MRN-shaped word matches MRNs by prefix (index-served); a bare number is a substring anywhere
    expect((await s("RCH-3")).total).toBe(0);
    expect((await s("3")).items.map((p) => p.mrn)).toEqual(["SRCH-3"]);
    const page1 = await s("srch", { pageSize: 2, page: 1 });
    const page3 = await s("srch", { pageSize: 2, page: 3 });
    expect(page1.total).toBe(5);
    expect(page1.items.map((p) => p.familyName)).toEqual(["Garcia", "Garcia-Lopez"]);
    expect(page3.items.map((p) => p.familyName)).toEqual(["Smithers"]);
    const desc = await s("srch", { sort: "-birthDate", pageSize: 1 });
    expect(desc.items[0].mrn).toBe("SRCH-4");
    expect((await s("nobody-has-this-name")).total).toBe(0);
  });
});
