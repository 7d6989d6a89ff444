// Research export end to end on both engines: real database, real writers, independent readers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { engines, type TestEngine } from "../support/engines";
import { parseOrThrow } from "@/lib/domain/validate";
import { ExportQuery } from "@/lib/export/query";
import { openExport } from "@/lib/export/stream";
import { deriveKeys, patientPseudonym } from "@/lib/export/pseudonym";
import { termMatches, parseCodeTerm } from "@/lib/export/codes";
import { closeExportPools, pgliteQueryable, pgQueryable } from "@/lib/export/source";
import type { Queryable } from "@/lib/export/sql";
import { parseCsv, readAll, seedFixture, type Fixture } from "./fixture";

const SECRET_A = "a".repeat(40);
const SECRET_B = "b".repeat(40);
// the filter cases below select a few of the fixture's 24 patients on purpose: the small-cell
// threshold (small-cells.int.test.ts) is lowered to 1 so they check filter semantics
const env = (secret = SECRET_A) => ({ NODE_ENV: "test", FUSION_EXPORT_SECRET: secret, FUSION_MIN_CELL_SIZE: "1" }) as NodeJS.ProcessEnv;
const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };

function ageOn(birth: string, day: Date): number {
  const d = day.toISOString().slice(0, 10);
  let a = Number(d.slice(0, 4)) - Number(birth.slice(0, 4));
  if (d.slice(5) < birth.slice(5)) a--;
  return Math.min(90, a);
}

describe.each(engines)("research export on %s", (_name, make) => {
  let eng: TestEngine;
  let fx: Fixture;
  let tmp: string;

  let sql: Queryable;
  const sqlReader = () => sql;
  const run = async (query: Record<string, string | string[]>, secret = SECRET_A, reader: Queryable = sql) => {
    const q = parseOrThrow(ExportQuery, query);
    const x = await openExport(q, { db: eng.prisma, sql: reader, actor: null, username: "vitest", request, env: env(secret), pageSize: 5, rowGroupSize: 7 });
    const body = await readAll(x.stream);
    return { x, body, summary: await x.done };
  };
  const csvRows = (body: Buffer) => {
    const [header, ...rows] = parseCsv(body.toString("utf8"));
    return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
  };
  const pseudoOf = (secret: string) => {
    const keys = deriveKeys(secret);
    return new Map(fx.patients.map((p) => [patientPseudonym(keys, p.id), p.id]));
  };

  beforeAll(async () => {
    eng = await make();
    sql = eng.kind === "postgres" ? pgQueryable(eng.url!) : pgliteQueryable(eng.pglite!);
    fx = await seedFixture(eng.prisma);
    tmp = mkdtempSync(join(tmpdir(), "fcds-export-"));
  });
  afterAll(async () => {
    await closeExportPools();
    await eng?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("Parquet read back by DuckDB and by hyparquet equals the CSV export, cell for cell", async () => {
    const csv = await run({ format: "csv" });
    const pq = await run({ format: "parquet" });
    const rows = csvRows(csv.body);
    expect(rows.length).toBe(fx.assessments.length);
    expect(csv.summary.rows).toBe(fx.assessments.length);
    const cols = csv.x.columns;
    expect(cols.filter((c) => c.name.startsWith("fused_emb_")).length).toBe(64);

    const file = join(tmp, "x.parquet");
    writeFileSync(file, pq.body);
    const duck = await (await DuckDBInstance.create(":memory:")).connect();
    const reader = await duck.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
    const duckRows = reader.getRowObjectsJS();
    const ab = pq.body.buffer.slice(pq.body.byteOffset, pq.body.byteOffset + pq.body.byteLength) as ArrayBuffer;
    const hyRows = await parquetReadObjects({ file: ab });
    expect(duckRows.length).toBe(rows.length);
    expect(hyRows.length).toBe(rows.length);
    // typed columns
    const desc = (await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS();
    const typeOf = Object.fromEntries(desc.map((d) => [String(d.column_name), String(d.column_type)]));
    expect(typeOf.age_years).toBe("INTEGER");
    expect(typeOf.fused_emb_000).toBe("DOUBLE");
    expect(typeOf.patient_pseudonym).toBe("VARCHAR");

    // strings and integers textually; doubles as numbers (CSV writes stored decimals, e.g. 0.000000001 for 1e-9)
    const same = (v: unknown, text: string, type: string) =>
      v === null || v === undefined ? text === "" : type === "double" ? text !== "" && Number(text) === Number(v) : String(v) === text;
    let compared = 0;
    for (let i = 0; i < rows.length; i++)
      for (const c of cols) {
        expect(same(duckRows[i][c.name], rows[i][c.name], c.type), `duckdb row ${i} ${c.name}: ${String(duckRows[i][c.name])} vs ${rows[i][c.name]}`).toBe(true);
        expect(same(hyRows[i][c.name], rows[i][c.name], c.type), `hyparquet row ${i} ${c.name}: ${String(hyRows[i][c.name])} vs ${rows[i][c.name]}`).toBe(true);
        compared++;
      }
    expect(compared).toBe(rows.length * cols.length);
    // the stored embedding comes out exactly
    const byId = new Map(fx.assessments.map((a) => [a.id, a]));
    const pseudo = pseudoOf(SECRET_A);
    const some = fx.assessments[3];
    const row = rows.find((r) => pseudo.get(r.patient_pseudonym) === some.patientId && r.model_name === some.modelName)!;
    expect(Number(row.fused_emb_005)).toBe(some.fused[5]);
    expect(byId.size).toBe(rows.length);
    // the dictionary travels in the Parquet footer
    const meta = parquetMetadata(ab);
    const dict = JSON.parse(meta.key_value_metadata!.find((kv) => kv.key === "fusion_cds.dictionary")!.value!);
    expect(dict.columns.map((c: { name: string }) => c.name)).toEqual(cols.map((c) => c.name));
  });

  it("reading through Prisma or the raw driver gives byte-identical files", async () => {
    for (const format of ["csv", "parquet"]) {
      const a = await run({ format }, SECRET_A, sql);
      const b = await run({ format }, SECRET_A, eng.prisma);
      // Parquet footers hold the dictionary's generation time: compare up to the footer
      const cut = format === "parquet" ? a.body.length - a.body.readUInt32LE(a.body.length - 8) - 8 : a.body.length;
      expect(b.body.subarray(0, cut).equals(a.body.subarray(0, cut)), format).toBe(true);
    }
  });

  it("reading two pages ahead on separate connections gives the same file", async () => {
    const q = parseOrThrow(ExportQuery, { format: "csv" });
    const one = await readAll((await openExport(q, { db: eng.prisma, sql, actor: null, request, env: env(), pageSize: 3, readAhead: 1 })).stream);
    const two = await readAll((await openExport(q, { db: eng.prisma, sql, actor: null, request, env: env(), pageSize: 3, readAhead: 2 })).stream);
    expect(two.equals(one)).toBe(true);
  });

  it("NDJSON carries the same rows and values as CSV", async () => {
    const csv = csvRows((await run({ format: "csv" })).body);
    const nd = (await run({ format: "ndjson" })).body.toString("utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(nd.length).toBe(csv.length);
    for (let i = 0; i < nd.length; i++)
      for (const [k, v] of Object.entries(nd[i])) {
        if (typeof v === "number" && csv[i][k] !== "") expect(Number(csv[i][k])).toBe(v);
        else expect(v === null ? "" : String(v)).toBe(csv[i][k]);
      }
  });

  it("no exported byte holds a seeded name, MRN, birth date or DICOM UID (all formats, all columns)", async () => {
    const needles = new Set<string>();
    for (const p of fx.patients) {
      needles.add(p.mrn);
      needles.add(p.birthDate);
      needles.add(p.birthDate.replace(/-/g, ""));
      needles.add(`${p.familyName}^${p.givenName}`);
      needles.add(`${p.givenName} ${p.familyName}`);
      for (const n of [p.givenName, p.familyName]) if (n.length >= 4) needles.add(n);
    }
    for (const u of fx.uids) needles.add(u);
    const shortNames = new Set(fx.patients.flatMap((p) => [p.givenName, p.familyName]).map((s) => s.toLowerCase()));
    for (const format of ["csv", "parquet", "ndjson"]) {
      const { body } = await run({ format });
      const text = body.toString("latin1") + "\n" + body.toString("utf8");
      for (const n of needles) expect(text.includes(n), `${format} contains ${n}`).toBe(false);
      if (format === "csv") for (const r of csvRows(body)) for (const v of Object.values(r)) expect(shortNames.has(String(v).toLowerCase()), `value ${v}`).toBe(false);
    }
  });

  it("same secret → same pseudonyms; a different secret → different ones; none is the raw id", async () => {
    const a1 = csvRows((await run({ format: "csv", columns: "scores" })).body);
    const a2 = csvRows((await run({ format: "csv", columns: "scores" })).body);
    const b = csvRows((await run({ format: "csv", columns: "scores" }, SECRET_B)).body);
    expect(a2.map((r) => r.patient_pseudonym)).toEqual(a1.map((r) => r.patient_pseudonym));
    const pa = pseudoOf(SECRET_A);
    const pb = pseudoOf(SECRET_B);
    for (const r of a1) expect(pa.has(r.patient_pseudonym)).toBe(true);
    for (const r of b) expect(pb.has(r.patient_pseudonym)).toBe(true);
    const setA = new Set(a1.map((r) => r.patient_pseudonym));
    for (const r of b) expect(setA.has(r.patient_pseudonym)).toBe(false);
    const rowKeysA = new Set(a1.map((r) => r.row_key));
    for (const r of b) expect(rowKeysA.has(r.row_key)).toBe(false);
    const ids = new Set([...fx.patients.map((p) => p.id.replace(/-/g, "")), ...fx.assessments.map((a) => a.id.replace(/-/g, ""))]);
    for (const r of a1) expect(ids.has(r.patient_pseudonym) || ids.has(r.row_key)).toBe(false);
  });

  it.each([
    ["condition prefix E11 and range I10-I15", { condition: "E11,I10-I15" }],
    ["condition range E10-E14 with descendants", { condition: "E10-E14" }],
    ["family history C34", { familyHistory: "C34" }],
    ["sex female", { sex: "female" }],
    ["age 60–70", { ageMin: "60", ageMax: "70" }],
    ["age 90+", { ageMin: "90" }],
    ["modality CT", { modality: "CT" }],
    ["tabular-only (modality none)", { modality: "none" }],
    ["date range 2026", { from: "2026-01-01", to: "2026-12-31" }],
    ["model name + version", { model: "fusion-late", modelVersion: "0.9.0" }],
    ["strategy joint or late", { strategy: "joint,late" }],
    ["combined", { condition: "J44,E78", sex: "male", from: "2025-01-01", to: "2025-12-31" }],
  ] as [string, Record<string, string>][])("filter: %s selects exactly the expected assessments", async (_label, filters) => {
    const pat = new Map(fx.patients.map((p) => [p.id, p]));
    const cond = filters.condition?.split(",").map((t) => parseCodeTerm(t));
    const fam = filters.familyHistory?.split(",").map((t) => parseCodeTerm(t));
    const expected = fx.assessments.filter((a) => {
      const p = pat.get(a.patientId)!;
      const age = ageOn(p.birthDate, a.createdAt);
      const day = a.createdAt.toISOString().slice(0, 10);
      return (
        (!cond || p.conditions.some((c) => cond.some((t) => termMatches(t, c.codeSystem, c.code)))) &&
        (!fam || p.familyHistory.some((f) => fam.some((t) => termMatches(t, "ICD10", f.code)))) &&
        (!filters.sex || filters.sex.split(",").includes(p.sex)) &&
        (!filters.ageMin || age >= Number(filters.ageMin)) &&
        (!filters.ageMax || age <= Number(filters.ageMax)) &&
        (!filters.modality || filters.modality.split(",").some((m) => (m === "none" ? a.modality === null : a.modality === m))) &&
        (!filters.from || day >= filters.from) &&
        (!filters.to || day <= filters.to) &&
        (!filters.model || a.modelName === filters.model) &&
        (!filters.modelVersion || a.modelVersion === filters.modelVersion) &&
        (!filters.strategy || filters.strategy.split(",").includes(a.strategy))
      );
    });
    expect(expected.length, "the fixture should make this filter meaningful").toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(fx.assessments.length);
    const { body, x } = await run({ format: "csv", columns: "scan", ...filters });
    const rows = csvRows(body);
    const pseudo = pseudoOf(SECRET_A);
    const got = rows.map((r) => `${pseudo.get(r.patient_pseudonym)}|${r.model_name}`).sort();
    expect(got).toEqual(expected.map((a) => `${a.patientId}|${a.modelName}`).sort());
    expect(x.shape.rows).toBe(expected.length);
    expect(x.shape.patients).toBe(new Set(expected.map((a) => a.patientId)).size);
  });

  it("de-identifies: ages over 89 → 90, year only, labels where known, scan columns without UIDs", async () => {
    const rows = csvRows((await run({ format: "csv" })).body);
    const pseudo = pseudoOf(SECRET_A);
    const oldest = fx.patients.find((p) => p.birthDate === "1931-02-03")!;
    const old = rows.filter((r) => pseudo.get(r.patient_pseudonym) === oldest.id);
    expect(old.length).toBeGreaterThan(0);
    for (const r of old) expect(r.age_years).toBe("90");
    for (const r of rows) {
      expect(["2025", "2026"]).toContain(r.assessment_year);
      expect(Number(r.age_years)).toBeLessThanOrEqual(90);
    }
    const lung = fx.patients.find((p) => p.conditions.some((c) => c.code === "C34.1"))!;
    const lr = rows.find((r) => pseudo.get(r.patient_pseudonym) === lung.id && r.assessment_year === "2025")!;
    expect(lr.label_lung_cancer_2y).toBe("1");
    const mace = fx.patients.find((p) => p.conditions.some((c) => c.code === "I21.4"))!;
    expect(rows.find((r) => pseudo.get(r.patient_pseudonym) === mace.id && r.assessment_year === "2025")!.label_mace_5y).toBe("1");
    expect(rows.filter((r) => r.label_lung_cancer_2y === "").length).toBeGreaterThan(0); // horizon not elapsed: unknown
    const ct = rows.find((r) => r.scan_modality === "CT")!;
    expect(ct).toMatchObject({ scan_body_part: "CHEST", scan_rows: "512", scan_transfer_syntax: expect.stringMatching(/Explicit VR Little Endian/i) });
    expect(Object.keys(ct).filter((k) => /uid|date|mrn|given|family|birth|patient_name/i.test(k))).toEqual([]);
  });

  it("resumes after a row_key: parts concatenate to the full export; each part is audited with the SHA-256 of its bytes", async () => {
    const full = await run({ format: "csv", columns: "fused_embedding" });
    const p1 = await run({ format: "csv", columns: "fused_embedding", limit: "7" });
    const r1 = csvRows(p1.body);
    expect(r1.length).toBe(7);
    const p2 = await run({ format: "csv", columns: "fused_embedding", after: r1[6].row_key, header: "0" });
    expect(Buffer.concat([p1.body, p2.body]).equals(full.body)).toBe(true);
    for (const part of [p1, p2, full]) {
      const sha = createHash("sha256").update(part.body).digest("hex");
      expect(part.summary).toMatchObject({ sha256: sha, bytes: part.body.length, complete: true });
      const ev = await eng.prisma.auditEvent.findFirst({ where: { action: "export.create", details: { path: ["sha256"], equals: sha } } });
      expect(ev).toMatchObject({ outcome: "success", username: "vitest" });
      expect((ev!.details as { rows: number }).rows).toBe(part.summary.rows);
    }
    // Parquet parts are complete files
    const q1 = await run({ format: "parquet", limit: "4" });
    expect(q1.body.subarray(0, 4).toString()).toBe("PAR1");
    expect(q1.body.subarray(-4).toString()).toBe("PAR1");
  });

  it("a cancelled download is audited as incomplete with the bytes actually sent", async () => {
    const q = parseOrThrow(ExportQuery, { format: "csv" });
    const x = await openExport(q, { db: eng.prisma, actor: null, username: "vitest-cancel", request, env: env(), pageSize: 2 });
    const reader = x.stream.getReader();
    const first = await reader.read();
    await reader.cancel("user pressed stop");
    const s = await x.done;
    expect(s.complete).toBe(false);
    expect(s.bytes).toBe(first.value!.byteLength);
    const ev = await eng.prisma.auditEvent.findFirst({ where: { action: "export.create", username: "vitest-cancel" } });
    expect(ev?.outcome).toBe("failure");
  });

  it("a database failure mid-export errors the stream, is audited as a failure and crashes nothing", async () => {
    let pages = 0;
    const flaky: Queryable = {
      $queryRawUnsafe: (async (sql: string, ...p: unknown[]) => {
        if (/AS "embFused"/.test(sql) && ++pages === 3) throw new Error("connection reset (simulated)");
        return (sqlReader().$queryRawUnsafe as (s: string, ...q: unknown[]) => Promise<unknown>)(sql, ...p);
      }) as Queryable["$queryRawUnsafe"],
    };
    const q = parseOrThrow(ExportQuery, { format: "csv", columns: "scores" });
    const x = await openExport(q, { db: eng.prisma, sql: flaky, actor: null, username: "vitest-flaky", request, env: env(), pageSize: 4 });
    await expect(readAll(x.stream)).rejects.toThrow(/connection reset/);
    const s = await x.done;
    expect(s).toMatchObject({ complete: false, error: expect.stringMatching(/connection reset/) });
    expect(s.rows).toBe(8); // two pages went out; the third (read ahead) failed
    const ev = await eng.prisma.auditEvent.findFirst({ where: { action: "export.create", username: "vitest-flaky" } });
    expect(ev?.outcome).toBe("failure");
  });

  it("refuses bad input with a clear message and production with a too-short secret with 503", async () => {
    expect(() => parseOrThrow(ExportQuery, { format: "xlsx" })).toThrow(/format/);
    expect(() => parseOrThrow(ExportQuery, { conditon: "I10" })).toThrow(/conditon/);
    const q = parseOrThrow(ExportQuery, { condition: "not a code" });
    await expect(openExport(q, { db: eng.prisma, actor: null, request, env: env() })).rejects.toThrow(/ICD-10/);
    const q2 = parseOrThrow(ExportQuery, { format: "csv" });
    await expect(openExport(q2, { db: eng.prisma, actor: null, request, env: { NODE_ENV: "production", FUSION_EXPORT_SECRET: "short" } as NodeJS.ProcessEnv })).rejects.toMatchObject({ status: 503, code: "export_not_configured" });
    const q3 = parseOrThrow(ExportQuery, { after: "0".repeat(32) });
    // a row key from another secret decodes to some id: the export is simply empty after it or continues; never a 500
    await expect(openExport(q3, { db: eng.prisma, actor: null, request, env: env() }).then((x) => readAll(x.stream))).resolves.toBeInstanceOf(Buffer);
  });
});
