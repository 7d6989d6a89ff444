import { describe, expect, it } from "vitest";
import { appFileToPath, pageTable, routeTable } from "./route-table";
import { permissions, roleMay } from "./permissions";

describe("route table", () => {
  it("maps app files to URL paths", () => {
    expect(appFileToPath("app/api/patients/[id]/route.ts", "route")).toBe("/api/patients/[id]");
    expect(appFileToPath("app/(clinic)/patients/page.tsx", "page")).toBe("/patients");
    expect(appFileToPath("app/page.tsx", "page")).toBe("/");
  });
  it("every rule names a real permission or 'public'", () => {
    const rules = [...Object.values(routeTable).flatMap((m) => Object.values(m)), ...Object.values(pageTable)];
    for (const r of rules) expect(r === "public" || r === "ehr-jwt" || r in permissions, `${r}`).toBe(true);
  });
  it("researchers and admins never get identified patient data", () => {
    for (const role of ["researcher", "admin"] as const) {
      expect(roleMay(role, "patient:read")).toBe(false);
      expect(roleMay(role, "patient:write")).toBe(false);
    }
    expect(roleMay("researcher", "audit:read")).toBe(false);
    expect(roleMay("clinician", "user:admin")).toBe(false);
  });
  it("only a short, reviewed list of API routes is public", () => {
    const pub = Object.entries(routeTable).flatMap(([p, m]) => Object.entries(m).filter(([, r]) => r === "public").map(([k]) => `${k} ${p}`));
    // FHIR metadata (the CapabilityStatement) and CDS Hooks discovery: read before any sign-in, no patient data
    const reviewed = ["GET /api/health", "POST /api/auth/login", "POST /api/auth/login/mfa", "GET /api/openapi.json", "GET /fhir/R4/metadata", "GET /cds-services"];
    expect(pub.filter((x) => !reviewed.includes(x))).toEqual([]);
  });
  it("only the CDS Hooks call is authenticated by an EHR's JWT", () => {
    const jwt = Object.entries(routeTable).flatMap(([p, m]) => Object.entries(m).filter(([, r]) => r === "ehr-jwt").map(([k]) => `${k} ${p}`));
    expect(jwt).toEqual(["POST /cds-services/[id]"]);
  });
});
