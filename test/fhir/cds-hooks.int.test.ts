// CDS Hooks 2.0 patient-view (lib/fhir/cds) on PostgreSQL and on the embedded database, with a
// test EHR: its own ES384 key pair, its JWKS and its FHIR server served from a local HTTP server
// started here. Signed calls are scored (prefetch, or fetched with the fhirAuthorization token);
// bad, expired, foreign, replayed or untrusted tokens are 401 and nothing is scored or audited.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from "jose";
import { engines, type TestEngine } from "../support/engines";
import { CdsPatientViewRequest } from "@/lib/domain";
import { CdsCards, CdsDiscovery } from "@/lib/domain";
import { AppError } from "@/lib/domain/errors";
import { cdsDiscovery, patientView, type PatientViewTimings } from "@/lib/fhir/cds/service";
import { assess, getDefaultModel } from "@/lib/fusion";
import { importBundle } from "@/lib/fhir/import";
import { conditionResource, dietResource, familyResource, patientResource, smokingResource, transaction } from "./fixtures";
import { generatePatient, renderScan, scanToDicom } from "@/models/fusion/cohort";
import { inspectUpload } from "@/lib/ingest/inspect";
import { scanRowData } from "@/lib/ingest/scan-row";
import { scanStoreFor } from "@/lib/db/scan-store";
import { closeDecodePool } from "@/lib/dicom/off-thread";

vi.mock("server-only", () => ({}));

const BASE = "http://cds.test:3000";
const AUD = `${BASE}/cds-services/fusion-risk`;
const ACCESS_TOKEN = "ehr-access-token-123";

let server: Server;
let ehrUrl: string;
let key: CryptoKey;
let otherKey: CryptoKey;
let publicJwk: JWK;
const fhirCalls: { path: string; auth: string | undefined }[] = [];

// the EHR's record of patient p1 (FHIR resources, as its server would answer them)
const ehrPatient = patientResource(1);
const ehrConditions = [conditionResource(1, 1), conditionResource(1, 2, { code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "E11.9", display: "Type 2 diabetes" }] }, onsetDateTime: "2012-01-01" })];
const ehrFamily = [familyResource(1)];
const ehrObservations = [smokingResource(1), dietResource(1)];
const searchset = (rs: unknown[]) => ({ resourceType: "Bundle", type: "searchset", total: rs.length, entry: rs.map((resource) => ({ resource })) });

beforeAll(async () => {
  const pair = await generateKeyPair("ES384");
  key = pair.privateKey;
  ({ privateKey: otherKey } = await generateKeyPair("ES384"));
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "ehr-key-1", alg: "ES384", use: "sig" };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/jwks.json") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] }));
    fhirCalls.push({ path: url.pathname + url.search, auth: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) return void res.writeHead(401).end();
    const body =
      url.pathname === "/fhir/Patient/p1" ? ehrPatient
      : url.pathname === "/fhir/Condition" ? searchset(ehrConditions)
      : url.pathname === "/fhir/FamilyMemberHistory" ? searchset(ehrFamily)
      : url.pathname === "/fhir/Observation" ? searchset(ehrObservations)
      : null;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/fhir+json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  ehrUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await getDefaultModel();
}, 120_000);

afterAll(async () => {
  await new Promise((ok) => server?.close(ok));
  await closeDecodePool();
});

type Claims = { iss?: string; aud?: string; exp?: number; iat?: number; jti?: string; sub?: string };
async function sign(over: Claims = {}, signer: CryptoKey = key, alg = "ES384"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const c = { iss: "https://ehr.test", aud: AUD, iat: now, exp: now + 300, jti: randomUUID(), sub: "fusion-client", ...over };
  return new SignJWT({}).setProtectedHeader({ alg, kid: "ehr-key-1", typ: "JWT" }).setIssuer(c.iss).setAudience(c.aud).setIssuedAt(c.iat).setExpirationTime(c.exp).setJti(c.jti).setSubject(c.sub).sign(signer);
}

function hookBody(prefetch: boolean) {
  return {
    hook: "patient-view",
    hookInstance: randomUUID(),
    fhirServer: `${ehrUrl}/fhir`,
    fhirAuthorization: { access_token: ACCESS_TOKEN, token_type: "Bearer", expires_in: 300, scope: "patient/*.read", subject: "fusion-client" },
    context: { userId: "Practitioner/7", patientId: "p1" },
    ...(prefetch ? { prefetch: { patient: ehrPatient, conditions: searchset(ehrConditions), familyHistory: searchset(ehrFamily), observations: searchset(ehrObservations) } } : {}),
  };
}

describe("discovery", () => {
  it("lists the patient-view service with its prefetch templates (the spec's JSON shape)", () => {
    const d = cdsDiscovery();
    expect(CdsDiscovery.parse(d).services[0]).toMatchObject({ hook: "patient-view", id: "fusion-risk", prefetch: { patient: "Patient/{{context.patientId}}" } });
  });
});

describe.each(engines)("patient-view on %s", (_name, open) => {
  let e: TestEngine;
  const call = (authorization: string | null, body: unknown, timings?: PatientViewTimings) =>
    patientView(e.prisma, { serviceId: "fusion-risk", authorization, body: async () => body, headers: new Headers({ "user-agent": "test-ehr" }) }, BASE, timings);
  const scored = () => e.prisma.auditEvent.count({ where: { action: "cds.patient-view" } });

  beforeAll(async () => {
    e = await open();
    await e.prisma.trustedEhr.create({ data: { name: "Test EHR", issuer: "https://ehr.test", jwksUrl: `${ehrUrl}/jwks.json`, clientId: "fusion-client" } });
  }, 120_000);
  afterAll(async () => {
    await e?.drop();
  });

  it("a signed call with prefetch is scored record-only: one card per outcome, valid CDS Hooks shapes, audited", async () => {
    const body = hookBody(true);
    expect(CdsPatientViewRequest.safeParse(body).success).toBe(true);
    const timings: PatientViewTimings = {};
    const before = await scored();
    const r = await call(`Bearer ${await sign()}`, body, timings);
    console.log(`[cds] record-only call: ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(", ")}`);
    expect(CdsCards.parse(r).cards).toHaveLength(2);
    const lung = r.cards.find((c) => c.source.topic?.code === "lung_cancer_2y")!;
    expect(lung.summary).toMatch(/^Lung cancer diagnosis within 2 years: \d+\.\d% \((low|moderate|high) risk\)/);
    expect(lung.indicator).toBe({ low: "info", moderate: "warning", high: "critical" }[/\((\w+) risk\)/.exec(lung.summary)![1] as "low"]);
    expect(lung.detail).toContain("uncertainty interval");
    expect(lung.detail).toContain("Top factors:");
    // clinical facts, not encoder features ("Sex: male", not "Male sex"; no counts of records)
    expect(lung.detail).not.toMatch(/Male sex|Diet records|Family history recorded/);
    expect(lung.detail).toContain("Research use only");
    expect(lung.source.url).toBe(`${BASE}/models/fusion-demo/1.1.0`);
    expect(lung.links).toBeUndefined(); // not a patient of this service
    expect(await scored()).toBe(before + 1);

    // the same record scored directly by lib/fusion: the card carries exactly that probability
    const direct = await assess({
      record: {
        birthDate: "1958-04-12", sex: "male", asOf: new Date().toISOString().slice(0, 10),
        conditions: [
          { codeSystem: "ICD10", code: "I10", onsetDate: "2015-06-01", status: "active" },
          { codeSystem: "ICD10", code: "E11.9", onsetDate: "2012-01-01", status: "active" },
          { codeSystem: "ICD10", code: "F17.210", onsetDate: "1990-01-01", status: "active" },
        ],
        familyHistory: [{ relationship: "father", code: "C34.9", ageAtOnset: 61, deceased: true }],
        dietRecords: [{ recordedOn: "2024-03-01", method: "recall_24h", energyKcal: 2300, sodiumMg: 3600, sugarsG: 90, saturatedFatG: 31, fibreG: 17, fruitVegServings: 3, redMeatServings: 1.5, alcoholUnits: 2 }],
      },
    }, { explain: false });
    expect(lung.summary).toContain(`${(direct.scores.lung_cancer_2y.probability * 100).toFixed(1)}%`);
  });

  it("without prefetch, fetches the record from the EHR's FHIR server with the fhirAuthorization token: same cards", async () => {
    fhirCalls.length = 0;
    const a = await call(`Bearer ${await sign()}`, hookBody(true));
    const b = await call(`Bearer ${await sign()}`, hookBody(false));
    expect(fhirCalls.map((c) => c.path).sort()).toEqual(["/fhir/Condition?patient=p1", "/fhir/FamilyMemberHistory?patient=p1", "/fhir/Observation?patient=p1", "/fhir/Patient/p1"]);
    expect(fhirCalls.every((c) => c.auth === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
    expect(b.cards.map((c) => c.summary)).toEqual(a.cards.map((c) => c.summary));
  });

  it("a patient known here (same MRN) gets a link to the record page, and the audit row names the patient", async () => {
    await importBundle(e.prisma, transaction([patientResource(1)]), { actor: null, request: { clientAddress: null, userAgent: null, source: "test" }, queue: null });
    const p = await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00001" } });
    const r = await call(`Bearer ${await sign()}`, hookBody(true));
    expect(r.cards[0].links).toEqual([{ label: "Open the record in Fusion CDS", url: `${BASE}/patients/${p.id}`, type: "absolute" }]);
    const audit = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "cds.patient-view" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ patientId: p.id, username: "ehr:Test EHR", source: "cds-hooks" });
  });

  it("a known patient with a CT scan is scored with their latest scan (read from the scan store, decoded as the worker does)", async () => {
    const p = await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00001" } });
    const cohort = generatePatient(5, 0);
    const bytes = scanToDicom(cohort, renderScan(cohort, { size: 256 }));
    // the file in the scan store, the row pointing at it (as an upload leaves them)
    const file = await scanStoreFor(e.prisma).put(bytes);
    const scan = await e.prisma.scan.create({ data: scanRowData(p.id, await inspectUpload(bytes, "ct.dcm", {}), { key: file.key, sha256: file.key, size: file.size }), select: { id: true } });
    const r = await call(`Bearer ${await sign()}`, hookBody(true));
    const audit = await e.prisma.auditEvent.findFirstOrThrow({ where: { action: "cds.patient-view" }, orderBy: { id: "desc" } });
    expect(audit.details).toMatchObject({ scanId: scan.id, path: "joint" });
    expect(r.cards[0].detail).toContain("on the latest scan together with the record");
  }, 60_000);

  describe("bad tokens: 401, nothing scored", () => {
    const refused = async (authorization: string | null, message: RegExp, body: unknown = hookBody(true)) => {
      const before = await scored();
      const err = await call(authorization, body).then(() => null, (x: unknown) => x);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(401);
      expect((err as AppError).message).toMatch(message);
      expect(await scored()).toBe(before);
    };
    it("no token, not a JWT", async () => {
      await refused(null, /Authorization: Bearer/);
      await refused("Bearer not-a-jwt", /Authorization: Bearer/);
    });
    it("expired", async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(`Bearer ${await sign({ iat: now - 600, exp: now - 300 })}`, /expired/);
    });
    it("issued for another service (aud)", async () => {
      await refused(`Bearer ${await sign({ aud: "https://elsewhere.example/cds-services/x" })}`, /aud must be http:\/\/cds\.test:3000\/cds-services\/fusion-risk/);
    });
    it("signed with a key that is not the EHR's", async () => {
      await refused(`Bearer ${await sign({}, otherKey)}`, /signature does not verify/);
    });
    it("an issuer that is not trusted, or a trusted EHR that was disabled", async () => {
      await refused(`Bearer ${await sign({ iss: "https://intruder.example" })}`, /not a trusted EHR/);
      await e.prisma.trustedEhr.update({ where: { issuer: "https://ehr.test" }, data: { enabled: false } });
      try {
        await refused(`Bearer ${await sign()}`, /not a trusted EHR/);
      } finally {
        await e.prisma.trustedEhr.update({ where: { issuer: "https://ehr.test" }, data: { enabled: true } });
      }
    });
    it("the wrong client (sub), a lifetime over 5 minutes", async () => {
      await refused(`Bearer ${await sign({ sub: "someone-else" })}`, /subject \(sub\)/);
      const now = Math.floor(Date.now() / 1000);
      await refused(`Bearer ${await sign({ iat: now, exp: now + 3600 })}`, /longer than the 5 minutes/);
    });
    it("a replayed jti", async () => {
      const token = await sign();
      await call(`Bearer ${token}`, hookBody(true));
      await refused(`Bearer ${token}`, /already used \(jti replay\)/);
    });
  });
});
