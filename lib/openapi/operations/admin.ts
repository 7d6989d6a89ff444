import { AuditQuery } from "@/lib/auth/audit-search";
import { jsonBodyErrors } from "../errors";
import { queryParameters } from "../json-schema";
import { header, jsonBody, jsonResponse, type Operations } from "../operation";

/** zod's coerce.date on the server: anything JavaScript's Date parses, so no stricter `format` here. */
const dateTime = { type: "string" };
const auditParameters = (pageSizeNote: string) =>
  queryParameters(
    AuditQuery,
    {
      from: "Events at or after this time (any date/time Date accepts, e.g. 2026-11-28 or 2026-11-28T10:00:00Z).",
      to: "Events at or before this time.",
      username: "Exact username (case-insensitive).",
      action: 'An exact action ("auth.login") or a prefix ending in a dot ("patient.").',
      page: "1-based page number (offset paging; shifts when events are added meanwhile — prefer `cursor`).",
      cursor: "Continue after the previous page: its `nextCursor` (keyset paging, newest first by time then id; stable while events are added). `page` is ignored with it.",
      pageSize: pageSizeNote,
    },
    { from: dateTime, to: dateTime },
  );

/** Users and the audit trail (admins). */
export const adminOperations: Operations = {
  "GET /api/admin/audit": {
    operationId: "searchAudit",
    tag: "Administration",
    summary: "Search the audit trail",
    description: "Newest first (time, then id). Blank parameters are ignored, unknown ones too. `nextCursor` continues after this page. Reading the trail is itself audited.",
    parameters: auditParameters("Events per page (1–500, default 50)."),
    responses: { "200": jsonResponse("A page of audit events.", "AuditPage") },
    errors: [{ 400: ["validation_failed"] }],
  },
  "GET /api/admin/audit/fhir": {
    operationId: "exportAuditFhir",
    tag: "Administration",
    summary: "The audit trail as FHIR R4 AuditEvent resources",
    description:
      "The same filters as GET /api/admin/audit, as a searchset Bundle, downloaded as a file, newest first. For more, follow the Bundle's `link` with relation `next` (a keyset cursor: no event is repeated or skipped while events are added, and each page adds one). `page` above 1 is refused here (400). The export is audited.",
    parameters: auditParameters("Events per page (1–500, default 500 here)."),
    responses: {
      "200": {
        description: "A FHIR Bundle.",
        headers: { "Content-Disposition": header('attachment; filename="audit-events-YYYY-MM-DD.json"') },
        content: { "application/fhir+json": { schema: { $ref: "#/components/schemas/FhirAuditBundle" } } },
      },
    },
    errors: [{ 400: { codes: ["validation_failed"], note: "Also `page` above 1 (use the next link) and a cursor that is not one." } }],
  },
  "GET /api/admin/users": {
    operationId: "listUsers",
    tag: "Administration",
    summary: "Every account",
    description: "Never password hashes.",
    responses: { "200": jsonResponse("The accounts, by username.", "UserList") },
  },
  "POST /api/admin/users": {
    operationId: "createUser",
    tag: "Administration",
    summary: "Create an account",
    description: "The username is normalised (NFKC, lower case) and must be 3–64 of a–z, 0–9, `.`, `_`, `-`; the password must meet the policy. Audited.",
    requestBody: jsonBody("UserCreate"),
    responses: { "201": jsonResponse("Created.", "UserResult") },
    errors: [jsonBodyErrors, { 409: ["username_taken"] }],
  },
  "PATCH /api/admin/users/[id]": {
    operationId: "updateUser",
    tag: "Administration",
    summary: "Change, disable, unlock or reset an account",
    description:
      "Disabling, a role change or a password reset also ends the user's sessions (as does `revokeSessions: true`). `unlock: true` forgets the account's failed sign-ins from every address; `resetMfa: true` removes the account's second factor and recovery codes (it enrols again; its sessions end). " +
      "An admin cannot disable themself or drop their own admin role (409 self_lockout). Audited (never the password).",
    parameters: [{ name: "id", in: "path", required: true, description: "The user's id (a UUID; anything else is 404).", schema: { type: "string" } }],
    requestBody: jsonBody("UserUpdate"),
    responses: { "200": jsonResponse("The account as changed, and how many sessions ended.", "UserUpdateResult") },
    errors: [jsonBodyErrors, { 404: ["not_found"], 409: ["self_lockout"] }],
  },
};
