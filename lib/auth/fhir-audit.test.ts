import { describe, expect, it } from "vitest";
import { fhirAction, toFhirAuditEvent, toFhirBundle } from "./fhir-audit";
import type { AuditRow } from "./audit-search";

const row = (over: Partial<AuditRow> = {}): AuditRow => ({
  id: "42",
  occurredAt: new Date("2026-11-28T10:00:00Z"),
  userId: "5f0c8b8e-1111-4222-8333-944445555666",
  username: "dr.demo",
  role: "clinician",
  action: "patient.read",
  entityType: "Patient",
  entityId: "0d3b7a52-aaaa-4bbb-8ccc-dddddddddddd",
  patientId: "0d3b7a52-aaaa-4bbb-8ccc-dddddddddddd",
  outcome: "success",
  clientAddress: "10.1.2.3",
  source: "api",
  details: null,
  ...over,
});

describe("FHIR R4 AuditEvent export", () => {
  it("maps who, what, when, where and outcome", () => {
    const e = toFhirAuditEvent(row());
    expect(e.resourceType).toBe("AuditEvent");
    expect(e.action).toBe("R");
    expect(e.recorded).toBe("2026-11-28T10:00:00.000Z");
    expect(e.outcome).toBe("0");
    expect(e.agent[0].who.display).toBe("dr.demo");
    expect(e.agent[0].network).toEqual({ address: "10.1.2.3", type: "2" });
    expect(e.entity).toEqual([expect.objectContaining({ what: { reference: "Patient/0d3b7a52-aaaa-4bbb-8ccc-dddddddddddd" } })]);
  });
  it("sign-ins use the DICOM User Authentication type; failures are not success", () => {
    const e = toFhirAuditEvent(row({ action: "auth.login", outcome: "failure", patientId: null, entityType: "User", entityId: null, userId: null, role: null }));
    expect(e.type.code).toBe("110114");
    expect(e.subtype?.[0].code).toBe("110122");
    expect(e.outcome).toBe("4");
    expect(toFhirAuditEvent(row({ outcome: "denied" })).outcome).toBe("8");
  });
  it("action verbs map to C R U D E", () => {
    expect(["condition.create", "patient.search", "patient.update", "diet.delete", "export.create", "auth.login"].map(fhirAction)).toEqual(["C", "R", "U", "D", "C", "E"]);
  });
  it("a searchset Bundle", () => {
    const b = toFhirBundle([row(), row({ id: "43" })], 10);
    expect(b).toMatchObject({ resourceType: "Bundle", type: "searchset", total: 10 });
    expect(b.entry.map((x) => x.resource.id)).toEqual(["42", "43"]);
  });
});
