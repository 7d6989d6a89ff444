import type { Role } from "@/lib/generated/prisma/enums";

/**
 * What a role may do. Deny by default: a permission not listed for a role is refused.
 * clinician — identified records, uploads, assessments; researcher — de-identified export and
 * model pages only; admin — users, models, the audit log, DICOMweb sources.
 */
export const permissions = {
  "patient:read": ["clinician"],
  "patient:write": ["clinician"],
  "scan:upload": ["clinician"],
  "assessment:run": ["clinician"],
  "export:deidentified": ["researcher"],
  // observed outcomes (lib/outcomes): recorded by clinicians, and by admins for corrections and imports
  "outcome:read": ["clinician", "admin"],
  "outcome:write": ["clinician", "admin"],
  "model:read": ["clinician", "researcher", "admin"],
  "model:admin": ["admin"],
  // training snapshots (de-identified) and training jobs
  "model:train": ["researcher", "admin"],
  "user:admin": ["admin"],
  // DICOMweb sources (PACS): addresses, credentials, push tokens — no patient data
  "dicomweb:admin": ["admin"],
  "audit:read": ["admin"],
  "session:self": ["clinician", "researcher", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function roleMay(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
