import type { AuditRow } from "./audit-search";
import type { FhirAuditBundle } from "@/lib/domain/responses";

/**
 * Our AuditEvent rows as FHIR R4 AuditEvent resources (http://hl7.org/fhir/R4/auditevent.html),
 * so a hospital's audit repository (ATNA / FHIR server) can ingest them.
 */
const DCM = "http://dicom.nema.org/resources/ontology/DCM";
const AUDIT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";

function typeAndSubtype(action: string) {
  if (action.startsWith("auth.")) {
    const sub = action === "auth.login" ? { code: "110122", display: "Login" } : action.startsWith("auth.logout") ? { code: "110123", display: "Logout" } : null;
    return { type: { system: DCM, code: "110114", display: "User Authentication" }, subtype: sub ? [{ system: DCM, ...sub }] : undefined };
  }
  if (action.startsWith("export.")) return { type: { system: DCM, code: "110106", display: "Export" }, subtype: undefined };
  if (action.startsWith("audit.")) return { type: { system: DCM, code: "110101", display: "Audit Log Used" }, subtype: undefined };
  if (action.startsWith("access.")) return { type: { system: DCM, code: "110113", display: "Security Alert" }, subtype: undefined };
  return { type: { system: AUDIT_TYPE, code: "rest", display: "RESTful Operation" }, subtype: undefined };
}

/** C R U D E from the verb at the end of our action name ("patient.read", "condition.create"). */
export function fhirAction(action: string): "C" | "R" | "U" | "D" | "E" {
  const verb = action.split(".").pop() ?? "";
  if (/^(create|add|upload)$/.test(verb)) return "C";
  if (/^(read|search|list|view|get)$/.test(verb)) return "R";
  if (/^(update|patch|edit)$/.test(verb)) return "U";
  if (/^(delete|remove)$/.test(verb)) return "D";
  return "E";
}

const OUTCOME = { success: "0", failure: "4", denied: "8" } as const;

export function toFhirAuditEvent(r: AuditRow, system = "Fusion CDS") {
  const { type, subtype } = typeAndSubtype(r.action);
  const entity: unknown[] = [];
  if (r.patientId)
    entity.push({
      what: { reference: `Patient/${r.patientId}` },
      type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "1", display: "Person" },
      role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "1", display: "Patient" },
    });
  if (r.entityType && !(r.entityType === "Patient" && r.entityId === r.patientId))
    entity.push({
      what: { identifier: { system: "urn:fusion-cds:entity", value: `${r.entityType}/${r.entityId ?? ""}` } },
      type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2", display: "System Object" },
      ...(r.details ? { detail: [{ type: "details", valueString: JSON.stringify(r.details) }] } : {}),
    });
  return {
    resourceType: "AuditEvent" as const,
    id: r.id,
    type,
    ...(subtype ? { subtype } : {}),
    action: fhirAction(r.action),
    recorded: r.occurredAt.toISOString(),
    outcome: OUTCOME[r.outcome],
    outcomeDesc: `${r.action}: ${r.outcome}`,
    agent: [
      {
        type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/extra-security-role-type", code: "humanuser", display: "human user" }] },
        ...(r.role ? { role: [{ coding: [{ system: "urn:fusion-cds:role", code: r.role }] }] } : {}),
        who: {
          ...(r.userId ? { identifier: { system: "urn:fusion-cds:user", value: r.userId } } : {}),
          display: r.username ?? "(anonymous)",
        },
        requestor: true,
        ...(r.clientAddress ? { network: { address: r.clientAddress, type: "2" } } : {}),
      },
    ],
    source: {
      site: r.source ?? undefined,
      observer: { display: system },
      type: [{ system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4", display: "Application Server" }],
    },
    ...(entity.length ? { entity } : {}),
  };
}

export type BundleLink = { relation: "self" | "next"; url: string };

export function toFhirBundle(rows: AuditRow[], total: number, now = new Date(), link: BundleLink[] = []): FhirAuditBundle {
  return {
    resourceType: "Bundle",
    type: "searchset",
    timestamp: now.toISOString(),
    total,
    ...(link.length ? { link } : {}),
    entry: rows.map((r) => ({ fullUrl: `urn:fusion-cds:AuditEvent:${r.id}`, resource: toFhirAuditEvent(r), search: { mode: "match" } })),
  };
}
