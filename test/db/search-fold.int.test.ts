// Accent- and apostrophe-insensitive patient search (issue 16 item 5) on both engines: the
// database's generated "searchKey" folds exactly like lib/domain/search-fold.ts, the patient list
// and searchPatients find "Martínez" by "Martinez" and "O'Brien" by "O’Brien", and the search is
// served by the trigram index on the folded column.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { createPatient, searchPatients } from "@/lib/db/patients";
import { listPatients } from "@/lib/db/patient-list";
import { PatientSearch, SEARCH_FOLD_FROM, SEARCH_FOLD_TO, foldSearchText, sqlLiteral } from "@/lib/domain";

const MIGRATION = "prisma/migrations/20261203130000_search_fold/migration.sql";

it("the migration spells out the same folding table as lib/domain/search-fold.ts", () => {
  const sql = readFileSync(MIGRATION, "utf8");
  expect(sql).toContain(sqlLiteral(SEARCH_FOLD_FROM));
  expect(sql).toContain(sqlLiteral(SEARCH_FOLD_TO));
});

it("folds accents and apostrophes, and nothing else", () => {
  expect(foldSearchText("Martínez")).toBe("martinez");
  expect(foldSearchText("O’Brien")).toBe("obrien");
  expect(foldSearchText("O'Brien")).toBe("obrien");
  expect(foldSearchText("Łukasz Øster Ștefan Nguyễn")).toBe("lukasz oster stefan nguyen");
  // decomposed input (e + combining acute) folds like the precomposed letter
  expect(foldSearchText("Jose\u0301")).toBe("jose");
  expect(foldSearchText("Smith-Jones")).toBe("smith-jones");
  expect(foldSearchText("Αλέξης")).toBe("αλέξης"); // outside the Latin table: only lower-cased
});

describe.each(engines)("accent-insensitive search on %s", (_name, open) => {
  let e: TestEngine;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    e = await open();
    const people = [["martinez", "Lucía", "Martínez"], ["obrien", "Seán", "O'Brien"], ["curly", "Aoife", "O’Connor"], ["plain", "Maria", "Martin"], ["zoe", "Zoë", "Saldaña"]] as const;
    for (const [k, given, family] of people)
      ids[k] = (await createPatient(e.prisma, { mrn: `FOLD-${k.toUpperCase()}`, givenName: given, familyName: family, birthDate: "1970-05-05", sex: "female" })).id;
  });
  afterAll(async () => {
    await e?.drop();
  });

  it("stores searchKey folded exactly like foldSearchText for every letter of the table", async () => {
    const letters = [...SEARCH_FOLD_FROM];
    for (let i = 0; i < letters.length; i += 60) {
      const chunk = letters.slice(i, i + 60).join("");
      const p = await e.prisma.patient.create({ data: { mrn: `TABLE-${i}`, givenName: "X", familyName: chunk, birthDate: new Date("1980-01-01"), sex: "other" } });
      expect(p.searchKey).toBe(foldSearchText(`${chunk} X TABLE-${i}`));
    }
    await e.prisma.patient.deleteMany({ where: { mrn: { startsWith: "TABLE-" } } });
  });

  const list = async (q: string) => (await listPatients(e.prisma, PatientSearch.parse({ q }))).items.map((p) => p.mrn).sort();
  const repo = async (q: string) => (await searchPatients(e.prisma, PatientSearch.parse({ q }))).items.map((p) => p.mrn).sort();

  it.each([
    ["Martinez", ["FOLD-MARTINEZ"]],
    ["MARTÍNEZ lucia", ["FOLD-MARTINEZ"]],
    ["martin", ["FOLD-MARTINEZ", "FOLD-PLAIN"]],
    ["O’Brien", ["FOLD-OBRIEN"]],
    ["o'brien sean", ["FOLD-OBRIEN"]],
    ["OBrien", ["FOLD-OBRIEN"]],
    ["O'Connor", ["FOLD-CURLY"]],
    ["zoe saldana", ["FOLD-ZOE"]],
    ["Zoë", ["FOLD-ZOE"]],
    ["Martínez Zoë", []],
  ])("%s → %j (patient list and searchPatients)", async (q, want) => {
    expect(await list(q)).toEqual(want);
    expect(await repo(q)).toEqual(want);
  });

  it("a lone apostrophe is no search word; MRN prefixes still match", async () => {
    expect((await list("' martinez")).length).toBe(1);
    expect(await list("fold-ob")).toEqual(["FOLD-OBRIEN"]);
    expect(await list("Obrien FOLD-OBRIEN")).toEqual(["FOLD-OBRIEN"]);
  });

  it("is served by the trigram index on the folded column", async () => {
    const plan = await e.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT "id" FROM "Patient" WHERE "searchKey" LIKE '%martinez%'`);
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("Patient_searchKey_trgm_idx");
  });
});
